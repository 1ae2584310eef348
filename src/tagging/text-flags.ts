/** Words and marks of a promotional overlay (Merchant Center disapproves "Sale", "Free shipping", "-20%"). */
const PROMO = /\b(sale|off|discount|deal|deals|offer|free|shipping|delivery|save|saving|coupon|code|clearance|limited|bogo|buy\s*\d|get\s*\d|only|new|bestseller|best\s*seller|hot|now|today)\b|\d+\s*%|%\s*\d+|[₹$€£]\s*\d|\d\s*[₹$€£]|\b(rs|inr|usd|eur)\.?\s*\d/i;
/** Marks of a watermark: a copyright sign by a name or year, a site, a stock agency's or a proof's stamp. */
const WATERMARK = /[©®]\s?[A-Za-z0-9]{2}|[A-Za-z0-9]{2}[©®]|\b(copyright|watermark|sample|preview|proof|stock|shutterstock|getty|istock|alamy|dreamstime|depositphotos)\b|\bwww\.|\.(com|net|org|in|io|co)\b/i;

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
  const words = text.split(/\s+/).filter(isWord).join(' ');
  // A copyright sign counts beside a word: alone it is as likely a ring in the picture.
  const hasText = confidence >= 50 && /[A-Za-z]{3,}|\d+\s*%|[©®]\s?[A-Za-z0-9]{2}|[A-Za-z0-9]{2}[©®]/.test(words);
  // OCR reads a speck before a word as "_", which would join it to the word ("_shutterstock").
  const spaced = words.replace(/_/g, ' ');
  return { hasText, promotional: hasText && PROMO.test(spaced), watermark: hasText && WATERMARK.test(spaced), words: words.slice(0, 200) };
}

/**
 * Whether an OCR token is a word rather than noise: numbers stay whatever
 * their length ("Buy 1 Get 1"), and so does a copyright sign standing alone
 * ("© Name", a photographer's credit, even read with a speck as '"©'); other
 * one-character tokens are a product's edge read as "|" or "~".
 */
export function isWord(token: string): boolean {
  const kept = token.replace(/[^A-Za-z0-9%₹$€£©®.]/g, '');
  return /^\d+$/.test(token) || /^[©®]$/.test(kept) || (/[A-Za-z0-9%₹$€£©®]/.test(kept) && kept.length >= 2);
}
