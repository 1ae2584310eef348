import { BRANDS, brandMakes, type Brand } from './brands.js';
import { makeGiftSet, makeItem } from './make-item.js';
import { GIFT_COMBOS, GIFT_SET, PRODUCT_TYPES, typeByKey, type ProductType } from './product-types.js';
import { Random } from './random.js';
import { resolveOptions, type DemoItem, type DemoOptions } from './types.js';

/** Share of the catalogue that is gift sets: few, but enough that "lipstick" also matches boxes. */
const GIFT_SHARE = 0.02;

interface Shelf {
  type: ProductType;
  brands: Brand[];
  /** How much shelf space each brand gets in this type. */
  weights: number[];
}

/**
 * Which brands make which types: each brand carries most of its focus's
 * types, so a shopper loyal to a brand still finds several types from it.
 */
function shelves(rng: Random): Shelf[] {
  const size = BRANDS.map(() => 0.4 + rng.next() * 1.6);
  return PRODUCT_TYPES.map((type) => {
    const carriers = BRANDS.map((brand, i) => ({ brand, i })).filter(({ brand }) => brandMakes(brand, type.categoryPath) && rng.chance(brand.focus === 'all' ? 0.6 : 0.85));
    // Every type needs a maker, or the shelf would be empty; an all-rounder takes it.
    if (carriers.length === 0) carriers.push(...BRANDS.map((brand, i) => ({ brand, i })).filter(({ brand }) => brand.focus === 'all'));
    return { type, brands: carriers.map((c) => c.brand), weights: carriers.map((c) => size[c.i] as number) };
  });
}

/** The next id of a brand's type: AUR-LIP-0001, AUR-LIP-0002... */
function idMaker(): (brand: Brand, type: ProductType) => string {
  const seq = new Map<string, number>();
  return (brand, type) => {
    const key = `${brand.code}-${type.code}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    return `${key}-${String(n).padStart(4, '0')}`;
  };
}

/**
 * Generates the demo catalogue: `options.items` beauty products (about 2% of
 * them gift sets), the same for the same seed.
 */
export function generateCatalog(options: DemoOptions): DemoItem[] {
  const o = resolveOptions(options);
  const rng = new Random(o.seed, 1);
  const shelf = shelves(rng);
  const typeWeights = shelf.map((s) => s.type.weight);
  const nextId = idMaker();
  const gifts = o.items >= 20 ? Math.max(1, Math.round(o.items * GIFT_SHARE)) : 0;
  const items: DemoItem[] = [];
  for (let i = 0; i < o.items - gifts; i++) {
    const s = shelf[rng.weighted(typeWeights)] as Shelf;
    const brand = s.brands[rng.weighted(s.weights)] as Brand;
    items.push(makeItem(rng, nextId(brand, s.type), s.type, brand, o.baseUrl));
  }
  for (let i = 0; i < gifts; i++) {
    const contents = rng.pick(GIFT_COMBOS).map(typeByKey);
    const makers = BRANDS.filter((b) => contents.every((t) => brandMakes(b, t.categoryPath)));
    const brand = rng.pick(makers.length > 0 ? makers : BRANDS);
    items.push(makeGiftSet(rng, nextId(brand, GIFT_SET), contents, brand, o.baseUrl));
  }
  // Gift sets are spread through the list, as a real feed is not sorted by kind.
  return rng.shuffle(items);
}
