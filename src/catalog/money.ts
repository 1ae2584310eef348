// ICU's list of ISO 4217 codes, so no currency table is kept by hand.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Whether a code is an ISO 4217 currency (EUR, INR, JPY). */
export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/** Digits after the decimal point of a currency (2 for EUR and INR, 0 for JPY, 3 for KWD), from ICU; undefined for a code that is not one. */
export function minorDigits(currency: string): number | undefined {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return undefined;
  }
}
