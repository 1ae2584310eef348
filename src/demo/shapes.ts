import { shade } from './colour.js';
import type { Shape } from './product-types.js';

const CAP = '#1d1d1f';
const GOLD = '#c8a45a';
const METAL = '#c9ced6';

/** A soft vertical gloss on a body, left of centre, so flat shapes read as objects. */
const gloss = (x: number, y: number, h: number) => `<rect x="${x}" y="${y}" width="18" height="${h}" rx="9" fill="#fff" opacity="0.35"/>`;

/**
 * The SVG elements of a packshot, drawn in a 1024 x 1024 box with the product
 * standing on y = 820 (the shadow and the brand name go below). One template
 * per shape; `c` is the item's colour.
 */
export const SHAPES: Record<Shape, (c: string) => string> = {
  bullet: (c) => `<rect x="432" y="520" width="160" height="300" rx="14" fill="${CAP}"/>
    <rect x="426" y="500" width="172" height="34" rx="6" fill="${GOLD}"/>
    <rect x="447" y="370" width="130" height="135" fill="${shade(GOLD, 0.25)}"/>
    <path d="M462 372 L462 270 Q462 232 512 214 L562 244 L562 372 Z" fill="${c}"/>
    ${gloss(474, 280, 90)}${gloss(452, 540, 260)}`,
  pencil: (c) => `<rect x="472" y="250" width="80" height="570" rx="8" fill="${shade(c, -0.15)}"/>
    <polygon points="472,250 552,250 512,140" fill="#e8c9a0"/>
    <polygon points="498,178 526,178 512,140" fill="${c}"/>
    <rect x="472" y="740" width="80" height="80" rx="8" fill="${CAP}"/>${gloss(484, 270, 450)}`,
  wand: (c) => `<rect x="452" y="400" width="120" height="420" rx="40" fill="${c}"/>
    <rect x="462" y="150" width="100" height="262" rx="18" fill="${CAP}"/>
    <rect x="462" y="396" width="100" height="16" fill="${GOLD}"/>${gloss(470, 430, 340)}`,
  palette: (c) => `<rect x="192" y="330" width="640" height="470" rx="36" fill="${CAP}"/>
    ${[-0.45, -0.2, 0, 0.25, 0.5, 0.7].map((a, i) => `<rect x="${242 + (i % 3) * 190}" y="${380 + Math.floor(i / 3) * 200}" width="160" height="170" rx="16" fill="${shade(c, a)}"/>`).join('')}`,
  compact: (c) => `<circle cx="512" cy="560" r="250" fill="${CAP}"/>
    <circle cx="512" cy="560" r="205" fill="${c}"/>
    <circle cx="512" cy="560" r="205" fill="url(#sheen)"/>
    <rect x="492" y="296" width="40" height="22" rx="6" fill="${GOLD}"/>`,
  polish: (c) => `<rect x="392" y="470" width="240" height="350" rx="44" fill="${c}"/>
    <rect x="472" y="430" width="80" height="50" fill="${shade(c, -0.3)}"/>
    <rect x="462" y="190" width="100" height="250" rx="14" fill="${CAP}"/>${gloss(414, 500, 260)}`,
  bottle: (c) => `<rect x="392" y="330" width="240" height="490" rx="30" fill="${c}"/>
    <rect x="452" y="200" width="120" height="140" rx="12" fill="${shade(c, -0.45)}"/>
    <rect x="412" y="470" width="200" height="190" rx="8" fill="#fff" opacity="0.8"/>${gloss(406, 350, 420)}`,
  perfume: (c) => `<rect x="352" y="420" width="320" height="400" rx="40" fill="${c}" opacity="0.85"/>
    <rect x="382" y="450" width="260" height="340" rx="26" fill="${shade(c, 0.25)}" opacity="0.6"/>
    <rect x="482" y="370" width="60" height="56" fill="${METAL}"/>
    <rect x="442" y="250" width="140" height="125" rx="10" fill="${GOLD}"/>${gloss(372, 450, 330)}`,
  tube: (c) => `<path d="M372 180 L652 180 L602 700 L422 700 Z" fill="${c}"/>
    <rect x="362" y="160" width="300" height="36" rx="4" fill="${shade(c, -0.25)}"/>
    <rect x="422" y="696" width="180" height="124" rx="18" fill="${CAP}"/>
    <rect x="432" y="330" width="160" height="200" rx="10" fill="#fff" opacity="0.75"/>${gloss(396, 210, 440)}`,
  jar: (c) => `<rect x="302" y="500" width="420" height="320" rx="40" fill="${c}"/>
    <rect x="292" y="400" width="440" height="120" rx="24" fill="${METAL}"/>
    <rect x="372" y="600" width="280" height="130" rx="10" fill="#fff" opacity="0.75"/>${gloss(324, 530, 260)}`,
  pump: (c) => `<rect x="392" y="370" width="240" height="450" rx="36" fill="${c}"/>
    <rect x="462" y="310" width="100" height="66" fill="${CAP}"/>
    <rect x="500" y="250" width="24" height="62" fill="${CAP}"/>
    <rect x="442" y="222" width="140" height="40" rx="10" fill="${CAP}"/>
    <rect x="580" y="230" width="90" height="18" rx="8" fill="${CAP}"/>
    <rect x="422" y="500" width="180" height="200" rx="10" fill="#fff" opacity="0.75"/>${gloss(408, 400, 380)}`,
  can: (c) => `<rect x="422" y="280" width="180" height="540" rx="30" fill="${c}"/>
    <path d="M422 290 Q422 180 512 170 Q602 180 602 290 Z" fill="${METAL}"/>
    <rect x="422" y="280" width="180" height="22" fill="${shade(METAL, -0.2)}"/>
    <rect x="422" y="780" width="180" height="22" fill="${shade(METAL, -0.2)}"/>${gloss(440, 320, 440)}`,
  stick: (c) => `<rect x="447" y="360" width="130" height="460" rx="26" fill="${c}"/>
    <rect x="447" y="470" width="130" height="10" fill="${shade(c, -0.3)}"/>${gloss(462, 380, 400)}`,
  box: (c) => `<rect x="262" y="400" width="500" height="420" rx="12" fill="${c}"/>
    <rect x="242" y="330" width="540" height="90" rx="10" fill="${shade(c, -0.2)}"/>
    <rect x="487" y="330" width="50" height="490" fill="#fff" opacity="0.85"/>
    <path d="M512 330 C430 230 380 300 512 330 C644 300 594 230 512 330 Z" fill="#fff" opacity="0.85"/>`,
};
