import { filterRuns, runMatches } from '../../analysis/runs';
import { sliceCount } from '../countRuns';
import { fileError } from '../files';
import type { Run, Span, SpanSummary } from '../../model/types';
import { spanToDoc } from '../searchDoc';
import { SCAN_BATCH_SPANS, nextTurn, throwIfAborted } from '../scanTurn';
import { StoreError } from '../types';
import type { RunQuery, SearchDoc, SpanSummaryQuery } from '../types';

/**
 * Generations are numbered across every store of the process: a version from a store that was
 * closed and opened again (or from another file) never equals one of this store's.
 */
let lastGeneration = 0;

/**
 * What the line-based readers (waft, OTLP) share: their records, grouped by trace id in
 * memory, answer every TraceStore query; each query first reads what was appended since the
 * last one (`read`, one at a time, in call order). A reader says how to read its files, how a
 * trace becomes a Run and Spans, and what one record contributes to stats.
 */
export abstract class TraceMapStore<T> {
  abstract readonly id: string;
  /** trace id → its records so far; the Run is built on demand and dropped when a record arrives. */
  protected traces = new Map<string, { items: T[]; run?: Run }>();
  protected closed = false;
  /**
   * Moves whenever the traces are forgotten and read again. Between two resets a trace's
   * records only grow (addItem appends), so generation + record count names its content.
   */
  private generation = ++lastGeneration;
  private queue: Promise<void> = Promise.resolve();

  /** Reads whatever was appended since the last read; one at a time, in call order. */
  refresh(): Promise<void> {
    const next = this.queue.then(() => (this.closed ? undefined : this.read()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  protected abstract read(): Promise<void>;
  protected abstract buildRun(traceId: string, items: readonly T[]): Run;
  protected abstract buildSpans(traceId: string, items: readonly T[]): Span[];
  protected abstract summarize(runId: string, item: T): SpanSummary;

  /** The form ids are kept in (OTLP: lowercase hex), so an id typed otherwise still matches exactly. */
  protected canonicalId(id: string): string {
    return id;
  }

  protected addItem(traceId: string, item: T): void {
    let t = this.traces.get(traceId);
    if (!t) {
      t = { items: [] };
      this.traces.set(traceId, t);
    }
    t.items.push(item);
    delete t.run;
  }

  /** Forget every trace: the files are read again from their start (a file shrank or went away). */
  protected resetTraces(): void {
    this.traces = new Map();
    this.generation = ++lastGeneration;
  }

  async listRuns(query: RunQuery = {}): Promise<Run[]> {
    await this.refresh();
    return filterRuns(this.allRuns(), query);
  }

  /** listRuns(query).length: one pass over the run table, no listing sorted or copied. */
  async countRuns(query: RunQuery = {}): Promise<number> {
    await this.refresh();
    const ids = query.ids ? new Set(query.ids) : undefined;
    let n = 0;
    for (const id of this.traces.keys()) if (runMatches(this.runOf(id), query, ids)) n++;
    return sliceCount(n, query);
  }

  async findRuns(partial: string): Promise<Run[]> {
    await this.refresh();
    const p = partial.trim();
    if (p === '') return [];
    const exact = this.canonicalId(p);
    if (this.traces.has(exact)) return [this.runOf(exact)];
    const lower = p.toLowerCase();
    return filterRuns(this.allRuns().filter((r) => r.id.toLowerCase().includes(lower)), {});
  }

  async getSpans(runId: string): Promise<Span[]> {
    await this.refresh();
    const key = this.traces.has(runId) ? runId : this.canonicalId(runId);
    const t = this.traces.get(key);
    if (!t) throw new StoreError(`${this.id}: no run with id '${runId}' — list the runs to see which ids exist`, this.id);
    return this.buildSpans(key, t.items);
  }

  async spanSummaries(query: SpanSummaryQuery = {}): Promise<SpanSummary[]> {
    await this.refresh();
    const out: SpanSummary[] = [];
    for (const run of filterRuns(this.allRuns(), { pipeline: query.pipeline, sinceMs: query.sinceMs })) {
      for (const item of this.traces.get(run.id)!.items) out.push(this.summarize(run.id, item));
    }
    return out;
  }

  /**
   * Every trace's spans as search docs, in batches of about SCAN_BATCH_SPANS. The traces and
   * their record counts are taken once, after the refresh: records a later query reads in while
   * the scan waits for its turn are left to the next scan (its runVersions will have moved).
   */
  async scanSpans(onBatch: (docs: SearchDoc[]) => void, signal?: AbortSignal, runIds?: ReadonlySet<string>): Promise<void> {
    throwIfAborted(signal);
    await this.refresh();
    throwIfAborted(signal);
    const todo: Array<{ key: string; t: { items: T[]; run?: Run }; n: number }> = [];
    for (const key of runIds ? this.keysOf(runIds) : this.traces.keys()) {
      const t = this.traces.get(key)!;
      todo.push({ key, t, n: t.items.length });
    }
    let batch: SearchDoc[] = [];
    for (const { key, t, n } of todo) {
      // Grown since the snapshot: the run and spans of the records counted then, not a mix.
      const grown = t.items.length !== n;
      const items = grown ? t.items.slice(0, n) : t.items;
      const run = grown ? this.buildRun(key, items) : (t.run ??= this.buildRun(key, items));
      for (const span of this.buildSpans(key, items)) batch.push(spanToDoc(run, span));
      if (batch.length >= SCAN_BATCH_SPANS) {
        onBatch(batch);
        batch = [];
        await nextTurn();
        throwIfAborted(signal);
      }
    }
    if (batch.length > 0) onBatch(batch);
  }

  /** Per trace: the reset generation and its record count, which together move on every change. */
  async runVersions(): Promise<Map<string, string>> {
    await this.refresh();
    const out = new Map<string, string>();
    for (const [key, t] of this.traces) out.set(key, `${this.generation}:${t.items.length}`);
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.traces.clear();
  }

  /** The stored keys of the ids asked for (as getSpans finds them), each once; unknown ids are left out. */
  private keysOf(ids: ReadonlySet<string>): Set<string> {
    const keys = new Set<string>();
    for (const id of ids) {
      const key = this.traces.has(id) ? id : this.canonicalId(id);
      if (this.traces.has(key)) keys.add(key);
    }
    return keys;
  }

  private allRuns(): Run[] {
    return [...this.traces.keys()].map((id) => this.runOf(id));
  }

  private runOf(traceId: string): Run {
    const t = this.traces.get(traceId)!;
    t.run ??= this.buildRun(traceId, t.items);
    return t.run;
  }
}

/** A file-system error a user can fix → one-line StoreError naming the store (and its file); anything else stays a bug. */
export function readError(e: unknown, p: string, id: string): unknown {
  if (e instanceof StoreError) return e;
  return fileError(e, p, id);
}
