/** A `#rrggbb` colour moved toward white (amount > 0) or black (amount < 0), for highlights and cases. */
export function shade(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (c: number) => Math.round(amount >= 0 ? c + (255 - c) * amount : c * (1 + amount));
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(channel);
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The colour to paint an item: its `colorHex` attribute when it is a plain
 * `#rrggbb` (anything else could inject markup into the SVG), else a colour
 * derived from its id, so an item from any catalogue still gets a steady one.
 */
export function itemColour(id: string, attributes: Record<string, unknown>): string {
  const hex = attributes.colorHex;
  if (typeof hex === 'string' && /^#[0-9a-fA-F]{6}$/.test(hex)) return hex.toLowerCase();
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  const rgb = [h & 255, (h >>> 8) & 255, (h >>> 16) & 255].map((c) => 60 + Math.round((c / 255) * 150));
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
