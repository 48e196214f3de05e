import { pushAll } from '../../model/arrays';
import { errorCause, errorText } from '../../model/errors';
import { spanOrigin } from '../../model/origin';
import { SpanGrouper } from '../../model/types';
import type { Run, Span, SpanNameGroup, SpanSummary, Status } from '../../model/types';
import { openSnapshot } from '../../sqlite/snapshot';
import type { SqliteSnapshot, SqlParam } from '../../sqlite/snapshot';
import { nextTurn } from '../scanTurn';
import { StoreError } from '../types';
import type { RunQuery, SearchDoc, SpanSummaryQuery, StoreFormat, TraceStore } from '../types';
import { scanFlujoSpans } from './scan';
import { readSchema } from './schema';
import type { FlujoSchema } from './schema';
import { fromRuns, runFilters, selectRunRecords, selectRuns, toRun } from './runs';
import { sliceCount, windowCount } from '../countRuns';
import type { RunRow, Where } from './runs';
import { buildSpans, errorOf, rawFromSpanRow } from './spans';
import type { RawSpan } from './spans';
import { statusCache, statusCodeCache, statusCodeSql } from './status';
import { addStepHistorySpans, STEP_HISTORY } from './stepHistory';
import { readStepSpans } from './steps';
import { rawFromTraceText } from './traceData';
import { errorFromFeedback, parseAttributes, secondsToMs, toNumber } from './values';

/** Ids per `IN (…)` list: well under SQLite's bound-parameter limit. */
const CHUNK = 500;
/** Runs per page of runVersions' span counts. */
const VERSION_PAGE = 500;
/** Runs per page when every run is listed. */
const LIST_PAGE = 2000;

/**
 * Opens Flujo's SQLite store (flujo_ops.db, with its -wal merged) read-only.
 * `id` is what the user named it (Run.store); the file is only ever read.
 */
export async function openFlujoStore(file: string, id: string = file): Promise<TraceStore> {
  const snap = await openSnapshot(file);
  try {
    return new FlujoStore(id, snap, readSchema(snap));
  } catch (e) {
    snap.close();
    throw e;
  }
}

/** What a page of runs needs from its spans: computed per page, never for the whole store. */
interface RunExtras {
  spanCount: number;
  durationMs?: number;
  /** The run's one pipeline_run span's duration, where it has exactly one that ended. */
  rootSpanMs?: number;
  error?: string;
}

class FlujoStore implements TraceStore {
  readonly format: StoreFormat = 'flujo';

  constructor(
    readonly id: string,
    private readonly snap: SqliteSnapshot,
    private readonly schema: FlujoSchema,
  ) {}

  async listRuns(query: RunQuery = {}): Promise<Run[]> {
    if (query.ids) return this.complete(this.runsByIds(query.ids, query));
    const where = runFilters(this.schema, query);
    if (query.limit !== undefined) return this.complete(selectRuns(this.snap, this.schema, where, query));
    // Every run (search indexing, the failure index): pages, a turn of the event loop between them.
    const rows: RunRow[] = [];
    for (let offset = query.offset ?? 0; ; offset += LIST_PAGE) {
      const page = selectRuns(this.snap, this.schema, where, { limit: LIST_PAGE, offset });
      pushAll(rows, page);
      if (page.length < LIST_PAGE) break;
      await nextTurn();
    }
    return this.complete(rows);
  }

  /** listRuns(query).length: COUNT(*) over the same FROM and WHERE, no run built. */
  async countRuns(query: RunQuery = {}): Promise<number> {
    const filters = runFilters(this.schema, query);
    const count = (where: Where): number => {
      let n = 0;
      this.snap.each(`SELECT COUNT(*) FROM ${fromRuns(this.schema)} WHERE ${where.sql}`, where.params, ([c]) => {
        n = Number(c);
      });
      return n;
    };
    if (query.ids) {
      let n = 0;
      for (const part of chunks([...new Set(query.ids)])) {
        n += count({ sql: `${filters.sql} AND r.run_id IN (${marks(part)})`, params: [...filters.params, ...part] });
      }
      return sliceCount(n, query);
    }
    // As selectRuns pages: OFFSET ⌊offset⌋ when positive, LIMIT ⌊limit⌋ when not negative.
    const offset = query.offset !== undefined && query.offset > 0 ? Math.floor(query.offset) : 0;
    const limit = query.limit !== undefined && query.limit >= 0 ? Math.floor(query.limit) : undefined;
    return windowCount(count(filters), offset, limit);
  }

