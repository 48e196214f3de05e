import type { SqliteSnapshot } from '../../sqlite/snapshot';
import { StoreError } from '../types';

/**
 * Which of Flujo's tables and columns this store has. Flujo's schema moved:
 * before 2025-07-15 `runs.start_time` and `traces.trace_json`, no `spans`; since,
 * `runs.created_at`, `traces.trace_data` and `spans`, and migrated stores carry both
 * (`created_at` then defaults to ''). Every query is built from what is present.
 */
export interface FlujoSchema {
  spans: boolean;
  /** The trace-tree JSON column of `traces`, when the table exists. */
  traceColumn?: 'trace_data' | 'trace_json';
  steps?: StepsShape;
  /** workflow_state joined for its status (Flujo's list_runs does the same). */
  workflowState: boolean;
  runsColumns: Set<string>;
  wsColumns: Set<string>;
  /** SQL for the run's wall-clock start text, over `r` (runs). */
  startExpr: string;
  /** SQL for the run's raw status word, over `r` and `ws`. */
  statusExpr: string;
  /** ORDER BY for newest first. */
  newestFirst: string;
}

export interface StepsShape {
  columns: Set<string>;
  /** Legacy steps rows carry start/end text and error_blob; current ones only created_at. */
  legacy: boolean;
}

export function readSchema(snap: SqliteSnapshot): FlujoSchema {
  const tables = snap.tables();
  const runsColumns = tables.has('runs') ? snap.columns('runs') : new Set<string>();
  const spans = tables.has('spans') && hasAll(snap.columns('spans'), ['run_id', 'span_id', 'start_time']);
  let traceColumn: FlujoSchema['traceColumn'];
  if (tables.has('traces')) {
    const cols = snap.columns('traces');
    if (cols.has('trace_data')) traceColumn = 'trace_data';
    else if (cols.has('trace_json')) traceColumn = 'trace_json';
  }
  let steps: StepsShape | undefined;
  if (tables.has('steps')) {
    const columns = snap.columns('steps');
    if (columns.has('run_id') && columns.has('step_name')) steps = { columns, legacy: columns.has('start_time') };
  }
  if (!runsColumns.has('run_id') || (!spans && !traceColumn && !steps)) {
    throw new StoreError(`${snap.file}: no Flujo tables (runs, spans) found — is this a flujo_ops.db?`, snap.file);
  }
  const wsColumns = tables.has('workflow_state') ? snap.columns('workflow_state') : new Set<string>();
  const workflowState = wsColumns.has('run_id') && wsColumns.has('status');

  const starts: string[] = [];
  if (runsColumns.has('created_at')) starts.push("NULLIF(r.created_at, '')");
  if (runsColumns.has('start_time')) starts.push("NULLIF(r.start_time, '')");
  const startExpr = starts.length === 0 ? 'NULL' : starts.length === 1 ? starts[0]! : `COALESCE(${starts.join(', ')})`;
  const runStatus = runsColumns.has('status') ? 'r.status' : 'NULL';
  // A HITL pause leaves runs.status 'completed' and only workflow_state says 'paused'.
  const statusExpr = workflowState ? `COALESCE(ws.status, ${runStatus})` : runStatus;

  // A current store has only created_at, always isoformat() UTC text, which sorts as time:
  // ordering by it walks idx_runs_created_at and a LIMIT stops early. Older or migrated
  // stores mix spellings (or leave created_at ''), so they sort by julianday().
  const newestFirst =
    runsColumns.has('created_at') && !runsColumns.has('start_time')
      ? 'r.created_at DESC, r.rowid DESC'
      : `julianday(${startExpr}) IS NULL, julianday(${startExpr}) DESC, r.rowid DESC`;

  return { spans, traceColumn, steps, workflowState, runsColumns, wsColumns, startExpr, statusExpr, newestFirst };
}

function hasAll(cols: Set<string>, names: string[]): boolean {
  return names.every((n) => cols.has(n));
}
