import type { Cache } from '../platform/index.js';
import * as errors from './errors.js';

/** Daily counters outlive their day by a day: a late click of yesterday still finds yesterday's counter. */
const DAY_TTL_MS = 48 * 60 * 60 * 1000;
/** How long a process may take to rebuild a counter from the ledger before another takes over. */
const SEED_LOCK_MS = 5000;
const WAIT_STEP_MS = 20;
const WAIT_STEPS = 150;

export type ChargeOutcome = { ok: true; totalAfter: number } | { ok: false; spent: 'daily' | 'total' };

/** What the ledger holds for a campaign: what it charged on one budget day, or ever. */
export type LedgerSum = (project: string, campaign: string, day?: string) => Promise<number>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Spend counters on the cache port (Redis in production): a click is charged
 * only by an `incrementCapped` that keeps the day's spend within the daily
 * budget and the campaign's within its total, atomically across every
 * serving process. The ledger is the truth: a counter Redis lost (a restart
 * without persistence) is rebuilt from it before anyone charges again, by one
 * process while the others wait, so a restart never lets a budget be spent twice.
 */
export class Budgets {
  constructor(private readonly cache: Cache, private readonly ledger: LedgerSum) {}

  dailyKey(project: string, campaign: string, day: string): string {
    return `ads:spend:${project}:${campaign}:${day}`;
  }
  totalKey(project: string, campaign: string): string {
    return `ads:spend:${project}:${campaign}:total`;
  }

  /**
   * Charges `amount` if the day's spend stays within `daily` and the total
   * within `total` (when there is one); neither counter moves otherwise.
   */
  async charge(project: string, campaign: string, day: string, amount: number, daily: number, total: number | null): Promise<ChargeOutcome> {
    await this.ready(project, campaign, day);
    const d = await this.cache.incrementCapped(this.dailyKey(project, campaign, day), amount, daily, DAY_TTL_MS);
    if (!d.ok) return { ok: false, spent: 'daily' };
    const t = await this.cache.incrementCapped(this.totalKey(project, campaign), amount, total ?? Number.MAX_SAFE_INTEGER);
    if (!t.ok) {
      await this.refund(project, campaign, day, amount, false);
      return { ok: false, spent: 'total' };
    }
    return { ok: true, totalAfter: t.value };
  }

  /** Gives back a charge that was counted but not written to the ledger. */
  async refund(project: string, campaign: string, day: string, amount: number, total = true): Promise<void> {
    await this.cache.incrementCapped(this.dailyKey(project, campaign, day), -amount, Number.MAX_SAFE_INTEGER, DAY_TTL_MS);
    if (total) await this.cache.incrementCapped(this.totalKey(project, campaign), -amount, Number.MAX_SAFE_INTEGER);
  }

  /** Today's and all-time spend of campaigns, one round trip, for the auction's budget check (a snapshot: charging is what enforces). */
  async snapshot(project: string, campaigns: readonly string[], day: string): Promise<{ today: number[]; total: number[] }> {
    const values = await this.cache.counters([...campaigns.map((c) => this.dailyKey(project, c, day)), ...campaigns.map((c) => this.totalKey(project, c))]);
    return { today: values.slice(0, campaigns.length), total: values.slice(campaigns.length) };
  }

  /** Both counters hold the ledger's sums: rebuilt now if the cache lost them (or never had them). */
  private async ready(project: string, campaign: string, day: string): Promise<void> {
    const dailyDone = `${this.dailyKey(project, campaign, day)}:seeded`;
    const totalDone = `${this.totalKey(project, campaign)}:seeded`;
    const [d, t] = await this.cache.counters([dailyDone, totalDone]);
    if (d !== 1) await this.seed(campaign, this.dailyKey(project, campaign, day), dailyDone, () => this.ledger(project, campaign, day), DAY_TTL_MS);
    if (t !== 1) await this.seed(campaign, this.totalKey(project, campaign), totalDone, () => this.ledger(project, campaign), 0);
  }

  /**
   * One process takes the lock (a capped counter is a set-if-absent) and sets
   * the counter to the ledger's sum; the others wait for its done flag. No
   * one charges before the flag is up, so the sum cannot miss a charge made meanwhile.
   */
  private async seed(campaign: string, key: string, done: string, sum: () => Promise<number>, ttlMs: number): Promise<void> {
    for (let step = 0; step < WAIT_STEPS; step++) {
      const lock = await this.cache.incrementCapped(`${key}:seeding`, 1, 1, SEED_LOCK_MS);
      if (lock.ok) {
        try {
          // Another process may have seeded it between our first look and our lock: its counter then
          // holds charges the ledger does not have yet, and setting it to the ledger's sum would lose them.
          if ((await this.cache.counter(done)) === 1) return;
          await this.cache.set(key, String(await sum()), ttlMs);
          await this.cache.incrementCapped(done, 1, 1, ttlMs);
        } finally {
          await this.cache.delete(`${key}:seeding`);
        }
        return;
      }
      await sleep(WAIT_STEP_MS);
      if ((await this.cache.counter(done)) === 1) return;
    }
    throw errors.BUDGET_COUNTERS_BUSY({ campaign });
  }
}
