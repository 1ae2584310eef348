/**
 * Recommendations serving benchmark, helper: one load run against one server
 * with a mix of request kinds (each a path and a body), latency kept per kind,
 * and the server's CPU over the middle of the measured run.
 *
 * Run by bench/recs-serving.ts as a child pinned to the load generator's core,
 * never by hand:
 *
 *   taskset -c 1 node --import tsx bench/lib/recs-load.ts <config.json>
 *
 * The requests are a prepared sequence (`sequencePath`: JSON
 * `{kinds: [{name, path}], entries: [[kindIndex, body], ...]}`), request i
 * sending entry i (wrapping around at the end):
 * - `paced`: open loop, uniform arrivals at `rate` per second over raw
 *   keep-alive HTTP/1.1 connections (up to `connections`; a request that finds
 *   none free waits for one). Request i is due at start + i / rate; its latency
 *   counts from when it was due, so a server that falls behind is not flattered
 *   (no coordinated omission). The warm-up uses the first rate x warmup entries,
 *   the measured run the next rate x duration. As bench/serving-load.ts's paced
 *   generator, which this copies (that file runs its main when imported).
 * - `autocannon`: closed loop, autocannon 9 as a library, `connections`
 *   keep-alive connections, pipelining 1; `setupRequest` hands out the next
 *   entry (path and body), and the `response` event reads the answered
 *   request's kind from the client's current request (with pipelining 1 it is
 *   the one answered: autocannon emits `response` before it sets up the next).
 *
 * Errors: a non-2xx response, a connection error, or (paced) a request still
 * unanswered 10 s after the run's end, counted as a timeout; autocannon's own
 * timeouts (10 s) are counted too.
 *
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import { cpuTicks, readMachineTicks } from './proc.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb?: (err: Error | null, res: Record<string, any>) => void) => NodeJS.EventEmitter & { stop(): void };

export interface RecsLoadConfig {
  /** http://host:port, no path. */
  baseUrl: string;
  headers: Record<string, string>;
  sequencePath: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  generator: 'autocannon' | 'paced';
  /** Paced: arrivals per second. */
  rate?: number;
  serverPid: number;
  /** Other processes of the benchmark (an idle server), not counted as "other". */
  ourPids: number[];
  clockTicks: number;
}