  /** Runs named by id, newest first: an IN list per chunk of ids, merged. */
  private runsByIds(ids: readonly string[], query: RunQuery): RunRow[] {
    const filters = runFilters(this.schema, query);
    let rows: RunRow[] = [];
    for (const part of chunks([...new Set(ids)])) {
      const where: Where = { sql: `${filters.sql} AND r.run_id IN (${marks(part)})`, params: [...filters.params, ...part] };
      pushAll(rows, selectRuns(this.snap, this.schema, where));
    }
    rows.sort((a, b) => (b.startMs ?? -Infinity) - (a.startMs ?? -Infinity));
    if (query.offset) rows = rows.slice(query.offset);
    if (query.limit !== undefined) rows = rows.slice(0, query.limit);
    return rows;
  }

  async findRuns(partial: string): Promise<Run[]> {
    const p = partial.trim();
    if (p === '') return [];
    const exact = selectRuns(this.snap, this.schema, { sql: 'r.run_id = ?', params: [p] });
    if (exact.length > 0) return this.complete(exact);
    // instr, not LIKE: a '%' or '_' in what the user typed is text, not a wildcard.
    const where: Where = { sql: 'instr(lower(r.run_id), lower(?)) > 0', params: [p] };
    return this.complete(selectRuns(this.snap, this.schema, where));
  }

  async getSpans(runId: string): Promise<Span[]> {
    let raws = this.spanRows(runId);
    if (raws.length === 0) raws = this.otherSpans(runId, this.runStartMs(runId));
    this.addHistory(runId, raws);
    if (raws.length === 0 && !this.runExists(runId)) {
      throw new StoreError(`${this.id}: no run with id '${runId}' — list the runs to see which ids exist`, this.id);
    }
    return buildSpans(runId, raws);
  }

  /** The run's workflow_state.step_history, where the store has one. */
  private historyText(runId: string): unknown {
    if (!this.schema.workflowState || !this.schema.wsColumns.has('step_history')) return undefined;
    let text: unknown;
    this.snap.each('SELECT step_history FROM workflow_state WHERE run_id = ?', [runId], (row) => {
      text = row[0];
    });
    return text;
  }

  /** Of `ids` (default: all), the runs with span rows whose step history has nested entries (a cheap SQL pre-filter). */
  private historyRunIds(ids?: readonly string[]): string[] {
    if (!this.schema.spans || !this.schema.workflowState || !this.schema.wsColumns.has('step_history')) return [];
    const nested = "(instr(ws.step_history, '\"step_history\":[{') > 0 OR instr(ws.step_history, '\"step_history\": [{') > 0)";
    const withRows = 'EXISTS (SELECT 1 FROM spans s WHERE s.run_id = ws.run_id)';
    const found: string[] = [];
    const collect = (where: string, params: SqlParam[]): void =>
      this.snap.each(`SELECT ws.run_id FROM workflow_state ws WHERE ${where} AND ${nested} AND ${withRows}`, params, (row) =>
        found.push(String(row[0])),
      );
    if (ids) for (const part of chunks([...ids])) collect(`ws.run_id IN (${marks(part)})`, part);
    else collect('1', []);
    return found;
  }

  /** Loop iterations and branches that live only in the run's step history, under their step's span. */
  private addHistory(runId: string, raws: RawSpan[]): void {
    addStepHistorySpans(raws, this.historyText(runId));
  }

  /**
   * Runs that have span rows and a step history with nested entries (the SQL test is a cheap
   * pre-filter; addStepHistorySpans decides): their history spans, for search beside the rows.
   */
  private *historySpansOf(ids?: readonly string[]): Generator<Span> {
    for (const id of this.historyRunIds(ids)) {
      const raws = this.spanRows(id);
      this.addHistory(id, raws);
      for (const s of buildSpans(id, raws)) if (spanOrigin(s) === STEP_HISTORY) yield s;
    }
  }

  async spanSummaries(query: SpanSummaryQuery = {}): Promise<SpanSummary[]> {
    const { filtered, where } = this.summaryFilter(query);
    const out: SpanSummary[] = [];
    if (this.schema.spans) {
      const status = statusCache();
      // A million rows: array rows, interned strings, no attribute JSON touched.
      const interned = new Map<string, string>();
      const intern = (v: unknown): string => {
        const s = v === null || v === undefined ? '' : String(v);
        const hit = interned.get(s);
        if (hit !== undefined) return hit;
        interned.set(s, s);
        return s;
      };
      const sql =
        'SELECT s.run_id, s.name, s.status, s.end_time - s.start_time FROM spans s' +
        (filtered ? ` WHERE s.run_id IN (SELECT r.run_id FROM runs r WHERE ${where.sql})` : '');
      this.snap.each(sql, filtered ? where.params : undefined, (row) => {
        const summary: SpanSummary = { runId: intern(row[0]), name: intern(row[1]), status: status(row[2]) };
        const d = row[3];
        if (typeof d === 'number') summary.durationMs = secondsToMs(d);
        out.push(summary);
      });
    }
    for (const s of this.spanlessRunSpans(where)) {
      const summary: SpanSummary = { runId: s.runId, name: s.name, status: s.status };
      if (s.durationMs !== undefined) summary.durationMs = s.durationMs;
      out.push(summary);
    }
    return out;
  }

