/**
 * Serving benchmark, helper: one load run against one URL, with POST bodies
 * drawn in turn from a file of distinct bodies, and the CPU accounting of the
 * server process over the middle of the run.
 *
 * Run by bench/serving.ts as a child pinned to the load generator's core,
 * never by hand:
 *
 *   taskset -c 1 node --import tsx bench/serving-load.ts <config.json>
 *
 * Two generators:
 * - `autocannon` (autocannon 9, the library the CLI wraps; the CLI cannot
 *   send a different body per request): `connections` keep-alive
 *   connections, pipelining 1, one request definition whose `setupRequest`
 *   hands out the next body of the shared list, so consecutive requests on all
 *   connections walk the whole list. With `overallRate` it is autocannon's
 *   `--overallRate`: each connection may send overallRate/connections requests
 *   per second, counted in one-second windows that start together.
 * - `paced`: an open-loop generator with uniform arrivals (raw keep-alive
 *   HTTP/1.1 connections, up to `connections` of them): request i is due at
 *   start + i / rate and is sent then (or as soon as a socket is free); its
 *   latency counts from when it was due, so a server that falls behind is not
 *   flattered (no coordinated omission).
 *
 * Latency: every response's time, recorded here from autocannon's `response`
 * event (request written to response complete, in fractional milliseconds;
 * autocannon's own histogram keeps whole milliseconds only), percentiles over
 * all 2xx responses of the measured run.
 *
 * CPU: at 1 s into the measured run and 1 s before its end, reads utime+stime
 * of the server (/proc/<pid>/stat, every thread), of each other process of
 * the benchmark, of this process, the machine's busy and steal time
 * (/proc/stat), and the number of responses so far; the window's difference
 * gives the server's CPU microseconds per response and "other" CPU (the
 * machine's busy time that is not ours).
 *
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import { cpuTicks, readMachineTicks } from './lib/proc.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb?: (err: Error | null, res: Record<string, any>) => void) => NodeJS.EventEmitter & { stop(): void };

export interface LoadConfig {
  url: string;
  headers: Record<string, string>;
  bodiesPath: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  generator: 'autocannon' | 'paced';
  /** Requests per second for a fixed-rate run (autocannon: overallRate; paced: the arrival rate). */
  rate?: number;
  serverPid: number;
  /** Other processes of the benchmark (idle servers), not counted as "other". */
  ourPids: number[];
  clockTicks: number;
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadConfig;
const bodies = (JSON.parse(readFileSync(cfg.bodiesPath, 'utf8')) as string[]).map((b) => Buffer.from(b));

interface Snapshot {
  t: number;
  /** CLOCK_MONOTONIC in ns, the clock V8's CPU profiles use (in us). */
  hr: bigint;
  server: number | undefined;
  ours: number;
  selfUs: number;
  machine: { busy: number; steal: number };
  responses: number;
  ok: number;
}

