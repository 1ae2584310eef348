/**
 * What a product-type label means in the channels' terms: its Google product
 * category (an id of the official taxonomy, `taxonomy-with-ids.en-US.txt`,
 * 2021-09-21) and the merchant's own `product_type` path.
 */
export interface ClassMapping {
  label: string;
  googleProductCategory: string;
  productType: string;
}

/**
 * Defaults for the beauty types Rouge's classifier is evaluated on. A label
 * maps to the most specific category true of every product it covers: "Lips"
 * holds glosses and liners as well as lipsticks, so it is Lip Makeup (2645),
 * not Lipstick (3021); nail products here are polishes (2683).
 */
export const DEFAULT_MAPPINGS: Readonly<Record<string, Omit<ClassMapping, 'label'>>> = {
  Fragrance: { googleProductCategory: '479', productType: 'Health & Beauty > Personal Care > Cosmetics > Perfume & Cologne' },
  Lips: { googleProductCategory: '2645', productType: 'Health & Beauty > Personal Care > Cosmetics > Makeup > Lip Makeup' },
  Lipstick: { googleProductCategory: '3021', productType: 'Health & Beauty > Personal Care > Cosmetics > Makeup > Lip Makeup > Lipstick' },
  Nails: { googleProductCategory: '2683', productType: 'Health & Beauty > Personal Care > Cosmetics > Nail Care > Nail Polishes' },
  Makeup: { googleProductCategory: '477', productType: 'Health & Beauty > Personal Care > Cosmetics > Makeup' },
  Eyes: { googleProductCategory: '2779', productType: 'Health & Beauty > Personal Care > Cosmetics > Makeup > Eye Makeup' },
  'Skin Care': { googleProductCategory: '567', productType: 'Health & Beauty > Personal Care > Cosmetics > Skin Care' },
  'Bath and Body': { googleProductCategory: '474', productType: 'Health & Beauty > Personal Care > Cosmetics > Bath & Body' },
  Hair: { googleProductCategory: '486', productType: 'Health & Beauty > Personal Care > Hair Care' },
};

/** Labels that name the same type (the data set's "Perfumes" are fragrances). */
export const LABEL_SYNONYMS: Readonly<Record<string, string>> = { Perfumes: 'Fragrance', Perfume: 'Fragrance', Skin: 'Skin Care', Lip: 'Lips', Nail: 'Nails', Eye: 'Eyes' };

/** A label as the classifier learns it: trimmed, and its synonym's canonical name. */
export function canonicalLabel(label: string): string {
  const t = label.trim();
  return LABEL_SYNONYMS[t] ?? t;
}

/**
 * Each label's mapping: given ones win, then the defaults; a label with
 * neither maps to itself as product_type and to no Google category.
 */
export function mappingsFor(labels: readonly string[], given: Readonly<Record<string, Partial<Omit<ClassMapping, 'label'>>>> = {}): ClassMapping[] {
  return labels.map((label) => ({
    label,
    googleProductCategory: given[label]?.googleProductCategory ?? DEFAULT_MAPPINGS[label]?.googleProductCategory ?? '',
    productType: given[label]?.productType ?? DEFAULT_MAPPINGS[label]?.productType ?? label,
  }));
}