  async spanGroups(query: SpanSummaryQuery = {}): Promise<SpanNameGroup[]> {
    const { filtered, where } = this.summaryFilter(query);
    const grouper = new SpanGrouper();
    if (this.schema.spans) {
      // The one full scan of the biggest table: three columns, no run id, the status as a
      // number for Flujo's own words, and no object per row.
      const code = statusCodeCache();
      const sql =
        `SELECT s.name, ${statusCodeSql('s.status')}, s.end_time - s.start_time FROM spans s` +
        (filtered ? ` WHERE s.run_id IN (SELECT r.run_id FROM runs r WHERE ${where.sql})` : '');
      this.snap.each(sql, filtered ? where.params : undefined, (row) => {
        const n = row[0];
        const d = row[2];
        grouper.addCode(
          typeof n === 'string' ? n : n === null || n === undefined ? '' : String(n),
          code(row[1]),
          typeof d === 'number' ? secondsToMs(d) : undefined,
        );
      });
    }
    for (const s of this.spanlessRunSpans(where)) grouper.add(s.name, s.status, s.durationMs);
    return grouper.groups();
  }

  private summaryFilter(query: SpanSummaryQuery): { filtered: boolean; where: Where } {
    return {
      filtered: query.pipeline !== undefined || query.sinceMs !== undefined,
      where: runFilters(this.schema, { pipeline: query.pipeline, sinceMs: query.sinceMs }),
    };
  }

  /** Spans of the runs matching `where` that Flujo stored without span rows: their trace tree or steps stand in. */
  private *spanlessRunSpans(where: Where): Generator<Span> {
    const noSpans = this.schema.spans ? ' AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.run_id = r.run_id)' : '';
    const rest: string[] = [];
    this.snap.each(`SELECT r.run_id FROM runs r WHERE ${where.sql}${noSpans}`, where.params, (row) =>
      rest.push(String(row[0])),
    );
    for (const id of rest) {
      const raws = this.otherSpans(id, this.runStartMs(id));
      this.addHistory(id, raws);
      yield* buildSpans(id, raws);
    }
  }

  scanSpans(onBatch: (docs: SearchDoc[]) => void, signal?: AbortSignal, runIds?: ReadonlySet<string>): Promise<void> {
    const spanless = (ids?: readonly string[]): Iterable<Span> => this.spanlessOf(ids);
    const history = (ids?: readonly string[]): Iterable<Span> => this.historySpansOf(ids);
    return scanFlujoSpans(this.snap, this.schema.spans, (ids) => concat(spanless(ids), history(ids)), onBatch, signal, runIds);
  }

  private *spanlessOf(ids?: readonly string[]): Generator<Span> {
    if (!ids) {
      yield* this.spanlessRunSpans({ sql: '1', params: [] });
      return;
    }
    for (const part of chunks([...ids])) yield* this.spanlessRunSpans({ sql: `r.run_id IN (${marks(part)})`, params: part });
  }

