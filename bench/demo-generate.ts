/**
 * How fast the demo generator makes a benchmark-sized data set: a catalogue of
 * BENCH_ITEMS items (default 100,000) and BENCH_EVENTS events (default
 * 1,000,000), consumed one by one: once bare (the generator's own cost), once
 * turned into JSON as a loader would. Prints wall and CPU time, events/s and peak RSS; asserts
 * nothing (bench/README.md: timings depend on the machine and its load, so
 * read CPU time, not wall time, on a busy machine).
 *
 *   npx tsx bench/demo-generate.ts
 * Settings: BENCH_ITEMS, BENCH_EVENTS, BENCH_USERS (default 50,000), BENCH_SEED (default 1).
 */
// The generator's own files, not src/demo/index.ts, so the bench does not load the app's modules.
import { generateCatalog } from '../src/demo/catalog.js';
import { generateEvents } from '../src/demo/events.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const USERS = Number(process.env.BENCH_USERS ?? 50_000);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const options = { seed: SEED, items: ITEMS, users: USERS, events: EVENTS, baseUrl: 'http://localhost:8080' };

function timed<T>(run: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - t, cpuMs: (used.user + used.system) / 1000 };
}

const catalog = timed(() => generateCatalog(options));
const bare = timed(() => {
  let count = 0;
  for (const e of generateEvents(catalog.value, options)) if (e.eventId) count++;
  return { count, bytes: 0 };
});
const events = timed(() => {
  let count = 0;
  let bytes = 0;
  for (const e of generateEvents(catalog.value, options)) {
    count++;
    bytes += JSON.stringify(e).length;
  }
  return { count, bytes };
});
const mb = (kb: number) => (kb / 1024).toFixed(0);
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en');

console.log(`| step | count | wall ms | CPU ms | per second (wall) |`);
console.log(`|---|---|---|---|---|`);
console.log(`| catalogue | ${ITEMS.toLocaleString('en')} items | ${catalog.wallMs.toFixed(0)} | ${catalog.cpuMs.toFixed(0)} | ${rate(ITEMS, catalog.wallMs)} items/s |`);
console.log(`| events | ${bare.value.count.toLocaleString('en')} events | ${bare.wallMs.toFixed(0)} | ${bare.cpuMs.toFixed(0)} | ${rate(bare.value.count, bare.wallMs)} events/s |`);
console.log(`| events + JSON.stringify | ${events.value.count.toLocaleString('en')} events | ${events.wallMs.toFixed(0)} | ${events.cpuMs.toFixed(0)} | ${rate(events.value.count, events.wallMs)} events/s |`);
console.log(`\npeak RSS ${mb(process.resourceUsage().maxRSS)} MB (catalogue held in memory; events streamed, ${(events.value.bytes / 1e6).toFixed(0)} MB as JSON); node ${process.version}`);