interface Sequence {
  kinds: Array<{ name: string; path: string }>;
  entries: Array<[number, string]>;
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as RecsLoadConfig;
const seq = JSON.parse(readFileSync(cfg.sequencePath, 'utf8')) as Sequence;
const KINDS = seq.kinds.map((k) => k.name);

class Lat {
  v = new Float64Array(1 << 14);
  n = 0;
  push(ms: number) {
    if (this.n === this.v.length) {
      const g = new Float64Array(this.v.length * 2);
      g.set(this.v);
      this.v = g;
    }
    this.v[this.n++] = ms;
  }
  summary() {
    const s = this.v.slice(0, this.n).sort();
    const q = (p: number) => (s.length === 0 ? null : s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
    let sum = 0;
    for (const x of s) sum += x;
    return { count: s.length, mean: s.length ? sum / s.length : null, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: s.length ? s[s.length - 1]! : null };
  }
}

/** Counters of one run, per kind and overall. */
class Recorder {
  all = new Lat();
  perKind = KINDS.map(() => ({ lat: new Lat(), sent: 0, responses: 0, ok: 0, non2xx: 0, errors: 0, timeouts: 0, statusCodes: {} as Record<string, number> }));
  responses = 0;
  ok = 0;
  sent(kind: number) {
    this.perKind[kind]!.sent++;
  }
  record(kind: number, status: number, ms: number) {
    const k = this.perKind[kind]!;
    this.responses++;
    k.responses++;
    k.statusCodes[status] = (k.statusCodes[status] ?? 0) + 1;
    if (status < 200 || status > 299) {
      k.non2xx++;
      return;
    }
    this.ok++;
    k.ok++;
    k.lat.push(ms);
    this.all.push(ms);
  }
  error(kind: number) {
    this.perKind[kind]!.errors++;
  }
  timeout(kind: number) {
    this.perKind[kind]!.timeouts++;
  }
  summary() {
    const kinds: Record<string, unknown> = {};
    let sent = 0, non2xx = 0, errors = 0, timeouts = 0;
    KINDS.forEach((name, i) => {
      const k = this.perKind[i]!;
      sent += k.sent;
      non2xx += k.non2xx;
      errors += k.errors;
      timeouts += k.timeouts;
      kinds[name] = { sent: k.sent, responses: k.responses, ok: k.ok, non2xx: k.non2xx, errors: k.errors, timeouts: k.timeouts, statusCodes: k.statusCodes, latencyMs: k.lat.summary() };
    });
    return { overall: { sent, responses: this.responses, ok: this.ok, non2xx, errors, timeouts, latencyMs: this.all.summary() }, kinds };
  }
}

interface Snapshot {
  t: number;
  server: number | undefined;
  ours: number;
  selfUs: number;
  machine: { busy: number; steal: number };
  responses: number;
}

function snapshot(rec: Recorder): Snapshot {
  const u = process.cpuUsage();
  let ours = 0;
  for (const pid of cfg.ourPids) ours += cpuTicks(pid) ?? 0;
  return { t: performance.now(), server: cpuTicks(cfg.serverPid), ours, selfUs: u.user + u.system, machine: readMachineTicks(), responses: rec.responses };
}

function windowOf(a: Snapshot, b: Snapshot) {
  const wall = (b.t - a.t) / 1000;
  const pct = (ticks: number) => (ticks / cfg.clockTicks / wall) * 100;
  const serverTicks = a.server === undefined || b.server === undefined ? null : b.server - a.server;
  const serverPct = serverTicks === null ? null : pct(serverTicks);
  const loadGenPct = ((b.selfUs - a.selfUs) / 1e6 / wall) * 100;
  const oursPct = pct(b.ours - a.ours);
  const busyPct = pct(b.machine.busy - a.machine.busy);
  const responses = b.responses - a.responses;
  return {
    seconds: wall,
    responses,
    responsesPerSec: responses / wall,
    serverPct,
    serverCpuUsPerRequest: serverTicks === null || responses === 0 ? null : ((serverTicks / cfg.clockTicks) * 1e6) / responses,
    loadGenPct,
    oursPct,
    otherPct: serverPct === null ? null : Math.max(0, busyPct - serverPct - loadGenPct - oursPct),
    stealPct: pct(b.machine.steal - a.machine.steal),
  };
}

function sampleWindow(rec: Recorder, seconds: number) {
  let a: Snapshot | undefined;
  let resolve!: (w: ReturnType<typeof windowOf> | null) => void;
  const done = new Promise<ReturnType<typeof windowOf> | null>((r) => (resolve = r));
  if (seconds < 3) {
    resolve(null);
    return done;
  }
  setTimeout(() => (a = snapshot(rec)), 1000);
  setTimeout(() => resolve(a ? windowOf(a, snapshot(rec)) : null), (seconds - 1) * 1000);
  return done;
}

/** Sequence position shared by both runs of a generator, so the measured run continues where the warm-up stopped. */
let cursor = 0;

function runAutocannon(seconds: number, rec: Recorder): Promise<Record<string, any>> {
  const url = new URL(cfg.baseUrl);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: cfg.baseUrl,
        connections: cfg.connections,
        pipelining: 1,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: seq.kinds[0]!.path,
            headers: { ...cfg.headers, 'content-type': 'application/json', host: url.host },
            setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
              const [kind, body] = seq.entries[cursor++ % seq.entries.length]!;
              req.path = seq.kinds[kind]!.path;
              req.body = body;
              // The client's context outlives the built request (autocannon builds from a copy of the definition).
              context.kind = kind;
              rec.sent(kind);
              return req;
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    const kindOf = (client: any): number => (client?.requestIterator?.context?.kind as number | undefined) ?? 0;
    instance.on('response', (client: unknown, status: number, _bytes: number, ms: number) => rec.record(kindOf(client), status, ms));
    instance.on('reqError', (client: unknown) => rec.error(kindOf(client)));
    instance.on('timeout', (client: unknown) => rec.timeout(kindOf(client)));
  });
}

/** One keep-alive HTTP/1.1 connection: writes a prebuilt request, reads one response (Content-Length or chunked). */
class RawConnection {
  private socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private onDone: ((status: number) => void) | undefined;
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
    const cb = this.onDone;
    this.onDone = undefined;
    cb?.(status);
  }
  close() {
    this.closed = true;
    this.socket.destroy();
  }
}

let prebuilt: Buffer[] | undefined;

