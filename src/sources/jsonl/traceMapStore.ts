import { filterRuns } from '../../analysis/runs';
import type { Run, Span, SpanSummary } from '../../model/types';
import { StoreError } from '../types';
import type { RunQuery, SpanSummaryQuery } from '../types';
import { errCode } from './lines';

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
  }

  async listRuns(query: RunQuery = {}): Promise<Run[]> {
    await this.refresh();
    return filterRuns(this.allRuns(), query);
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

  async close(): Promise<void> {
    this.closed = true;
    this.traces.clear();
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
  const code = errCode(e);
  const where = p === id ? id : `${id} (${p})`;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new StoreError(`${where}: not found — check the path`, id);
  if (code === 'EACCES' || code === 'EPERM') return new StoreError(`${where}: permission denied — make it readable by this user`, id);
  if (code === 'EISDIR') return new StoreError(`${where}: is a folder, expected a .jsonl file`, id);
  return e;
}
