import type { Attributes, Run } from '../../model/types';
import type { SqliteSnapshot, SqlParam } from '../../sqlite/snapshot';
import type { RunQuery } from '../types';
import type { FlujoSchema } from './schema';
import { normalizeStatus, statusClause } from './status';
import { parseWallClock, toAttributeValue, toNumber } from './values';

/** runs / workflow_state columns shown as run attributes (the big context blobs are left out). */
const RUN_COLUMNS = [
  'pipeline_id', 'pipeline_version', 'created_at', 'updated_at', 'start_time', 'end_time',
  'execution_time_ms', 'memory_usage_mb', 'total_steps', 'total_cost', 'error_message',
];
const WS_COLUMNS = [
  'execution_time_ms', 'error_message', 'current_step_index', 'total_steps', 'memory_usage_mb',
  'parent_run_id', 'task_id', 'is_background_task', 'background_error',
];

/** A `runs` row as the listing query returns it, before span counts are known. */
export interface RunRow {
  id: string;
  name: string;
  rawStatus: string;
  startMs?: number;
  /** Duration from the run's own record, when it has one. */
  recordedDurationMs?: number;
  error?: string;
  attributes: Attributes;
}

export interface Where {
  sql: string;
  params: SqlParam[];
}

/** The run filters of a query as SQL over `r` (runs) and `ws` (workflow_state). */
export function runFilters(schema: FlujoSchema, q: Pick<RunQuery, 'status' | 'pipeline' | 'sinceMs'>): Where {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  if (q.status !== undefined) {
    const c = statusClause(schema.statusExpr, q.status);
    parts.push(c.sql);
    params.push(...c.params);
  }
  if (q.pipeline !== undefined) {
    if (schema.runsColumns.has('pipeline_name')) {
      parts.push('r.pipeline_name = ?');
      params.push(q.pipeline);
    } else {
      parts.push('0');
    }
  }
  if (q.sinceMs !== undefined && Number.isFinite(q.sinceMs)) {
    // julianday() reads every spelling Flujo wrote (ISO with zone, naive, 'YYYY-MM-DD HH:MM:SS').
    parts.push(`julianday(${schema.startExpr}) >= julianday(?)`);
    params.push(new Date(q.sinceMs).toISOString());
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1', params };
}

export function fromRuns(schema: FlujoSchema): string {
  return schema.workflowState ? 'runs r LEFT JOIN workflow_state ws ON ws.run_id = r.run_id' : 'runs r';
}

/** Runs matching `where`, newest first, one page: only `runs` (and workflow_state) are read. */
export function selectRuns(
  snap: SqliteSnapshot,
  schema: FlujoSchema,
  where: Where,
  page: { limit?: number; offset?: number } = {},
): RunRow[] {
  const runCols = RUN_COLUMNS.filter((c) => schema.runsColumns.has(c));
  const wsCols = schema.workflowState ? WS_COLUMNS.filter((c) => schema.wsColumns.has(c)) : [];
  const select = [
    'r.run_id',
    schema.runsColumns.has('pipeline_name') ? 'r.pipeline_name' : 'NULL',
    `${schema.statusExpr}`,
    schema.runsColumns.has('status') ? 'r.status' : 'NULL',
    schema.startExpr,
    ...runCols.map((c) => `r.${c}`),
    ...wsCols.map((c) => `ws.${c}`),
  ];
  const params = [...where.params];
  let sql =
    `SELECT ${select.join(', ')} FROM ${fromRuns(schema)} WHERE ${where.sql} ` +
    `ORDER BY ${schema.newestFirst}`;
  const limit = page.limit !== undefined && page.limit >= 0 ? Math.floor(page.limit) : undefined;
  const offset = page.offset !== undefined && page.offset > 0 ? Math.floor(page.offset) : 0;
  if (limit !== undefined || offset > 0) {
    sql += ' LIMIT ? OFFSET ?';
    params.push(limit ?? -1, offset);
  }
  const out: RunRow[] = [];
  snap.each(sql, params, (row) => {
    const [id, name, status, runsStatus, start] = row;
    const runVals = row.slice(5, 5 + runCols.length);
    const wsVals = row.slice(5 + runCols.length);
    const attributes: Attributes = {};
    const get = (col: string): unknown => {
      const ri = runCols.indexOf(col);
      const wi = wsCols.indexOf(col);
      const rv = ri >= 0 ? runVals[ri] : null;
      return rv !== null && rv !== undefined && rv !== '' ? rv : wi >= 0 ? wsVals[wi] : null;
    };
    for (const col of new Set([...runCols, ...wsCols])) {
      const v = get(col);
      if (v !== null && v !== undefined && v !== '') attributes[col] = toAttributeValue(v);
    }
    if (attributes['is_background_task'] === 0) delete attributes['is_background_task'];
    const rawStatus = status === null || status === undefined ? '' : String(status);
    if (runsStatus !== null && runsStatus !== undefined && String(runsStatus) !== rawStatus) {
      attributes['runs.status'] = String(runsStatus);
    }
    const startMs = parseWallClock(start);
    const r: RunRow = {
      id: String(id),
      name: name === null || name === undefined ? '' : String(name),
      rawStatus,
      attributes,
    };
    if (startMs !== undefined) r.startMs = startMs;
    const d = recordedDuration(normalizeStatus(rawStatus), startMs, get);
    if (d !== undefined) r.recordedDurationMs = d;
    const err = get('error_message') ?? get('background_error');
    if (typeof err === 'string' && err.trim() !== '') r.error = err;
    out.push(r);
  });
  return out;
}

/**
 * A page of runs' records (by run id, after `afterId`) as one text per run, without parsing a
 * value: what runVersions compares (the columns selectRuns reads, so any change a Run would
 * show moves it).
 */
export function selectRunRecords(
  snap: SqliteSnapshot,
  schema: FlujoSchema,
  page: { afterId: string; limit: number },
): Array<[id: string, record: string, rawStatus: string]> {
  const runCols = RUN_COLUMNS.filter((c) => schema.runsColumns.has(c));
  const wsCols = schema.workflowState ? WS_COLUMNS.filter((c) => schema.wsColumns.has(c)) : [];
  const select = [
    'r.run_id',
    schema.statusExpr,
    schema.runsColumns.has('pipeline_name') ? 'r.pipeline_name' : 'NULL',
    schema.runsColumns.has('status') ? 'r.status' : 'NULL',
    schema.startExpr,
    ...runCols.map((c) => `r.${c}`),
    ...wsCols.map((c) => `ws.${c}`),
  ];
  const out: Array<[string, string, string]> = [];
  const sql = `SELECT ${select.join(', ')} FROM ${fromRuns(schema)} WHERE r.run_id > ? ORDER BY r.run_id LIMIT ?`;
  snap.each(sql, [page.afterId, page.limit], (row) => {
    out.push([String(row[0]), row.join('\u0001'), row[1] === null || row[1] === undefined ? '' : String(row[1])]);
  });
  return out;
}

/**
 * The run's duration from its own record: execution_time_ms (workflow_state has it;
 * Flujo's save_run_end leaves the runs column empty), else end_time (older stores),
 * else updated_at of a finished run (save_run_end stamps it at the end).
 */
function recordedDuration(
  status: ReturnType<typeof normalizeStatus>,
  startMs: number | undefined,
  get: (col: string) => unknown,
): number | undefined {
  if (status === 'running') return undefined;
  const exec = toNumber(get('execution_time_ms'));
  if (exec !== undefined && exec >= 0) return exec;
  if (startMs === undefined) return undefined;
  const end = parseWallClock(get('end_time'));
  if (end !== undefined && end >= startMs) return end - startMs;
  if (status === 'ok' || status === 'error') {
    const updated = parseWallClock(get('updated_at'));
    if (updated !== undefined && updated > startMs) return updated - startMs;
  }
  return undefined;
}

export function toRun(
  store: string,
  row: RunRow,
  spanCount: number,
  extra: { durationMs?: number; rootSpanMs?: number; error?: string },
): Run {
  const run: Run = {
    id: row.id,
    store,
    name: row.name,
    status: normalizeStatus(row.rawStatus),
    rawStatus: row.rawStatus,
    spanCount,
    attributes: row.attributes,
  };
  if (row.startMs !== undefined) run.startMs = row.startMs;
  // The pipeline_run span is Flujo's own clock; the record's end is stamped a little later (save_run_end).
  if (run.status !== 'running') {
    if (extra.rootSpanMs !== undefined) {
      run.durationMs = extra.rootSpanMs;
      run.durationClock = 'root-span';
      if (row.recordedDurationMs !== undefined) run.recordDurationMs = row.recordedDurationMs;
    } else if (row.recordedDurationMs !== undefined) {
      run.durationMs = row.recordedDurationMs;
      run.durationClock = 'record';
    } else if (extra.durationMs !== undefined) {
      run.durationMs = extra.durationMs;
      run.durationClock = 'spans';
    }
  }
  const error = row.error ?? extra.error;
  if (error !== undefined) run.error = error;
  return run;
}
