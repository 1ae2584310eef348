import type { ShadeFamily } from './shades.js';

/** The packshot an image draws for a type. */
export type Shape = 'bullet' | 'pencil' | 'wand' | 'palette' | 'compact' | 'polish' | 'bottle' | 'perfume' | 'tube' | 'jar' | 'pump' | 'can' | 'stick' | 'box';

/**
 * One kind of product the demo shop sells. This table is the only list of
 * product-type words in Rouge: the platform itself learns categories from
 * each project's catalogue and must not assume a beauty shop.
 */
export interface ProductType {
  key: string;
  /** The word in titles and the plain query for it. */
  name: string;
  /** Three letters in item ids: AUR-LIP-0001. */
  code: string;
  categoryPath: string[];
  shape: Shape;
  /** Typical shelf price, whole rupees. */
  rupees: [number, number];
  unit: 'g' | 'ml';
  sizes: number[];
  shades: ShadeFamily;
  finishes: string[];
  lines: string[];
  /** The type's share of the catalogue, relative. */
  weight: number;
  /** A sentence for descriptions. */
  blurb: string;
  /** Fragrances are sold for men, women or both ("perfume for men"). */
  gendered?: boolean;
  /** Other words shoppers type for it. */
  queries?: string[];
}

const LIP_LINES = ['Velvet', 'Silk', 'Luxe', 'Everyday', 'Pro', 'Ultra', 'Creamy', 'Bold'];
const FACE_LINES = ['Flawless', 'Second Skin', 'HD', 'Pro', 'Everyday', 'Luminous'];
const EYE_LINES = ['Smudgeproof', 'Intense', 'Precision', 'Waterproof', 'Bold', 'Classic'];
const CARE_LINES = ['Daily', 'Gentle', 'Clinical', 'Botanical', 'Pure', 'Advanced'];

