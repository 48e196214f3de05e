import * as fs from 'fs';
import * as path from 'path';
import { errorHeadline } from '../../model/errors';
import type { Run, Span, SpanSummary } from '../../model/types';
import { StoreError } from '../types';
import type { TraceStore } from '../types';
import { JsonLinesFolder } from '../jsonl/folder';
import { TraceMapStore, readError } from '../jsonl/traceMapStore';
import { toWaftRecord, waftAttributes, waftError, waftSource } from './records';
import type { WaftRecord } from './records';

/** Where waft keeps its daily files, relative to the project it runs in. */
export const WAFT_TRACES_DIR = path.join('_pyrite', 'analytics', 'traces');

/** How a waft line starts (`json.dump` of `Span.to_dict()`): lets a line that a crash tore keep the span appended after it. */
const WAFT_RECORD_START = '{"trace_id"';

/** A waft store as opened: also tells tests how much was read from disk. */
export interface WaftTraceStore extends TraceStore {
  readonly format: 'waft';
  readonly skippedLines: number;
  /** Bytes read from disk since open: a refresh after an append grows it by the appended bytes only. */
  readonly bytesRead: number;
  /** The .jsonl files read (the traces folder's daily files, or the one file named). */
  readonly files: readonly string[];
}

/**
 * Opens waft's JSON-lines traces read-only: a project folder holding `_pyrite/analytics/traces`,
 * that traces folder itself, or one `.jsonl` file. Every query first reads what was appended
 * since the last one (and any new daily file), so an open store follows a running program.
 */
export async function openWaftStore(target: string, id: string = target): Promise<WaftTraceStore> {
  const where = await locate(target, id);
  const store = new WaftStore(id, where);
  await store.refresh();
  return store;
}

type Where = { kind: 'file'; file: string } | { kind: 'dir'; dir: string };

async function locate(target: string, id: string): Promise<Where> {
  const st = await statOrThrow(target, id);
  if (!st.isDirectory()) return { kind: 'file', file: target };
  const nested = path.join(target, WAFT_TRACES_DIR);
  if ((await statOrUndefined(nested))?.isDirectory()) return { kind: 'dir', dir: nested };
  if ((await listJsonl(target, id)).length > 0 || isTracesDir(target)) return { kind: 'dir', dir: target };
  throw new StoreError(
    `${id}: no waft traces here — expected a ${WAFT_TRACES_DIR.split(path.sep).join('/')} folder or .jsonl files`,
    id,
  );
}

/** The traces folder waft made, even while it holds no file yet. */
function isTracesDir(dir: string): boolean {
  const parts = path.resolve(dir).split(path.sep);
  return parts.slice(-3).join('/') === '_pyrite/analytics/traces';
}

class WaftStore extends TraceMapStore<WaftRecord> implements WaftTraceStore {
  readonly format = 'waft' as const;
  private readonly folder: JsonLinesFolder<WaftRecord>;
  private seq = 0;

  constructor(
    readonly id: string,
    private readonly where: Where,
  ) {
    super();
    const w = where;
    this.folder = new JsonLinesFolder<WaftRecord>(
      async () => (w.kind === 'file' ? [w.file] : (await listJsonl(w.dir, id)).map((n) => path.join(w.dir, n))),
      (o, push) => {
        const r = toWaftRecord(o, 0);
        if (r) push(r);
        return r !== undefined;
      },
      WAFT_RECORD_START,
    );
  }

  get skippedLines(): number {
    return this.folder.skippedLines;
  }

  get skippedFiles(): string[] {
    return this.folder.leftOut;
  }

  get bytesRead(): number {
    return this.folder.bytesRead;
  }

  get files(): string[] {
    return this.folder.fileNames;
  }

  override async close(): Promise<void> {
    this.folder.clear();
    await super.close();
  }

  protected buildRun(traceId: string, records: readonly WaftRecord[]): Run {
    return buildRun(this.id, traceId, records);
  }

  protected buildSpans(traceId: string, records: readonly WaftRecord[]): Span[] {
    return buildSpans(traceId, records);
  }

  protected summarize(runId: string, r: WaftRecord): SpanSummary {
    const s: SpanSummary = { runId, name: r.operation, status: r.status };
    if (r.durationMs !== undefined && r.status !== 'running') s.durationMs = r.durationMs;
    return s;
  }