  /**
   * Per run: its record (status, timestamps, error, …) and its span rows' count and highest
   * rowid. Flujo only inserts span rows (save_spans; save_trace deletes a run's rows and
   * inserts them again), so those move with every change — except a re-save of the newest
   * run with as many spans, which can reuse its rowids: a running run's versions therefore
   * also sum its span rows' contents. A run without span rows is versioned by its trace row
   * (INSERT OR REPLACE gives it a new rowid) and its steps.
   */
  async runVersions(): Promise<Map<string, string>> {
    const v = new Map<string, string>();
    const running: string[] = [];
    for (let afterId = ''; ; ) {
      const page = selectRunRecords(this.snap, this.schema, { afterId, limit: LIST_PAGE });
      for (const [id, record, rawStatus] of page) {
        v.set(id, record);
        if (statusOfRaw(rawStatus) === 'running') running.push(id);
      }
      await nextTurn();
      if (page.length < LIST_PAGE) break;
      afterId = page[page.length - 1]![0];
    }
    const add = (id: unknown, part: string): void => {
      const key = String(id ?? '');
      v.set(key, (v.get(key) ?? '') + part);
    };
    const withSpans = new Set<string>();
    if (this.schema.spans) {
      // Keyset pages over idx_spans_run_id, a turn between them: a million rows take a while.
      let after = '';
      for (;;) {
        let n = 0;
        this.snap.each(
          'SELECT run_id, COUNT(*), MAX(rowid) FROM spans WHERE run_id > ? GROUP BY run_id ORDER BY run_id LIMIT ?',
          [after, VERSION_PAGE],
          ([id, count, max]) => {
            n++;
            after = String(id);
            withSpans.add(after);
            add(id, `|s${String(count)}:${String(max)}`);
          },
        );
        if (n < VERSION_PAGE) break;
        await nextTurn();
      }
      for (const part of chunks(running.filter((id) => withSpans.has(id)))) {
        this.snap.each(
          `SELECT run_id, TOTAL(end_time), TOTAL(length(status)), TOTAL(length(attributes)) FROM spans WHERE run_id IN (${marks(part)}) GROUP BY run_id`,
          part,
          ([id, ends, statuses, attrs]) => add(id, `|c${String(ends)}:${String(statuses)}:${String(attrs)}`),
        );
      }
    }
    const spanless = [...v.keys()].filter((id) => !withSpans.has(id));
    const col = this.schema.traceColumn;
    for (const part of chunks(spanless)) {
      if (col) {
        this.snap.each(`SELECT run_id, rowid, length(${col}) FROM traces WHERE run_id IN (${marks(part)})`, part, ([id, rowid, len]) =>
          add(id, `|t${String(rowid)}:${String(len)}`),
        );
      }
      if (this.schema.steps) {
        this.snap.each(
          `SELECT run_id, COUNT(*), MAX(rowid) FROM steps WHERE run_id IN (${marks(part)}) GROUP BY run_id`,
          part,
          ([id, n, max]) => add(id, `|p${String(n)}:${String(max)}`),
        );
      }
    }
    return v;
  }

  async close(): Promise<void> {
    this.snap.close();
  }

  /** A page of run rows → Runs, with span counts, durations and errors read for that page only. */
  private async complete(rows: RunRow[]): Promise<Run[]> {
    // A whole store's runs take a while: the event loop gets a turn between chunks.
    const breathe = rows.length > CHUNK ? nextTurn : async (): Promise<void> => undefined;
    const extras = new Map<string, RunExtras>();
    if (this.schema.spans) {
      // Counting reads only idx_spans_run_id; span times are read only for runs whose
      // record has no duration.
      for (const ids of chunks(rows.map((r) => r.id))) {
        this.snap.each(
          `SELECT run_id, COUNT(*) FROM spans WHERE run_id IN (${marks(ids)}) GROUP BY run_id`,
          ids,
          ([id, count]) => extras.set(String(id), { spanCount: Number(count) }),
        );
        await breathe();
      }
      // Spans from step history count too, for a page of runs (a whole store's listing skips this:
      // it reads every such run's spans, as getSpans does, and search and the failure index count none).
      if (rows.length <= CHUNK) {
        for (const id of this.historyRunIds(rows.map((r) => r.id).filter((x) => extras.has(x)))) {
          const raws = this.spanRows(id);
          const n = raws.length;
          this.addHistory(id, raws);
          extras.get(id)!.spanCount += raws.length - n;
        }
      }
      // The root span's own clock: one pipeline_run row without a parent per finished run.
      const finished = rows.filter((r) => extras.has(r.id) && statusOf(r) !== 'running').map((r) => r.id);
      const roots = new Map<string, number>();
      for (const ids of chunks(finished)) {
        this.snap.each(
          `SELECT run_id, end_time - start_time FROM spans WHERE run_id IN (${marks(ids)}) ` +
            "AND (parent_span_id IS NULL OR parent_span_id = '') AND name = 'pipeline_run'",
          ids,
          ([id, d]) => {
            const key = String(id);
            const ms = typeof d === 'number' && d >= 0 ? secondsToMs(d) : NaN;
            roots.set(key, roots.has(key) ? NaN : ms); // two roots: neither is the run's clock
          },
        );
        await breathe();
      }
      for (const [id, ms] of roots) if (!Number.isNaN(ms)) extras.get(id)!.rootSpanMs = ms;
      const needTimes = rows
        .filter((r) => r.recordedDurationMs === undefined && extras.has(r.id) && statusOf(r) !== 'running')
        .map((r) => r.id);
      for (const ids of chunks(needTimes)) {
        this.snap.each(
          `SELECT run_id, MIN(start_time), MAX(end_time) FROM spans WHERE run_id IN (${marks(ids)}) GROUP BY run_id`,
          ids,
          ([id, min, max]) => {
            const e = extras.get(String(id));
            const lo = toNumber(min);
            const hi = toNumber(max);
            if (e && lo !== undefined && hi !== undefined && hi >= lo) e.durationMs = secondsToMs(hi - lo);
          },
        );
        await breathe();
      }
      const needError = rows.filter((r) => r.error === undefined && isError(r) && extras.has(r.id)).map((r) => r.id);
      for (const ids of chunks(needError)) {
        // The failed span that ended first is the innermost: its feedback is the cause,
        // the loop or pipeline spans above it repeat or wrap it.
        this.snap.each(
          `SELECT run_id, attributes FROM spans WHERE run_id IN (${marks(ids)}) ` +
            `AND LOWER(status) IN ('failed', 'error') AND attributes IS NOT NULL ` +
            'ORDER BY run_id, end_time IS NULL, end_time, start_time',
          ids,
          ([id, attrs]) => {
            const e = extras.get(String(id));
            if (!e || e.error !== undefined) return;
            const err = errorOf(parseAttributes(attrs));
            if (err) e.error = errorText(errorCause(err));
          },
        );
        await breathe();
      }
    }
    for (const r of rows) {
      if (extras.has(r.id)) continue;
      // No span rows: count (and find the error in) the trace tree or the steps.
      const raws = this.otherSpans(r.id, r.startMs);
      this.addHistory(r.id, raws);
      const spans = buildSpans(r.id, raws);
      const e: RunExtras = { spanCount: spans.length };
      let end = -Infinity;
      for (const s of spans) if (s.durationMs !== undefined) end = Math.max(end, s.startOffsetMs + s.durationMs);
      if (spans.length > 0 && end >= 0) e.durationMs = end;
      const failed = spans.filter((s) => s.error).sort((a, b) => endOf(a) - endOf(b))[0];
      if (failed?.error) e.error = errorText(errorCause(failed.error));
      extras.set(r.id, e);
    }
    return rows.map((r) => {
      const e = extras.get(r.id) ?? { spanCount: 0 };
      const own = r.error === undefined ? undefined : errorText(errorCause(errorFromFeedback(r.error)));
      const extra: { durationMs?: number; rootSpanMs?: number; error?: string } = {};
      if (e.durationMs !== undefined) extra.durationMs = e.durationMs;
      if (e.rootSpanMs !== undefined) extra.rootSpanMs = e.rootSpanMs;
      const error = own ?? (isError(r) ? e.error : undefined);
      if (error !== undefined) extra.error = error;
      return toRun(this.id, { ...r, error: undefined }, e.spanCount, extra);
    });
  }

