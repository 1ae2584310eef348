/** What the channels accept, with the defaults `../shared/reference/specs.md` section E gives. */
export interface ChannelRules {
  /** Google's minimum side: 500 from 2027 (100, or 250 for apparel, before). */
  googleMinSide: number;
  googleMaxMegapixels: number;
  googleMaxBytes: number;
  metaMinSide: number;
  metaRecommendedSide: number;
}

export const DEFAULT_RULES: ChannelRules = { googleMinSide: 500, googleMaxMegapixels: 64, googleMaxBytes: 16 * 1024 * 1024, metaMinSide: 500, metaRecommendedSide: 1024 };

/** Formats Merchant Center takes (sharp's names); Meta takes JPEG and PNG. */
export const GOOGLE_FORMATS = new Set(['jpeg', 'webp', 'png', 'gif', 'bmp', 'tiff']);
export const META_FORMATS = new Set(['jpeg', 'png']);
/** Past this many pixels an image is not decoded at all: the size check has failed it already, and decoding could exhaust memory. */
export const MAX_DECODE_PIXELS = 100_000_000;
