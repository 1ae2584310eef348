/** A metric value: whole numbers as they are, others with four significant digits. */
export function metric(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  return Number.isInteger(n) ? String(n) : Number(n.toPrecision(4)).toString();
}

/** Seconds as milliseconds, for latencies. */
export function ms(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const v = seconds * 1000;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;
}

/** A size in bytes, KiB or MiB. */
export function bytes(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The later of two ISO timestamps. */
export function later(a: string, b: string | undefined): string {
  return b !== undefined && b > a ? b : a;
}

/** `projects/p/models/ctr` → `ctr`. */
export function modelIdOf(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
