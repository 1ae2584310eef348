import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from './fast-metrics.js';

/** The same observations through prom-client's own metrics and through ours. */
async function both(feed: (c: { inc(l: string[], by?: number): void; observe(l: string[], v: number): void }) => void) {
  const theirs = new Registry();
  const ours = new Registry();
  const cfg = { name: 'x_total', help: 'requests', labelNames: ['route', 'code'] as const };
  const hcfg = { name: 'x_seconds', help: 'latency', labelNames: ['route'] as const, buckets: [0.001, 0.01, 0.1] };
  const pc = new Counter({ ...cfg, registers: [theirs] });
  const ph = new Histogram({ ...hcfg, registers: [theirs] });
  const fc = new FastCounter({ ...cfg, registers: [ours] });
  const fh = new FastHistogram({ ...hcfg, registers: [ours] });
  feed({
    inc: (l, by) => {
      pc.labels(...l).inc(by);
      fc.labels(...l).inc(by);
    },
    observe: (l, v) => {
      ph.labels(...l).observe(v);
      fh.labels(...l).observe(v);
    },
  });
  return { theirs: await theirs.metrics(), ours: await ours.metrics() };
}

describe('fast metrics', () => {
  it('render exactly what prom-client renders for the same counts and observations', async () => {
    const { theirs, ours } = await both((m) => {
      m.inc(['/a', '200']);
      m.inc(['/a', '200'], 2);
      m.inc(['/b', '404']);
      for (const v of [0.0005, 0.001, 0.005, 0.05, 0.5, 2]) m.observe(['/a'], v);
      m.observe(['/b "quoted"'], 0.02);
    });
    expect(ours).toBe(theirs);
    expect(ours).toContain('x_seconds_bucket{le="0.001",route="/a"} 2');
    expect(ours).toContain('x_seconds_bucket{le="+Inf",route="/a"} 6');
    expect(ours).toContain('x_total{route="/a",code="200"} 3');
  });

  it('hands back the same child for the same label values', () => {
    const c = new FastCounter({ name: 'y_total', help: 'y', labelNames: ['a'], registers: [] });
    expect(c.labels('1')).toBe(c.labels('1'));
    expect(c.labels('1')).not.toBe(c.labels('2'));
  });
});