  private spanRows(runId: string): RawSpan[] {
    if (!this.schema.spans) return [];
    const raws: RawSpan[] = [];
    this.snap.each(
      'SELECT span_id, parent_span_id, name, start_time, end_time, status, attributes FROM spans ' +
        'WHERE run_id = ? ORDER BY start_time, rowid',
      [runId],
      (row) => raws.push(rawFromSpanRow(row)),
    );
    return raws;
  }

  /** A run without span rows: its trace tree (traces table), else its steps rows. */
  private otherSpans(runId: string, runStartMs: number | undefined): RawSpan[] {
    const col = this.schema.traceColumn;
    if (col) {
      let text: unknown;
      this.snap.each(`SELECT ${col} FROM traces WHERE run_id = ?`, [runId], (row) => {
        text = row[0];
      });
      const raws = rawFromTraceText(text);
      if (raws.length > 0) return raws;
    }
    if (this.schema.steps) return readStepSpans(this.snap, this.schema.steps, runId, runStartMs);
    return [];
  }

  private runStartMs(runId: string): number | undefined {
    const rows = selectRuns(this.snap, this.schema, { sql: 'r.run_id = ?', params: [runId] });
    return rows[0]?.startMs;
  }

  private runExists(runId: string): boolean {
    let found = false;
    this.snap.each('SELECT 1 FROM runs WHERE run_id = ? LIMIT 1', [runId], () => {
      found = true;
    });
    return found;
  }
}

function isError(r: RunRow): boolean {
  return statusOf(r) === 'error';
}

const statusOfRaw = statusCache();
function statusOf(r: RunRow): Status {
  return statusOfRaw(r.rawStatus);
}

function endOf(s: Span): number {
  return s.startOffsetMs + (s.durationMs ?? Infinity);
}

function* concat<T>(a: Iterable<T>, b: Iterable<T>): Generator<T> {
  yield* a;
  yield* b;
}

function marks(ids: readonly SqlParam[]): string {
  return ids.map(() => '?').join(', ');
}

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}
