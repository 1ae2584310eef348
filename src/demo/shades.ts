/**
 * Shade and variant names with the colour an image paints them in. `family`
 * is the plain colour word a shopper types ("red lipstick"), kept apart from
 * the marketing name ("Cherry Pop") because titles rarely say it.
 */
export interface Shade {
  name: string;
  hex: string;
  family: string;
}

const s = (name: string, hex: string, family: string): Shade => ({ name, hex, family });

export const SHADES = {
  lip: [
    s('Ruby Red', '#9b111e', 'red'), s('Classic Red', '#c0142a', 'red'), s('Brick Red', '#8b3a2b', 'red'),
    s('Cherry Pop', '#b8123e', 'red'), s('Nude Beige', '#c8a27c', 'nude'), s('Rosewood', '#9e4f5c', 'nude'),
    s('Pink Petal', '#e89aae', 'pink'), s('Hot Pink', '#e0257a', 'pink'), s('Berry Wine', '#6d1a36', 'berry'),
    s('Plum Passion', '#7b2d5b', 'plum'), s('Coral Crush', '#f0625d', 'coral'), s('Peach Bloom', '#f4a57f', 'peach'),
    s('Mauve Magic', '#b07a8c', 'mauve'), s('Chocolate Brown', '#5c3a2e', 'brown'), s('Terracotta', '#c0603f', 'brown'),
  ],
  eye: [
    s('Jet Black', '#121212', 'black'), s('Intense Black', '#050505', 'black'), s('Deep Brown', '#4a2c1d', 'brown'),
    s('Navy Blue', '#1f2f5c', 'blue'), s('Emerald Green', '#0f6b4f', 'green'), s('Plum Night', '#5b2245', 'plum'),
    s('Bronze', '#8c6239', 'bronze'), s('Teal Tide', '#127681', 'teal'),
  ],
  nail: [
    s('Classic Red', '#c0142a', 'red'), s('Baby Pink', '#f4b6c2', 'pink'), s('Bare Nude', '#d9b99b', 'nude'),
    s('Lavender Haze', '#b7a0d8', 'purple'), s('Mint Fresh', '#98d8c1', 'green'), s('Midnight Navy', '#1c2541', 'blue'),
    s('Onyx Black', '#141414', 'black'), s('Glitter Gold', '#d4af37', 'gold'), s('Coral Reef', '#ff6f61', 'coral'),
    s('Wine Berry', '#722f37', 'berry'), s('Sky Blue', '#7ec8e3', 'blue'), s('Lemon Drop', '#f4e04d', 'yellow'),
    s('Pearl White', '#f2efe6', 'white'), s('Chrome Silver', '#b8b8c0', 'silver'),
  ],
  skin: [
    s('Porcelain 100', '#f3dcc8', 'fair'), s('Ivory 110', '#eed3b5', 'fair'), s('Light Beige 120', '#e6c39e', 'light'),
    s('Sand 220', '#d9ae84', 'light'), s('Natural Beige 230', '#cfa276', 'medium'), s('Warm Honey 320', '#bf8b5c', 'medium'),
    s('Golden 330', '#b98255', 'medium'), s('Caramel 410', '#a06b43', 'tan'), s('Mocha 420', '#855534', 'deep'),
    s('Espresso 510', '#5e3a22', 'deep'),
  ],
  blush: [
    s('Peach Glow', '#f5a27a', 'peach'), s('Rose Flush', '#d9738a', 'pink'), s('Coral Kiss', '#f07c6c', 'coral'),
    s('Berry Blush', '#a8445e', 'berry'), s('Sunkissed Bronze', '#b5773f', 'bronze'),
  ],
  palette: [
    s('Smokey Nights', '#3a3340', 'smokey'), s('Sunset Glow', '#e07a3f', 'orange'), s('Nude Edit', '#c9a38a', 'nude'),
    s('Rose Gold', '#b76e79', 'pink'), s('Jewel Tones', '#2e6f95', 'blue'), s('Desert Dusk', '#a0522d', 'brown'),
  ],
  scent: [
    s('Oud Noir', '#3b2416', 'woody'), s('Rose Musk', '#d88ba0', 'floral'), s('Citrus Breeze', '#f2b233', 'citrus'),
    s('Aqua Marine', '#3a8fc2', 'fresh'), s('Vanilla Amber', '#d9a45b', 'oriental'), s('Sandalwood Mysore', '#a8734a', 'woody'),
    s('Jasmine Night', '#efe3b0', 'floral'), s('Fresh Vetiver', '#6b8e4e', 'fresh'),
  ],
  faceWash: [
    s('Neem & Tulsi', '#6a9b3f', 'herbal'), s('Vitamin C', '#f39c12', 'brightening'), s('Activated Charcoal', '#333333', 'charcoal'),
    s('Aloe Vera', '#8bc34a', 'soothing'), s('Rose Water', '#f4a6b7', 'hydrating'), s('Tea Tree', '#4e8c5a', 'acne'),
    s('Salicylic Acid', '#5dade2', 'acne'),
  ],
  moisturiser: [
    s('Hyaluronic Acid', '#9fd3e6', 'hydrating'), s('Ceramide Repair', '#e8e2d0', 'barrier'), s('Shea Butter', '#f0e0b8', 'nourishing'),
    s('Vitamin E', '#f6c445', 'nourishing'), s('Niacinamide', '#c9d6df', 'brightening'),
  ],
  sunscreen: [
    s('Matte Gel SPF 50', '#ffd166', 'matte'), s('Aqua Fluid SPF 50', '#7fc8f8', 'light'), s('Tinted SPF 30', '#d9a77c', 'tinted'),
    s('Sport SPF 50', '#ff8c42', 'water resistant'),
  ],
  hair: [
    s('Anti-Dandruff', '#2e86ab', 'dandruff'), s('Keratin Smooth', '#c9a66b', 'smoothing'), s('Onion & Argan', '#8e5572', 'hair fall'),
    s('Hair Fall Control', '#1b998b', 'hair fall'), s('Coconut & Hibiscus', '#e4572e', 'nourishing'), s('Colour Protect', '#7b2cbf', 'colour care'),
  ],
  primer: [
    s('Pore Minimising', '#f1e4e8', 'blurring'), s('Hydrating', '#cde7f0', 'hydrating'), s('Mattifying', '#e8e6e1', 'matte'),
    s('Illuminating', '#f3d9b1', 'glow'),
  ],
  remover: [
    s('Acetone Free', '#f7c6d9', 'gentle'), s('Strawberry', '#f25c7a', 'scented'), s('Orange Zest', '#ffa62b', 'scented'),
  ],
  balm: [
    s('Strawberry Tint', '#e8506f', 'tinted'), s('Cocoa Butter', '#a47551', 'nourishing'), s('Cherry Tint', '#b01e3a', 'tinted'),
    s('Mint Clear', '#bfe8d8', 'clear'),
  ],
  gift: [
    s('Festive Edit', '#b0122b', 'festive'), s('Wedding Glam', '#c9a227', 'festive'), s('Everyday Essentials', '#e0b1a4', 'everyday'),
    s('Travel Minis', '#2a9d8f', 'travel'),
  ],
} satisfies Record<string, Shade[]>;

export type ShadeFamily = keyof typeof SHADES;

/** Shades of these families are colours a shopper chooses (attribute `shade`); the rest are formulas or scents (`variant`). */
const COLOUR_FAMILIES: ReadonlySet<ShadeFamily> = new Set<ShadeFamily>(['lip', 'eye', 'nail', 'skin', 'blush', 'palette', 'balm']);

export function isColourFamily(family: ShadeFamily): boolean {
  return COLOUR_FAMILIES.has(family);
}