function requestsOnce(): Buffer[] {
  if (prebuilt) return prebuilt;
  const url = new URL(cfg.baseUrl);
  const headerText = Object.entries({ ...cfg.headers, 'content-type': 'application/json' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  prebuilt = seq.entries.map(([kind, body]) => {
    const b = Buffer.from(body);
    return Buffer.concat([Buffer.from(`POST ${seq.kinds[kind]!.path} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n${headerText}content-length: ${b.length}\r\n\r\n`, 'latin1'), b]);
  });
  return prebuilt;
}

function runPaced(seconds: number, rate: number, rec: Recorder): Promise<Record<string, any>> {
  const url = new URL(cfg.baseUrl);
  const requests = requestsOnce();
  const pool: RawConnection[] = [];
  const free: RawConnection[] = [];
  const waiting: Array<{ due: number; i: number }> = [];
  let sent = 0;
  const inflight = new Set<number>();
  const lags = new Float64Array(Math.ceil(seconds * rate) + 16);
  let lagCount = 0;
  let maxConnections = 0;
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
      const n = new RawConnection(url.hostname, Number(url.port), onClose);
      pool.push(n);
      maxConnections = Math.max(maxConnections, pool.length);
      return n;
    }
    return undefined;
  };
  const dispatch = (c: RawConnection, w: { due: number; i: number }) => {
    if (lagCount < lags.length) lags[lagCount++] = performance.now() - w.due;
    const kind = seq.entries[w.i % seq.entries.length]![0];
    inflight.add(w.i);
    c.send(requests[w.i % requests.length]!, (status) => {
      inflight.delete(w.i);
      if (status === 0) rec.error(kind);
      else rec.record(kind, status, performance.now() - w.due);
      if (!c.closed) {
        const next = waiting.shift();
        if (next !== undefined) dispatch(c, next);
        else free.push(c);
      }
    });
  };
  const first = cursor;
  const total = Math.floor(seconds * rate);
  cursor += total;
  const start = performance.now();
  const end = start + seconds * 1000;
  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
      while (sent < due) {
        const w = { due: start + (sent * 1000) / rate, i: first + sent };
        rec.sent(seq.entries[w.i % seq.entries.length]![0]);
        sent++;
        const c = connection();
        if (c) dispatch(c, w);
        else waiting.push(w);
      }
      if (now < end) setImmediate(tick);
      else {
        const finish = () => {
          if ((inflight.size > 0 || waiting.length > 0) && performance.now() < end + 10_000) return setTimeout(finish, 5);
          for (const i of inflight) rec.timeout(seq.entries[i % seq.entries.length]![0]);
          for (const w of waiting) rec.timeout(seq.entries[w.i % seq.entries.length]![0]);
          for (const c of pool.slice()) c.close();
          const s = lags.slice(0, lagCount).sort();
          const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : null);
          resolve({ sent, firstEntry: first, duration: (performance.now() - start) / 1000, maxConnections, sendLagMs: { p50: q(0.5), p99: q(0.99), max: s.length ? s[s.length - 1]! : null } });
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
  return { rec, raw, window: await window };
}

async function main() {
  let warmup = null;
  if (cfg.warmupSeconds > 0) {
    const r = await run(cfg.warmupSeconds);
    warmup = { seconds: cfg.warmupSeconds, ...r.rec.summary().overall, firstEntry: r.raw.firstEntry ?? null };
  }
  const m = await run(cfg.durationSeconds);
  const ac = cfg.generator === 'autocannon' ? m.raw : null;
  const s = m.rec.summary();
  process.stdout.write(
    `${JSON.stringify({
      generator: cfg.generator,
      rate: cfg.rate ?? null,
      connections: cfg.connections,
      warmup,
      firstEntry: m.raw.firstEntry ?? null,
      durationSeconds: ac ? ac.duration : m.raw.duration,
      requestsPerSec: ac ? ac.requests.mean : m.rec.responses / m.raw.duration,
      requestsPerSecStddev: ac ? ac.requests.stddev : null,
      overall: s.overall,
      kinds: s.kinds,
      autocannon: ac ? { requestsMean: ac.requests.mean, latencyP50: ac.latency.p50, latencyP99: ac.latency.p99, latencyMax: ac.latency.max, errors: ac.errors, timeouts: ac.timeouts, non2xx: ac.non2xx } : null,
      sendLagMs: ac ? null : m.raw.sendLagMs,
      maxConnectionsOpen: ac ? null : m.raw.maxConnections,
      window: m.window,
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
