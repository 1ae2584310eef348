import type { Random } from './random.js';

/**
 * Relative traffic by hour of the day in India (IST): quiet at night, a lunch
 * bump and an evening peak, as Indian e-commerce traffic runs.
 */
const IST_HOURLY = [
  0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.2, 0.4, 0.6, 0.75, 0.85, 0.9,
  1.0, 1.0, 0.9, 0.85, 0.85, 0.9, 1.0, 1.15, 1.3, 1.4, 1.2, 0.7,
];
const HOUR = 3_600_000;
const IST_OFFSET = 5.5 * HOUR;

/**
 * Session start times between `from` and `to`, in increasing order, drawn
 * one at a time: exactly `count` of them, distributed by time of day.
 *
 * Sorted uniforms are produced in order without holding them all (each next
 * one is the minimum of the remaining ones: x' = x + (1 - x)(1 - U^(1/m))), then
 * mapped through the inverse of the daily traffic curve, which keeps the order.
 */
export function sessionStarts(count: number, from: number, to: number, rng: Random): () => number {
  const slots = Math.max(1, Math.ceil((to - from) / HOUR));
  const cumulative = new Float64Array(slots + 1);
  for (let i = 0; i < slots; i++) {
    const start = from + i * HOUR;
    const hour = Math.floor((((start + IST_OFFSET) % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR) / HOUR);
    cumulative[i + 1] = (cumulative[i] as number) + (IST_HOURLY[hour] as number) * (Math.min(to, start + HOUR) - start);
  }
  const total = cumulative[slots] as number;
  let x = 0;
  let left = count;
  return () => {
    if (left > 0) x += (1 - x) * (1 - Math.pow(rng.next(), 1 / left--));
    const target = x * total;
    let lo = 0;
    let hi = slots - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((cumulative[mid] as number) <= target) lo = mid;
      else hi = mid - 1;
    }
    const base = cumulative[lo] as number;
    const width = (cumulative[lo + 1] as number) - base;
    const slotStart = from + lo * HOUR;
    return Math.min(to, slotStart + (width > 0 ? ((target - base) / width) * (Math.min(to, slotStart + HOUR) - slotStart) : 0));
  };
}