/** Counters of the current run, shared by both generators. */
class Recorder {
  latencies = new Float64Array(1 << 16);
  n = 0;
  responses = 0;
  ok = 0;
  statusCodes: Record<string, number> = {};
  errors = 0;
  timeouts = 0;
  record(status: number, ms: number) {
    this.responses++;
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
    if (status < 200 || status > 299) return;
    this.ok++;
    if (this.n === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.n++] = ms;
  }
  summary() {
    const s = this.latencies.slice(0, this.n).sort();
    const q = (p: number) => (s.length === 0 ? null : s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
    let sum = 0;
    for (const x of s) sum += x;
    return { count: s.length, mean: s.length ? sum / s.length : null, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: s.length ? s[s.length - 1]! : null };
  }
}

function snapshot(rec: Recorder): Snapshot {
  const u = process.cpuUsage();
  let ours = 0;
  for (const pid of cfg.ourPids) ours += cpuTicks(pid) ?? 0;
  return { t: performance.now(), hr: process.hrtime.bigint(), server: cpuTicks(cfg.serverPid), ours, selfUs: u.user + u.system, machine: readMachineTicks(), responses: rec.responses, ok: rec.ok };
}

function windowOf(a: Snapshot, b: Snapshot) {
  const wall = (b.t - a.t) / 1000;
  const pct = (ticksDelta: number) => (ticksDelta / cfg.clockTicks / wall) * 100;
  const serverTicks = a.server === undefined || b.server === undefined ? null : b.server - a.server;
  const serverPct = serverTicks === null ? null : pct(serverTicks);
  const loadGenPct = ((b.selfUs - a.selfUs) / 1e6 / wall) * 100;
  const oursPct = pct(b.ours - a.ours);
  const busyPct = pct(b.machine.busy - a.machine.busy);
  const responses = b.responses - a.responses;
  return {
    seconds: wall,
    startNs: String(a.hr),
    endNs: String(b.hr),
    responses,
    ok: b.ok - a.ok,
    responsesPerSec: responses / wall,
    serverPct,
    serverCpuUsPerRequest: serverTicks === null || responses === 0 ? null : ((serverTicks / cfg.clockTicks) * 1e6) / responses,
    loadGenPct,
    oursPct,
    otherPct: serverPct === null ? null : Math.max(0, busyPct - serverPct - loadGenPct - oursPct),
    stealPct: pct(b.machine.steal - a.machine.steal),
  };
}

/** Takes the window snapshots during a measured run of `seconds`. */
function sampleWindow(rec: Recorder, seconds: number): { done: Promise<ReturnType<typeof windowOf> | null>; cancel(): void } {
  let a: Snapshot | undefined;
  let resolve!: (w: ReturnType<typeof windowOf> | null) => void;
  const done = new Promise<ReturnType<typeof windowOf> | null>((r) => (resolve = r));
  if (seconds < 3) {
    resolve(null);
    return { done, cancel: () => undefined };
  }
  const t1 = setTimeout(() => (a = snapshot(rec)), 1000);
  const t2 = setTimeout(() => resolve(a ? windowOf(a, snapshot(rec)) : null), (seconds - 1) * 1000);
  return { done, cancel: () => (clearTimeout(t1), clearTimeout(t2), resolve(null)) };
}

function runAutocannon(seconds: number, rec: Recorder): Promise<Record<string, any>> {
  let next = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: cfg.url,
        connections: cfg.connections,
        pipelining: 1,
        duration: seconds,
        ...(cfg.rate ? { overallRate: cfg.rate } : {}),
        requests: [
          {
            method: 'POST',
            headers: { ...cfg.headers, 'content-type': 'application/json' },
            setupRequest: (req: Record<string, unknown>) => {
              req.body = bodies[next++ % bodies.length];
              return req;
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => rec.record(status, ms));
    instance.on('reqError', () => rec.errors++);
    instance.on('timeout', () => rec.timeouts++);
  });
}

/**
 * One keep-alive HTTP/1.1 connection for the paced generator: writes a
 * prebuilt request and reads one response (status line, Content-Length or
 * chunked body), then is free again. A raw socket rather than node:http's
 * client, whose per-request cost (about 0.4 ms of this core) made the
 * generator fall behind at 2,000 requests/s.
 */
class RawConnection {
  private socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private onDone: ((status: number) => void) | undefined;
  busy = false;
  closed = false;
  constructor(host: string, port: number, onClose: (c: RawConnection) => void) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const close = () => {
      if (this.closed) return;
      this.closed = true;
      const cb = this.onDone;
      this.onDone = undefined;
      if (cb) cb(0);
      onClose(this);
    };
    this.socket.on('error', close);
    this.socket.on('close', close);
  }
  send(request: Buffer, done: (status: number) => void) {
    this.busy = true;
    this.onDone = done;
    this.socket.write(request);
  }
  private onData(chunk: Buffer) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const headEnd = this.buf.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buf.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let complete = false;
    let used = 0;
    if (cl) {
      used = headEnd + 4 + Number(cl[1]);
      complete = this.buf.length >= used;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const term = this.buf.indexOf('\r\n0\r\n\r\n', headEnd + 4);
      if (term >= 0) {
        used = term + 7;
        complete = true;
      }
    } else {
      used = headEnd + 4;
      complete = true;
    }
    if (!complete) return;
    this.buf = this.buf.length > used ? this.buf.subarray(used) : Buffer.alloc(0);
    this.busy = false;
    const cb = this.onDone;
    this.onDone = undefined;
    cb?.(status);
  }
  close() {
    this.closed = true;
    this.socket.destroy();
  }
}

/**
 * Open loop, uniform arrivals at `rate` per second, for `seconds`, over up to
 * `connections` keep-alive connections (a request waits for a free one, its
 * latency counting from when it was due). The scheduler runs on setImmediate
 * (not a 1 ms timer), so a request leaves within microseconds of its due time
 * while the generator keeps up; the gap between due and sent time is recorded
 * (sendLagMs) to show when it does not. Spinning keeps this process's core
 * busy: its CPU figure is not a measure of load in this mode.
 */
