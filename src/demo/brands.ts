/** Which types a brand makes: most brands specialise, a few sell everything. */
export type BrandFocus = 'makeup' | 'lips-eyes' | 'face' | 'nails' | 'skin' | 'hair' | 'fragrance' | 'all';
export type PriceTier = 'budget' | 'mid' | 'premium';

/** An invented brand (any likeness to a real one is an accident). */
export interface Brand {
  name: string;
  /** Three letters in item ids. */
  code: string;
  focus: BrandFocus;
  tier: PriceTier;
}

const b = (name: string, code: string, focus: BrandFocus, tier: PriceTier): Brand => ({ name, code, focus, tier });

export const BRANDS: readonly Brand[] = [
  b('Aurelia', 'AUR', 'makeup', 'premium'), b('Kesar & Co', 'KES', 'all', 'mid'), b('Lumina', 'LUM', 'face', 'mid'),
  b('Velvetine', 'VEL', 'lips-eyes', 'mid'), b('Noor Beauty', 'NOR', 'makeup', 'budget'), b('Mirael', 'MIR', 'makeup', 'premium'),
  b('Saffron Lane', 'SAF', 'all', 'budget'), b('Bloomwell', 'BLM', 'skin', 'mid'), b('Kohl Story', 'KHL', 'lips-eyes', 'budget'),
  b('Petalique', 'PET', 'nails', 'mid'), b('Zariya', 'ZAR', 'makeup', 'mid'), b('Opaline', 'OPL', 'face', 'premium'),
  b('Rangoli', 'RNG', 'makeup', 'budget'), b('Ivy & Ash', 'IVY', 'skin', 'premium'), b('Solenne', 'SOL', 'fragrance', 'premium'),
  b('Chandni', 'CHN', 'lips-eyes', 'budget'), b('Tarini', 'TAR', 'all', 'mid'), b('Nilaya', 'NIL', 'skin', 'budget'),
  b('Verdana Botanics', 'VRD', 'hair', 'mid'), b('Maison Oudh', 'MOD', 'fragrance', 'premium'), b('Aquaveda', 'AQV', 'skin', 'mid'),
  b('Hairloom', 'HRL', 'hair', 'premium'), b('Tressa', 'TRS', 'hair', 'budget'), b('Silkroot', 'SLK', 'hair', 'mid'),
  b('Glowhaus', 'GLH', 'face', 'budget'), b('Dewdrop Labs', 'DEW', 'skin', 'premium'), b('Amberly', 'AMB', 'fragrance', 'mid'),
  b('Cocoa Muse', 'CCM', 'lips-eyes', 'premium'), b('Lacquer Lane', 'LQL', 'nails', 'budget'), b('Polish Bar', 'PLB', 'nails', 'premium'),
  b('Sundara', 'SND', 'all', 'premium'), b('Mehfil', 'MHF', 'fragrance', 'budget'),
];

const FOCUS_TOP: Record<BrandFocus, (categoryPath: readonly string[]) => boolean> = {
  makeup: (p) => p[0] === 'Makeup' && p[1] !== 'Nails',
  'lips-eyes': (p) => p[1] === 'Lips' || p[1] === 'Eyes',
  face: (p) => p[0] === 'Makeup' && p[1] === 'Face',
  nails: (p) => p[1] === 'Nails',
  skin: (p) => p[0] === 'Skin Care' || p[2] === 'Primer',
  hair: (p) => p[0] === 'Hair Care',
  fragrance: (p) => p[0] === 'Fragrance',
  all: () => true,
};

/** Whether a brand of this focus makes products in this category. */
export function brandMakes(brand: Brand, categoryPath: readonly string[]): boolean {
  return FOCUS_TOP[brand.focus](categoryPath);
}