export const PRODUCT_TYPES: readonly ProductType[] = [
  { key: 'lipstick', name: 'Lipstick', code: 'LIP', categoryPath: ['Makeup', 'Lips', 'Lipstick'], shape: 'bullet', rupees: [199, 2499], unit: 'g', sizes: [3.5, 4, 4.2, 4.5], shades: 'lip', finishes: ['Matte', 'Satin', 'Creme', 'Sheer', 'Glossy'], lines: LIP_LINES, weight: 14, blurb: 'A richly pigmented lipstick that glides on in one swipe and stays put for hours.', queries: ['lip stick', 'lipsticks'] },
  { key: 'lip-liner', name: 'Lip Liner', code: 'LLN', categoryPath: ['Makeup', 'Lips', 'Lip Liner'], shape: 'pencil', rupees: [149, 899], unit: 'g', sizes: [1.1, 1.2, 1.5], shades: 'lip', finishes: ['Matte', 'Creamy'], lines: LIP_LINES, weight: 6, blurb: 'A smooth lip liner that defines the lip line and keeps lipstick from feathering.', queries: ['lipliner', 'lip pencil'] },
  { key: 'lip-balm', name: 'Lip Balm', code: 'LBM', categoryPath: ['Makeup', 'Lips', 'Lip Balm'], shape: 'stick', rupees: [99, 599], unit: 'g', sizes: [4, 4.5, 4.8], shades: 'balm', finishes: ['Tinted', 'Clear', 'SPF 15'], lines: ['Soft', 'Daily', 'Nourish', 'Kiss'], weight: 4, blurb: 'A nourishing lip balm that softens dry lips through the day.', queries: ['chapstick'] },
  { key: 'lip-gloss', name: 'Lip Gloss', code: 'LGL', categoryPath: ['Makeup', 'Lips', 'Lip Gloss'], shape: 'wand', rupees: [199, 1299], unit: 'ml', sizes: [4, 6, 8], shades: 'lip', finishes: ['High Shine', 'Shimmer', 'Plumping'], lines: LIP_LINES, weight: 5, blurb: 'A non-sticky lip gloss with a mirror shine.' },
  { key: 'kajal', name: 'Kajal', code: 'KAJ', categoryPath: ['Makeup', 'Eyes', 'Kajal'], shape: 'pencil', rupees: [99, 699], unit: 'g', sizes: [0.3, 0.35, 0.5], shades: 'eye', finishes: ['Matte', 'Intense'], lines: EYE_LINES, weight: 6, blurb: 'A smudge-proof kajal that lines the waterline in one stroke and lasts all day.', queries: ['kohl', 'kajal pencil'] },
  { key: 'eyeliner', name: 'Eyeliner', code: 'ELN', categoryPath: ['Makeup', 'Eyes', 'Eyeliner'], shape: 'wand', rupees: [149, 999], unit: 'ml', sizes: [2.5, 3.5, 4], shades: 'eye', finishes: ['Liquid', 'Gel', 'Felt Tip'], lines: EYE_LINES, weight: 5, blurb: 'A precise eyeliner for a sharp wing that does not budge.', queries: ['eye liner', 'liquid eyeliner'] },
  { key: 'mascara', name: 'Mascara', code: 'MSC', categoryPath: ['Makeup', 'Eyes', 'Mascara'], shape: 'wand', rupees: [199, 1499], unit: 'ml', sizes: [6, 8, 9, 10], shades: 'eye', finishes: ['Volumising', 'Lengthening', 'Curling'], lines: EYE_LINES, weight: 5, blurb: 'A mascara that lifts and separates every lash without clumps.' },
  { key: 'eyeshadow-palette', name: 'Eyeshadow Palette', code: 'EYP', categoryPath: ['Makeup', 'Eyes', 'Eyeshadow Palette'], shape: 'palette', rupees: [399, 3499], unit: 'g', sizes: [9, 12, 15], shades: 'palette', finishes: ['Matte & Shimmer', 'Shimmer', 'Matte'], lines: ['Glam', 'Everyday', 'Pro', 'Mini'], weight: 4, blurb: 'A palette of blendable eyeshadows in mattes and shimmers for day to night.', queries: ['eye shadow', 'eyeshadow'] },
  { key: 'nail-polish', name: 'Nail Polish', code: 'NPL', categoryPath: ['Makeup', 'Nails', 'Nail Polish'], shape: 'polish', rupees: [99, 799], unit: 'ml', sizes: [6, 9, 12], shades: 'nail', finishes: ['Gel Finish', 'Glossy', 'Matte', 'Shimmer'], lines: ['Quick Dry', 'Gel Shine', 'Long Wear', 'Mini'], weight: 8, blurb: 'A chip-resistant nail polish with a glossy, salon-style finish.', queries: ['nail paint', 'nail colour'] },
  { key: 'nail-polish-remover', name: 'Nail Polish Remover', code: 'NPR', categoryPath: ['Makeup', 'Nails', 'Nail Polish Remover'], shape: 'bottle', rupees: [99, 349], unit: 'ml', sizes: [50, 100, 125], shades: 'remover', finishes: ['Gentle'], lines: ['Quick', 'Care', 'Soft'], weight: 2, blurb: 'A nail polish remover that lifts even glitter polish without drying nails.', queries: ['remover', 'nail paint remover'] },
  { key: 'foundation', name: 'Foundation', code: 'FDN', categoryPath: ['Makeup', 'Face', 'Foundation'], shape: 'pump', rupees: [299, 3999], unit: 'ml', sizes: [25, 30, 35], shades: 'skin', finishes: ['Matte', 'Dewy', 'Natural'], lines: FACE_LINES, weight: 6, blurb: 'A buildable foundation that evens skin tone with a weightless feel.' },
  { key: 'concealer', name: 'Concealer', code: 'CNC', categoryPath: ['Makeup', 'Face', 'Concealer'], shape: 'wand', rupees: [199, 1799], unit: 'ml', sizes: [5, 6, 7], shades: 'skin', finishes: ['Matte', 'Radiant'], lines: FACE_LINES, weight: 4, blurb: 'A creamy concealer that covers dark circles and blemishes without creasing.' },
  { key: 'compact-powder', name: 'Compact Powder', code: 'CMP', categoryPath: ['Makeup', 'Face', 'Compact Powder'], shape: 'compact', rupees: [149, 1499], unit: 'g', sizes: [8, 9, 10], shades: 'skin', finishes: ['Matte', 'Oil Control', 'Natural'], lines: FACE_LINES, weight: 4, blurb: 'A pressed compact powder that sets makeup and controls shine.', queries: ['compact', 'face powder'] },
  { key: 'blush', name: 'Blush', code: 'BLS', categoryPath: ['Makeup', 'Face', 'Blush'], shape: 'compact', rupees: [199, 1699], unit: 'g', sizes: [4, 5, 6], shades: 'blush', finishes: ['Matte', 'Satin', 'Shimmer'], lines: FACE_LINES, weight: 3, blurb: 'A silky blush that gives cheeks a natural flush of colour.', queries: ['blusher'] },
  { key: 'primer', name: 'Primer', code: 'PRM', categoryPath: ['Makeup', 'Face', 'Primer'], shape: 'tube', rupees: [249, 2499], unit: 'ml', sizes: [20, 30], shades: 'primer', finishes: ['Gel', 'Cream'], lines: FACE_LINES, weight: 3, blurb: 'A face primer that smooths pores so makeup lasts longer.', queries: ['face primer'] },
  { key: 'perfume', name: 'Perfume', code: 'PRF', categoryPath: ['Fragrance', 'Perfume'], shape: 'perfume', rupees: [499, 4999], unit: 'ml', sizes: [30, 50, 100], shades: 'scent', finishes: ['Eau de Parfum', 'Eau de Toilette'], lines: [], weight: 7, blurb: 'A long-lasting perfume that opens bright and settles into a warm, lingering trail.', gendered: true, queries: ['fragrance', 'scent'] },
  { key: 'deodorant', name: 'Deodorant', code: 'DEO', categoryPath: ['Fragrance', 'Deodorant'], shape: 'can', rupees: [149, 499], unit: 'ml', sizes: [120, 150, 200], shades: 'scent', finishes: ['Body Spray', 'Roll-On'], lines: [], weight: 4, blurb: 'A deodorant with 48-hour odour protection and a fresh scent.', gendered: true, queries: ['deo', 'body spray'] },
  { key: 'face-wash', name: 'Face Wash', code: 'FWS', categoryPath: ['Skin Care', 'Face', 'Face Wash'], shape: 'tube', rupees: [99, 899], unit: 'ml', sizes: [50, 100, 150], shades: 'faceWash', finishes: ['Foaming', 'Gel', 'Cream'], lines: CARE_LINES, weight: 5, blurb: 'A gentle face wash that clears oil and dirt without stripping the skin.', queries: ['facewash', 'cleanser'] },
  { key: 'moisturiser', name: 'Moisturiser', code: 'MST', categoryPath: ['Skin Care', 'Face', 'Moisturiser'], shape: 'jar', rupees: [199, 2999], unit: 'ml', sizes: [50, 75, 100], shades: 'moisturiser', finishes: ['Gel', 'Cream', 'Lotion'], lines: CARE_LINES, weight: 5, blurb: 'A fast-absorbing moisturiser that keeps skin hydrated for 24 hours.', queries: ['moisturizer', 'face cream'] },
  { key: 'sunscreen', name: 'Sunscreen', code: 'SUN', categoryPath: ['Skin Care', 'Face', 'Sunscreen'], shape: 'tube', rupees: [249, 1499], unit: 'ml', sizes: [30, 50, 80], shades: 'sunscreen', finishes: ['Broad Spectrum'], lines: CARE_LINES, weight: 4, blurb: 'A sunscreen with broad-spectrum UVA and UVB protection and no white cast.', queries: ['sunblock', 'spf 50'] },
  { key: 'shampoo', name: 'Shampoo', code: 'SHM', categoryPath: ['Hair Care', 'Shampoo'], shape: 'pump', rupees: [149, 1299], unit: 'ml', sizes: [180, 340, 650], shades: 'hair', finishes: ['Sulphate Free', 'Daily Care'], lines: ['Salon', 'Herbal', 'Pro', 'Daily'], weight: 5, blurb: 'A shampoo that cleans the scalp gently and leaves hair soft and manageable.' },
  { key: 'conditioner', name: 'Conditioner', code: 'CND', categoryPath: ['Hair Care', 'Conditioner'], shape: 'tube', rupees: [149, 1299], unit: 'ml', sizes: [180, 200, 340], shades: 'hair', finishes: ['Sulphate Free', 'Daily Care'], lines: ['Salon', 'Herbal', 'Pro', 'Daily'], weight: 4, blurb: 'A conditioner that detangles and smooths frizz from root to tip.' },
];

