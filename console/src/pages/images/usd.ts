/** A US-dollar figure as the savings report gives it (decimal dollars, not minor units); small ones keep their digits. */
export function usd(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  const digits = x !== 0 && Math.abs(x) < 0.01 ? 4 : 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}
