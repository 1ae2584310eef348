import { describe, expect, it } from 'vitest';
import { checkItem, toItem, toItemRow } from './items.js';
import { parseItemFilter } from './item-filter.js';

describe('catalog items', () => {
  it('round-trips an item through its row, with defaults for what was left out', () => {
    const row = toItemRow('shop', { id: 'p1', title: 'Kajal', categoryPath: ['Makeup', 'Eyes'], price: { amount: 29900, currency: 'INR' } }, '2026-12-06T00:00:00.000Z');
    expect(row.category).toBe('Makeup > Eyes');
    expect(toItem(row)).toEqual({
      name: 'projects/shop/catalog/items/p1', id: 'p1', title: 'Kajal', description: '', brand: '', categoryPath: ['Makeup', 'Eyes'],
      price: { amount: 29900, currency: 'INR' }, availability: 'in_stock', condition: 'new', attributes: {},
      createTime: '2026-12-06T00:00:00.000Z', updateTime: '2026-12-06T00:00:00.000Z',
    });
  });

  it('refuses a currency that is not ISO 4217, naming the field', () => {
    expect(() => checkItem({ id: 'x', title: 't', categoryPath: ['a'], price: { amount: 1, currency: 'XYZ' } }, 'items[0].')).toThrow(/XYZ/);
  });

  it('checks item filters against the item fields and their enumerations', () => {
    expect(parseItemFilter('availability = "preorder" AND attributes.shade : "red"')).toBeDefined();
    expect(() => parseItemFilter('availability = "gone"')).toThrow(/availability is one of/);
    expect(() => parseItemFilter('title < "b"')).toThrow(/title takes :, =/);
  });
});