function runPaced(seconds: number, rate: number, rec: Recorder): Promise<Record<string, any>> {
  const url = new URL(cfg.url);
  const host = url.hostname;
  const port = Number(url.port);
  const headerText = Object.entries({ ...cfg.headers, 'content-type': 'application/json' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const requests = bodies.map((b) => Buffer.concat([Buffer.from(`POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n${headerText}content-length: ${b.length}\r\n\r\n`, 'latin1'), b]));
  const pool: RawConnection[] = [];
  const free: RawConnection[] = [];
  const waiting: number[] = [];
  let next = 0;
  let sent = 0;
  let inflight = 0;
  const lags = new Float64Array(Math.ceil(seconds * rate) + 16);
  let lagCount = 0;
  const onClose = (c: RawConnection) => {
    const i = pool.indexOf(c);
    if (i >= 0) pool.splice(i, 1);
    const j = free.indexOf(c);
    if (j >= 0) free.splice(j, 1);
  };
  const connection = (): RawConnection | undefined => {
    const c = free.pop();
    if (c) return c;
    if (pool.length < cfg.connections) {
      const n = new RawConnection(host, port, onClose);
      pool.push(n);
      return n;
    }
    return undefined;
  };
  const dispatch = (c: RawConnection, due: number) => {
    if (lagCount < lags.length) lags[lagCount++] = performance.now() - due;
    inflight++;
    c.send(requests[next++ % requests.length]!, (status) => {
      inflight--;
      if (status === 0) rec.errors++;
      else rec.record(status, performance.now() - due);
      if (!c.closed) {
        const w = waiting.shift();
        if (w !== undefined) dispatch(c, w);
        else free.push(c);
      }
    });
  };
  const start = performance.now();
  const end = start + seconds * 1000;
  const total = Math.floor(seconds * rate);
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Request i is due at start + i / rate: by `now`, requests 0 .. floor(elapsed * rate) are.
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
      while (sent < due) {
        const at = start + (sent * 1000) / rate;
        sent++;
        const c = connection();
        if (c) dispatch(c, at);
        else waiting.push(at);
      }
      if (now < end) setImmediate(tick);
      else {
        const finish = () => {
          if ((inflight > 0 || waiting.length > 0) && performance.now() < end + 10_000) return setTimeout(finish, 5);
          rec.timeouts += inflight + waiting.length;
          for (const c of pool.slice()) c.close();
          const s = lags.slice(0, lagCount).sort();
          const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : null);
          resolve({ sent, duration: (performance.now() - start) / 1000, sendLagMs: { p50: q(0.5), p99: q(0.99), max: s.length ? s[s.length - 1]! : null } });
        };
        finish();
      }
    };
    tick();
  });
}

async function run(seconds: number) {
  const rec = new Recorder();
  const window = sampleWindow(rec, seconds);
  const raw = cfg.generator === 'paced' ? await runPaced(seconds, cfg.rate!, rec) : await runAutocannon(seconds, rec);
  const w = await window.done;
  return { rec, raw, window: w };
}

async function main() {
  let warmup = null;
  if (cfg.warmupSeconds > 0) {
    const r = await run(cfg.warmupSeconds);
    warmup = { responsesPerSec: r.rec.responses / cfg.warmupSeconds, statusCodes: r.rec.statusCodes, errors: r.rec.errors };
  }
  const m = await run(cfg.durationSeconds);
  const ac = cfg.generator === 'autocannon' ? m.raw : null;
  process.stdout.write(
    `${JSON.stringify({
      generator: cfg.generator,
      rate: cfg.rate ?? null,
      warmup,
      requestsPerSecMean: ac ? ac.requests.mean : m.rec.responses / m.raw.duration,
      requestsPerSecStddev: ac ? ac.requests.stddev : null,
      requestsTotal: m.rec.responses,
      ok: m.rec.ok,
      non2xx: m.rec.responses - m.rec.ok,
      errors: m.rec.errors,
      timeouts: m.rec.timeouts,
      statusCodes: m.rec.statusCodes,
      latencyMs: m.rec.summary(),
      autocannonLatencyMs: ac ? { p50: ac.latency.p50, p99: ac.latency.p99, max: ac.latency.max } : null,
      sendLagMs: ac ? null : m.raw.sendLagMs,
      durationSeconds: ac ? ac.duration : m.raw.duration,
      window: m.window,
      distinctBodies: bodies.length,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
