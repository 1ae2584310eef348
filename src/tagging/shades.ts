import { differenceCiede2000, oklab, type Color } from 'culori';

/**
 * Named shades a beauty catalogue's colours are described by, each with its
 * family: the nearest by CIEDE2000 names a product's colour. A brand's own
 * shade name stays the brand's (Merchant Center asks for the landing page's
 * name); this is the coarse family for custom labels and a check that the
 * image matches the declared shade.
 */
export const SHADES: ReadonlyArray<{ name: string; family: string; hex: string }> = [
  { name: 'scarlet', family: 'red', hex: '#c1121f' }, { name: 'crimson', family: 'red', hex: '#9b111e' }, { name: 'cherry', family: 'red', hex: '#7b0a1b' },
  { name: 'coral', family: 'orange', hex: '#f2725e' }, { name: 'tangerine', family: 'orange', hex: '#e8701a' }, { name: 'terracotta', family: 'orange', hex: '#b6523a' },
  { name: 'pink', family: 'pink', hex: '#e88ca6' }, { name: 'fuchsia', family: 'pink', hex: '#c2185b' }, { name: 'rose', family: 'pink', hex: '#c76b7e' },
  { name: 'mauve', family: 'purple', hex: '#a0707e' }, { name: 'plum', family: 'purple', hex: '#6b2d4f' }, { name: 'lavender', family: 'purple', hex: '#a78bc9' },
  { name: 'berry', family: 'purple', hex: '#7d1e45' }, { name: 'nude', family: 'nude', hex: '#c9937a' }, { name: 'beige', family: 'nude', hex: '#d9b99b' },
  { name: 'caramel', family: 'brown', hex: '#a0673d' }, { name: 'chocolate', family: 'brown', hex: '#5a3825' }, { name: 'espresso', family: 'brown', hex: '#3b2418' },
  { name: 'black', family: 'black', hex: '#141414' }, { name: 'charcoal', family: 'grey', hex: '#3d3d3d' }, { name: 'grey', family: 'grey', hex: '#8a8a8a' },
  { name: 'white', family: 'white', hex: '#f4f4f2' }, { name: 'gold', family: 'gold', hex: '#c9a227' }, { name: 'silver', family: 'silver', hex: '#b8bcc2' },
  { name: 'navy', family: 'blue', hex: '#1f2f5c' }, { name: 'cobalt', family: 'blue', hex: '#1f4fbf' }, { name: 'teal', family: 'green', hex: '#147a78' },
  { name: 'emerald', family: 'green', hex: '#1d8a4e' }, { name: 'olive', family: 'green', hex: '#6b6b2a' }, { name: 'yellow', family: 'yellow', hex: '#f2cf1d' },
];

const distance = differenceCiede2000();
const palette = SHADES.map((s) => ({ ...s, colour: oklab(s.hex)! }));

/** The nearest named shade to an sRGB colour (0-255 channels), and how far it is (CIEDE2000). */
export function nearestShade(r: number, g: number, b: number): { name: string; family: string; distance: number } {
  const c: Color = { mode: 'rgb', r: r / 255, g: g / 255, b: b / 255 };
  let best = palette[0]!;
  let bestD = Infinity;
  for (const s of palette) {
    const d = distance(c, s.colour);
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  return { name: best.name, family: best.family, distance: Math.round(bestD * 10) / 10 };
}
