/**
 * The failure index's reading of stores, per store and per store version (failureIndex.ts
 * resolves and groups what this reads):
 *   - the newest MAX_FAILED_RUNS failed runs (listRuns {status: 'error'});
 *   - their spans whose failure is their own (analysis/failures.ts ownFailures, run in the engine's
 *     worker: only those cross), only for runs not seen before or changed since (kept across
 *     re-reads while the run's span count, duration and status stay the same);
 *   - span name → distinct runs, failed runs, p95 from spanSummaries (folded in the engine), over
 *     the same window as the failed runs when the cap was hit. On a big store this is the expensive part; it is
 *     re-read at most every ~20× its own cost (older totals are used meanwhile).
 * A store that cannot be queried keeps what it had; the others go on. No 'vscode'.
 */
import type { NameRunStats } from '../../analysis/failures';
import { storeOp } from '../../worker/client';
import { minOf } from '../../model/arrays';
import type { Run, Span } from '../../model/types';
import type { TraceStore } from '../../sources/types';

/** Failed runs read per store, newest first. */
export const MAX_FAILED_RUNS = 200;
/** Span summaries are re-read at most every this × what reading them took (and at least this often when cheap). */
const SUMMARY_COST_FACTOR = 20;
const SUMMARY_MAX_REUSE_MS = 5 * 60_000;

/** One store as the failure index reads it: its id, its current version, and queries on its current reading. */
export interface FailureSource {
  readonly id: string;
  readonly version: number;
  query<T>(fn: (store: TraceStore) => Promise<T>): Promise<T>;
}

export interface StoreFailures {
  version: number;
  runs: Array<{ run: Run; spans: Span[] }>;
  stats: Map<string, NameRunStats>;
  /** Store version the stats were read at (they lag behind `version` on a big, busy store). */
  statsVersion: number;
  statsAt: number;
  statsCostMs: number;
}

/** How long span summaries that took `costMs` to read are reused while the store changes. */
export function statsReuseMs(costMs: number): number {
  return Math.min(SUMMARY_MAX_REUSE_MS, costMs * SUMMARY_COST_FACTOR);
}

export interface FailureReaderDeps {
  debug?(message: string): void;
  error?(what: string, e: unknown): void;
  now?(): number;
  /** A turn of the event loop between batches of span reads (sql.js answers synchronously). */
  breathe?(): Promise<void>;
}

export class StoreFailureReader {
  private readonly perStore = new Map<string, StoreFailures>();
  /** store\0run → the run's own failures, and the run state they were read at. */
  private readonly runSpans = new Map<string, { sig: string; spans: Span[] }>();
  private readonly now: () => number;

  constructor(private readonly deps: FailureReaderDeps = {}) {
    this.now = deps.now ?? Date.now;
  }

  /** What was read, per store id (stores of the last update only). */
  get stores(): ReadonlyMap<string, StoreFailures> {
    return this.perStore;
  }

  clear(): void {
    this.perStore.clear();
    this.runSpans.clear();
  }

  /**
   * Brings the failures of `open` (the stores open now) up to date and forgets every other
   * store. Returns when the totals of a store, left behind its failures, may be read again
   * (ms from now), or undefined when none is behind.
   */
  async update(open: readonly FailureSource[]): Promise<number | undefined> {
    const liveRuns = new Set<string>();
    let catchUpMs: number | undefined;
    for (const source of open) {
      let sf = this.perStore.get(source.id);
      const statsDue = sf !== undefined && sf.statsVersion !== source.version && this.now() - sf.statsAt >= statsReuseMs(sf.statsCostMs);
      if (!sf || sf.version !== source.version || statsDue) {
        try {
          sf = await this.readStore(source, sf);
          this.perStore.set(source.id, sf);
        } catch (e) {
          // A store that cannot be queried keeps what it had; the others go on.
          this.deps.error?.(`Reading failures of ${source.id} failed`, e);
          if (!sf) continue;
        }
      }
      if (sf.version === source.version && sf.statsVersion !== sf.version) {
        // Totals a little behind the failures; caught up once they may be re-read.
        const wait = statsReuseMs(sf.statsCostMs) - (this.now() - sf.statsAt);
        catchUpMs = Math.min(catchUpMs ?? Infinity, wait);
      }
      for (const r of sf.runs) liveRuns.add(`${source.id}\u0000${r.run.id}`);
    }
    const openIds = new Set(open.map((s) => s.id));
    for (const id of [...this.perStore.keys()]) if (!openIds.has(id)) this.perStore.delete(id);
    for (const k of [...this.runSpans.keys()]) if (!liveRuns.has(k)) this.runSpans.delete(k);
    return catchUpMs;
  }

  private async readStore(source: FailureSource, prev: StoreFailures | undefined): Promise<StoreFailures> {
    const version = source.version;
    const runs = await source.query((s) => s.listRuns({ status: 'error', limit: MAX_FAILED_RUNS }));
    const out: StoreFailures['runs'] = [];
    let read = 0;
    for (const run of runs) {
      const key = `${source.id}\u0000${run.id}`;
      const sig = `${run.status}|${run.spanCount}|${run.durationMs ?? ''}`;
      let cached = this.runSpans.get(key);
      if (!cached || cached.sig !== sig) {
        // In the engine: only the run's own failures cross, not all its spans.
        cached = { sig, spans: await source.query((s) => storeOp(s, 'ownFailures', [run.id])) };
        this.runSpans.set(key, cached);
        // sql.js answers synchronously: let the extension host breathe between batches.
        if (++read % 10 === 0) await (this.deps.breathe?.() ?? new Promise<void>((r) => setImmediate(r)));
      }
      out.push({ run, spans: cached.spans });
    }

    let stats = prev?.stats;
    let statsAt = prev?.statsAt ?? 0;
    let statsCostMs = prev?.statsCostMs ?? 0;
    let statsVersion = prev?.statsVersion ?? -1;
    if (!stats || (statsVersion !== version && this.now() - statsAt >= statsReuseMs(statsCostMs))) {
      // The "of N runs" covers the same window as the failed runs read, when the cap cut them.
      let sinceMs: number | undefined;
      if (runs.length >= MAX_FAILED_RUNS) {
        const starts = runs.map((r) => r.startMs).filter((t): t is number => t !== undefined && Number.isFinite(t));
        if (starts.length) sinceMs = minOf(starts, (t) => t);
      }
      const t0 = this.now();
      // Folded in the engine: a million span summaries never cross to the extension host.
      stats = await source.query((s) => storeOp(s, 'nameRunStats', [sinceMs === undefined ? {} : { sinceMs }]));
      statsVersion = version;
      statsAt = this.now();
      statsCostMs = statsAt - t0;
    }
    if (read > 0 || !prev) this.deps.debug?.(`Failure index: ${source.id}: ${runs.length} failed run(s), ${read} read anew; totals in ${statsCostMs} ms`);
    return { version, runs: out, stats, statsVersion, statsAt, statsCostMs };
  }
}
