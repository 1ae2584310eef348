/**
 * Loaded into a served process (`BENCH_NODE_ARGS="--require $PWD/bench/lib/loop-log.cjs"`: the server runs in its data dir), logs
 * what can hold a request up without showing in a CPU profile: garbage collections over 4 ms
 * (timed from their start) and event-loop turns that came more than 30 ms late (a 10 ms timer
 * that fired late). One line each, epoch ms first, to $LOOP_LOG (default /tmp/loop-PID.log).
 */
const { PerformanceObserver, performance } = require('node:perf_hooks');
const fs = require('node:fs');

const out = fs.openSync(process.env.LOOP_LOG || `/tmp/loop-${process.pid}.log`, 'a');
const kinds = { 1: 'scavenge', 2: 'minor-mark-compact', 4: 'mark-compact', 8: 'incremental', 16: 'weak-callbacks' };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration > 4) fs.writeSync(out, `${Math.round(performance.timeOrigin + e.startTime)} gc ${kinds[e.detail?.kind] ?? e.detail?.kind} ${e.duration.toFixed(1)}\n`);
  }
}).observe({ entryTypes: ['gc'] });
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 30) fs.writeSync(out, `${Math.round(performance.timeOrigin + now)} late ${(now - last - 10).toFixed(0)}\n`);
  last = now;
}, 10).unref();
