import { describe, expect, it } from 'vitest';
import { ImportedItem, ITEM_ID_PATTERN } from '../catalog/schemas.js';
import { validateValue } from '../platform/http/validate-value.js';
import { generateCatalog } from './catalog.js';

const baseUrl = 'http://localhost:8080';
const items = generateCatalog({ baseUrl });

describe('generateCatalog', () => {
  it('makes 600 items by default, with unique ids', () => {
    expect(items).toHaveLength(600);
    expect(new Set(items.map((i) => i.id)).size).toBe(600);
  });

  it('makes the same catalogue from the same seed and another from another seed', () => {
    expect(generateCatalog({ baseUrl })).toEqual(items);
    expect(generateCatalog({ baseUrl, seed: 2 })).not.toEqual(items);
  });

  it('makes items that the catalog import schema accepts as they are', () => {
    for (const item of items) expect(() => validateValue(ImportedItem, item, 'item')).not.toThrow();
    const pattern = new RegExp(ITEM_ID_PATTERN);
    for (const item of items) {
      expect(item.id).toMatch(pattern);
      expect(item.id).toMatch(/^[A-Z]{3}-[A-Z]{3}-\d{4,}$/);
    }
  });

  it('prices in whole paise between 99 and 4,999 rupees', () => {
    for (const { price } of items) {
      expect(price.currency).toBe('INR');
      expect(Number.isInteger(price.amount)).toBe(true);
      expect(price.amount).toBeGreaterThanOrEqual(99_00);
      expect(price.amount).toBeLessThanOrEqual(4999_00);
    }
    const median = (path: string) => {
      const p = items.filter((i) => i.categoryPath.join('>') === path).map((i) => i.price.amount).sort((a, b) => a - b);
      return p[p.length >> 1] as number;
    };
    expect(median('Fragrance>Perfume')).toBeGreaterThan(median('Makeup>Eyes>Kajal'));
  });

  it('names the product type, shade and size in titles, with the brand', () => {
    const lipstick = items.find((i) => i.categoryPath.join('>') === 'Makeup>Lips>Lipstick');
    expect(lipstick?.title).toMatch(/Lipstick - .+ \d+(\.\d+)?g by .+$/);
    expect(lipstick?.title).toContain(String(lipstick?.attributes.shade));
    expect(lipstick?.title.endsWith(`by ${lipstick?.brand}`)).toBe(true);
    expect(lipstick?.attributes.sizeG).toEqual(expect.any(Number));
  });

  it('puts gift sets whose titles name other types in Gift Sets', () => {
    const gifts = items.filter((i) => i.categoryPath[0] === 'Gift Sets');
    expect(gifts.length).toBeGreaterThanOrEqual(5);
    for (const g of gifts) expect(g.title).toMatch(/ & .+ (Gift Set|Kit) - /);
  });

  it('spans makeup, skin care, hair care and fragrance, with 20 to 40 brands', () => {
    expect(new Set(items.map((i) => i.categoryPath[0]))).toEqual(new Set(['Makeup', 'Skin Care', 'Hair Care', 'Fragrance', 'Gift Sets']));
    const brands = new Set(items.map((i) => i.brand)).size;
    expect(brands).toBeGreaterThanOrEqual(20);
    expect(brands).toBeLessThanOrEqual(40);
  });

  it('marks about 8% of items out of stock', () => {
    const big = generateCatalog({ baseUrl, items: 5000 });
    const share = big.filter((i) => i.availability === 'out_of_stock').length / big.length;
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.1);
  });

  it('links each item to its demo page and image under baseUrl', () => {
    const item = generateCatalog({ baseUrl: 'https://shop.example/', items: 1 })[0];
    expect(item?.link).toBe(`https://shop.example/demo/products/${item?.id}`);
    expect(item?.imageLink).toBe(`https://shop.example/demo/images/${item?.id}.png`);
  });

  it('refuses a baseUrl that is not an http URL', () => {
    expect(() => generateCatalog({ baseUrl: 'localhost:8080' })).toThrow(/baseUrl/);
  });
});
