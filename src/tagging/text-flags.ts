/** Words and marks of a promotional overlay (Merchant Center disapproves "Sale", "Free shipping", "-20%"). */
const PROMO = /\b(sale|off|discount|deal|deals|offer|free|shipping|delivery|save|saving|coupon|code|clearance|limited|bogo|buy\s*\d|get\s*\d|only|new|bestseller|best\s*seller|hot|now|today)\b|\d+\s*%|%\s*\d+|[₹$€£]\s*\d|\d\s*[₹$€£]|\b(rs|inr|usd|eur)\.?\s*\d/i;
/** Marks of a watermark: a copyright sign, a site, a stock agency's or a proof's stamp. */
const WATERMARK = /[©®]|\b(copyright|watermark|sample|preview|proof|stock|shutterstock|getty|istock|alamy|dreamstime|depositphotos)\b|\bwww\.|\.(com|net|org|in|io|co)\b/i;

export interface TextFlags {
  /** Readable words on the image (at least one word of three letters or more). */
  hasText: boolean;
  promotional: boolean;
  watermark: boolean;
  /** The words, trimmed, for the results. */
  words: string;
}

/**
 * What OCR text means for the channels: promotional overlays and watermarks
 * are disapproved by Merchant Center, and Meta wants no text at all. Noise
 * (OCR reading a product's edge as "|" or "ll") is dropped first: only words
 * of letters and digits count, and a low-confidence read is no text.
 */
export function flagsOf(text: string, confidence: number): TextFlags {
  // Numbers stay whatever their length ("Buy 1 Get 1"); other one-character tokens are noise.
  const words = text.split(/\s+/).filter((w) => /^\d+$/.test(w) || (/[A-Za-z0-9%₹$€£©®]/.test(w) && w.replace(/[^A-Za-z0-9%₹$€£©®.]/g, '').length >= 2)).join(' ');
  const hasText = confidence >= 50 && /[A-Za-z]{3,}|\d+\s*%|[©®]/.test(words);
  return { hasText, promotional: hasText && PROMO.test(words), watermark: hasText && WATERMARK.test(words), words: words.slice(0, 200) };
}