/** The gift-set type: its items name other types in their titles, which is what makes search relevance matter. */
export const GIFT_SET: ProductType = {
  key: 'gift-set', name: 'Gift Set', code: 'GFT', categoryPath: ['Gift Sets'], shape: 'box', rupees: [799, 4999], unit: 'g', sizes: [],
  shades: 'gift', finishes: [], lines: [], weight: 0, blurb: 'A gift box of bestsellers, ready to give.', queries: ['gift set', 'gift box', 'combo'],
};

/** Bought together: the second of each pair is what a shopper adds to a cart holding the first. */
export const COMPLEMENTS: ReadonlyArray<[string, string]> = [
  ['lipstick', 'lip-liner'], ['lip-liner', 'lipstick'],
  ['foundation', 'compact-powder'], ['foundation', 'primer'], ['primer', 'foundation'], ['concealer', 'foundation'],
  ['kajal', 'eyeliner'], ['kajal', 'mascara'], ['eyeliner', 'mascara'], ['mascara', 'kajal'],
  ['shampoo', 'conditioner'], ['conditioner', 'shampoo'],
  ['nail-polish', 'nail-polish-remover'],
  ['face-wash', 'moisturiser'], ['moisturiser', 'sunscreen'],
];

/** The gift sets' contents, by type key. */
export const GIFT_COMBOS: ReadonlyArray<string[]> = [
  ['lipstick', 'kajal'], ['lipstick', 'lip-liner'], ['foundation', 'primer', 'compact-powder'], ['kajal', 'eyeliner', 'mascara'],
  ['shampoo', 'conditioner'], ['nail-polish', 'nail-polish-remover'], ['perfume', 'deodorant'], ['face-wash', 'moisturiser', 'sunscreen'],
  ['lipstick', 'nail-polish'], ['eyeshadow-palette', 'mascara'],
];

const byLeaf = new Map([...PRODUCT_TYPES, GIFT_SET].map((t) => [t.categoryPath.join(' > '), t]));

/** The type of an item from its category path (`undefined` for a path the demo did not make). */
export function typeOfPath(categoryPath: readonly string[]): ProductType | undefined {
  return byLeaf.get(categoryPath.join(' > '));
}

export function typeByKey(key: string): ProductType {
  const t = PRODUCT_TYPES.find((p) => p.key === key);
  if (!t) throw new Error(`no demo product type ${key}`);
  return t;
}