  protected async read(): Promise<void> {
    const only = this.where.kind === 'file';
    const update = await this.folder.update((e, file) => {
      const err = readError(e, file, this.id);
      // One bad file (a FIFO, no permission) never takes a whole folder down: it is left out and named.
      if (only || !(err instanceof StoreError)) throw err;
      return err.message;
    });
    // Numbered in file order after the read, so ties in start time do not depend on timing.
    for (const r of update.added) r.seq = this.seq++;
    if (update.rebuild) {
      this.resetTraces();
      for (const r of this.folder.records()) this.addItem(r.traceId, r);
    } else {
      for (const r of update.added) this.addItem(r.traceId, r);
    }
  }
}

/** The span that names the run: the earliest-starting one without a parent in the trace. */
function rootOf(records: readonly WaftRecord[]): WaftRecord {
  const ids = new Set(records.map((r) => r.spanId));
  const roots = records.filter((r) => r.parentId === null || !ids.has(r.parentId));
  return [...(roots.length > 0 ? roots : records)].sort(byStart)[0]!;
}

function byStart(a: WaftRecord, b: WaftRecord): number {
  const sa = a.startMs ?? Infinity;
  const sb = b.startMs ?? Infinity;
  return sa < sb ? -1 : sa > sb ? 1 : a.seq - b.seq;
}

/**
 * A trace → Run. waft has no run record: the run is its spans. Error when any span failed,
 * running while any is pending, else the root's word. waft writes a span when it ends, so
 * a trace whose root is still open shows its finished children only.
 */
function buildRun(store: string, traceId: string, records: readonly WaftRecord[]): Run {
  const root = rootOf(records);
  const failed = records.filter((r) => r.status === 'error');
  const pending = records.some((r) => r.status === 'running');
  let start = Infinity;
  let end = -Infinity;
  for (const r of records) {
    if (r.startMs === undefined) continue;
    start = Math.min(start, r.startMs);
    if (r.durationMs !== undefined) end = Math.max(end, r.startMs + r.durationMs);
  }
  const run: Run = {
    id: traceId,
    store,
    name: root.operation,
    status: failed.length > 0 ? 'error' : pending ? 'running' : root.status,
    rawStatus: failed.length > 0 ? failed[0]!.rawStatus : pending ? records.find((r) => r.status === 'running')!.rawStatus : root.rawStatus,
    spanCount: records.length,
    attributes: {},
  };
  if (start !== Infinity) run.startMs = roundMs(start);
  if (!pending && start !== Infinity && end >= start) run.durationMs = roundMs(end - start);
  if (failed.length > 0) {
    // The failed span that ended first is the innermost: the ones above it wrap or repeat it.
    const first = [...failed].sort((a, b) => endOf(a) - endOf(b))[0]!;
    const e = waftError(first);
    if (e) run.error = errorHeadline(e);
  }
  if (root.layer !== undefined) run.attributes['layer'] = root.layer;
  if (root.metadata !== undefined) run.attributes['metadata'] = root.metadata;
  return run;
}

function endOf(r: WaftRecord): number {
  return r.startMs === undefined ? Infinity : r.startMs + (r.durationMs ?? Infinity);
}


function buildSpans(runId: string, records: readonly WaftRecord[]): Span[] {
  let min = Infinity;
  for (const r of records) if (r.startMs !== undefined && r.startMs < min) min = r.startMs;
  if (min === Infinity) min = 0;
  return [...records].sort(byStart).map((r) => {
    const span: Span = {
      id: r.spanId,
      runId,
      parentId: r.parentId,
      name: r.operation,
      status: r.status,
      rawStatus: r.rawStatus,
      startOffsetMs: roundMs((r.startMs ?? min) - min),
      attributes: waftAttributes(r),
      events: [],
    };
    if (r.durationMs !== undefined) {
      // A pending span's duration is only until waft wrote it, not the operation's: kept as recorded.
      if (r.status === 'running') span.attributes['duration_ms'] = r.durationMs;
      else span.durationMs = roundMs(r.durationMs);
    }
    const error = waftError(r);
    if (error) span.error = error;
    const source = waftSource(r.metadata);
    if (source) span.source = source;
    return span;
  });
}

/** To the microsecond waft records: float noise from subtracting epoch ms stays out of the views. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

async function listJsonl(dir: string, id: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (e) {
    throw readError(e, dir, id);
  }
  // Daily files are YYYY-MM-DD.jsonl: name order is time order.
  return names.filter((n) => n.toLowerCase().endsWith('.jsonl')).sort();
}

async function statOrThrow(p: string, id: string): Promise<fs.Stats> {
  try {
    return await fs.promises.stat(p);
  } catch (e) {
    throw readError(e, p, id);
  }
}

async function statOrUndefined(p: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(p);
  } catch {
    return undefined;
  }
}
