import { describe, expect, it } from 'vitest';
import { formatPrice, plainText, toRow } from './fields.js';
import { head, line, tail } from './formats.js';

const item = {
  name: 'x', id: 'LIP-1', title: 'Velvet Matte Lipstick', description: '<p>Rich &amp; creamy</p>', brand: 'Aurelia', categoryPath: ['Makeup', 'Lips', 'Lipstick'],
  price: { amount: 149900, currency: 'INR' }, availability: 'in_stock', link: 'https://shop.example/p/LIP-1', imageLink: 'https://shop.example/i/LIP-1.jpg',
  condition: 'new', attributes: { itemGroupId: 'LIP', shade: 'Ruby, "deep"', mpn: 'AU-1' }, createTime: '', updateTime: '',
};

describe('feed rows and files', () => {
  it('maps an item to Merchant Center fields: price from minor units, availability in each channel\'s words, plain text', () => {
    const { row, changed } = toRow('google', item, [], ['red', 'ok']);
    expect(row).toMatchObject({ id: 'LIP-1', price: '1499.00 INR', availability: 'in_stock', description: 'Rich & creamy', product_type: 'Makeup > Lips > Lipstick', item_group_id: 'LIP', color: 'Ruby, "deep"', mpn: 'AU-1', custom_label_0: 'red', custom_label_1: 'ok' });
    expect(row!.identifier_exists).toBeUndefined();
    expect(changed.map((c) => c.rule)).toEqual(['no_html']);
    expect(toRow('meta', item, [], []).row!.availability).toBe('in stock');
    expect(formatPrice(1500, 'JPY')).toBe('1500 JPY');
    expect(plainText('a<br/>b&nbsp;c')).toBe('a b c');
  });

  it('fills google_product_category from the product-type tagger only where the merchant gave none', () => {
    expect(toRow('google', item, [], [], { googleProductCategory: '2645' }).row!.google_product_category).toBe('2645');
    const own = { ...item, attributes: { ...item.attributes, googleProductCategory: '3021' } };
    expect(toRow('google', own, [], [], { googleProductCategory: '2645' }).row!.google_product_category).toBe('3021');
    expect(toRow('google', item, [], []).row!.google_product_category).toBeUndefined();
  });

  it('leaves out a zero price, a missing image or an image failing the channel\'s rule, and cuts a long title', () => {
    expect(toRow('google', { ...item, price: { amount: 0, currency: 'INR' } }, [], []).excluded.map((f) => f.rule)).toEqual(['positive']);
    expect(toRow('google', { ...item, imageLink: undefined }, [], []).excluded.map((f) => f.field)).toEqual(['image_link']);
    const small = [{ name: 'google.min_size', passed: false, detail: '300x300' }, { name: 'meta.min_size', passed: false, detail: '300x300' }];
    expect(toRow('google', item, small, []).excluded.map((f) => f.rule)).toEqual(['google.min_size']);
    expect(toRow('meta', item, small, []).excluded.map((f) => f.rule)).toEqual(['meta.min_size']);
    const long = toRow('google', { ...item, title: 'x'.repeat(180) }, [], []);
    expect(long.row!.title).toHaveLength(150);
    expect(long.changed.map((c) => c.rule)).toContain('max_length');
    expect(toRow('google', { ...item, attributes: {} }, [], []).row!.identifier_exists).toBe('no');
  });

  it('writes TSV, CSV and RSS 2.0 in the g: namespace, escaping what each format needs', () => {
    const { row } = toRow('google', { ...item, title: 'Tab\there & <b>' }, [], []);
    const tsv = head('tsv', 't', 'l') + line('tsv', row!);
    expect(tsv.split('\n')[0]!.split('\t')[0]).toBe('id');
    expect(tsv.split('\n')[1]!.split('\t')).toHaveLength(23);
    const csv = line('csv', row!);
    expect(csv).toContain('"Ruby, ""deep"""');
    const xml = head('xml', 'Shop', 'https://shop.example') + line('xml', row!) + tail('xml');
    expect(xml).toContain('xmlns:g="http://base.google.com/ns/1.0"');
    expect(xml).toContain('<g:title>Tab\there &amp; &lt;b&gt;</g:title>');
    expect(xml.trim().endsWith('</rss>')).toBe(true);
  });
});
