/** Money in integer minor units (the API's form) as the project's currency. */
export function money(amount: number | string | undefined, currency = 'INR'): string {
  if (amount === undefined) return '–';
  const n = Number(amount) / 100;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}

/** A timestamp in the reader's locale and time zone. */
export function when(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** 0.1234 as 12.3 %. */
export function percent(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)} %`;
}

/** A number with grouping. */
export function count(n: number | undefined): string {
  return n === undefined ? '–' : new Intl.NumberFormat().format(n);
}

/** The last segment of a resource name: `projects/p/models/m` → `m`. */
export function leaf(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
