/**
 * claude-flow's bulk scan and run versions for search (TraceStore.scanSpans / runVersions).
 * The reader supplies the SQL's WHERE and runs the queries; this module holds the paging
 * and the version expressions.
 */
import type { SearchDoc } from '../types';
import { SCAN_BATCH_SPANS, nextTurn, throwIfAborted } from '../scanTurn';

/** Rows per page: each carries its whole steps array, so a page stays a few MB at most. */
export const SCAN_PAGE_ROWS = 500;

/**
 * Where the next page starts: the last row's primary key (trace_id, started_at). started_at
 * travels as the server's own text for it, which reads back as the same microsecond.
 */
export interface PageKey {
  traceId: string;
  startedAt: string;
}

export interface KeyedRow {
  trace_id: string;
  page_key: string;
}

/** The keyset-page SELECT's tail: `page_key` for the next page, the primary key's order (its index serves it). */
export const PAGE_KEY_COLUMN = 'started_at::text AS page_key';
export const PAGE_ORDER = `ORDER BY trace_id::text, started_at LIMIT ${SCAN_PAGE_ROWS}`;
/** Rows after `key` in PAGE_ORDER; `$a`, `$b` are the key's parameters. */
export function afterKey(a: number, b: number): string {
  return `(trace_id::text, started_at) > ($${a}, $${b}::timestamp)`;
}

/**
 * Reads pages until one comes back short, turns each row into docs, and hands them on in
 * batches of about SCAN_BATCH_SPANS, the event loop getting a turn after each batch. Pages
 * are read one after another: asking for the next while building this one's docs was slower
 * (both parse JSON on this thread).
 */
export async function scanPages<R extends KeyedRow>(
  page: (after: PageKey | undefined) => Promise<R[]>,
  toDocs: (row: R) => SearchDoc[],
  onBatch: (docs: SearchDoc[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  let after: PageKey | undefined;
  let batch: SearchDoc[] = [];
  for (;;) {
    throwIfAborted(signal);
    const rows = await page(after);
    throwIfAborted(signal);
    for (const row of rows) {
      for (const doc of toDocs(row)) batch.push(doc);
      if (batch.length >= SCAN_BATCH_SPANS) {
        onBatch(batch);
        batch = [];
        await nextTurn();
        throwIfAborted(signal);
      }
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < SCAN_PAGE_ROWS) break;
    after = { traceId: last.trace_id, startedAt: last.page_key };
  }
  if (batch.length > 0) onBatch(batch);
}

/**
 * A row's version. `xmin` is the transaction that wrote this version of the row: every UPDATE
 * (steps appended, status or times set) writes a new one, so it moves on any change, and it is
 * read without touching the steps. status and completed_at are there for someone reading it.
 */
export const XMIN_VERSION = `concat_ws(':', xmin, status, completed_at::text)`;

/**
 * For an execution_traces without `xmin` (a view or a foreign table): what claude-flow changes
 * when it writes, the steps counted and their stored size. Costs reading every steps value.
 */
export const CONTENT_VERSION = `concat_ws(':', status, completed_at::text,
  CASE WHEN jsonb_typeof(steps) = 'array' THEN jsonb_array_length(steps) END, pg_column_size(steps))`;

export interface VersionRow {
  trace_id: string;
  version: string;
}

/**
 * Rows → run id → version. The primary key is (trace_id, started_at), so one id can have two
 * rows; listRuns lists both, and the id's version joins theirs (sorted: stable across reads).
 */
export function versionMap(rows: readonly VersionRow[]): Map<string, string> {
  const out = new Map<string, string>();
  const extra = new Map<string, string[]>();
  for (const r of rows) {
    const had = out.get(r.trace_id);
    if (had === undefined) {
      out.set(r.trace_id, r.version);
      continue;
    }
    let all = extra.get(r.trace_id);
    if (!all) extra.set(r.trace_id, (all = [had]));
    all.push(r.version);
  }
  for (const [id, all] of extra) out.set(id, all.sort().join('|'));
  return out;
}
