import type { Run, Status } from '../model/types';
import type { RunQuery } from '../sources/types';

const HOUR_MS = 3_600_000;

/** The earliest instant a Date (and so every store's time filter) can name: 271,821 BC. */
const EARLIEST_MS = -8.64e15;

/**
 * The epoch-ms cut-off for "the last `hours` hours"; fractional hours allowed. A window
 * reaching before any instant a date can name (`1e300` hours) is no cut-off: undefined.
 */
export function sinceHoursToMs(hours: number, now: number = Date.now()): number | undefined {
  const t = now - hours * HOUR_MS;
  return Number.isFinite(t) && t >= EARLIEST_MS ? t : undefined;
}

/** What a user asks for runs, as the CLI flags and the sidebar filter say it. */
export interface RunFilter {
  status?: Status;
  pipeline?: string;
  sinceHours?: number;
  limit?: number;
}

/** The store query for a user's filter, relative to `now`. */
export function toRunQuery(filter: RunFilter, now: number = Date.now()): RunQuery {
  const q: RunQuery = {};
  if (filter.status !== undefined) q.status = filter.status;
  if (filter.pipeline !== undefined) q.pipeline = filter.pipeline;
  const sinceMs = filter.sinceHours === undefined ? undefined : sinceHoursToMs(filter.sinceHours, now);
  if (sinceMs !== undefined) q.sinceMs = sinceMs;
  // A limit no store can reach is no limit; past 2^53 it would not even be an integer in SQL.
  if (filter.limit !== undefined && filter.limit <= Number.MAX_SAFE_INTEGER) q.limit = filter.limit;
  return q;
}

/** Whether `r` is one of the runs `q` asks for (its offset and limit aside); `ids` is `q.ids` as a set. */
export function runMatches(r: Run, q: RunQuery, ids: ReadonlySet<string> | undefined): boolean {
  return (
    (ids === undefined || ids.has(r.id)) &&
    (q.status === undefined || r.status === q.status) &&
    (q.pipeline === undefined || r.name === q.pipeline) &&
    (q.sinceMs === undefined || (r.startMs !== undefined && r.startMs >= q.sinceMs))
  );
}

/**
 * The same semantics as `TraceStore.listRuns`, for runs already in memory
 * (the extension's cached list): newest first, runs with no start last,
 * `sinceMs` excluding runs with no start (their age is unknown).
 */
export function filterRuns(runs: readonly Run[], q: RunQuery): Run[] {
  const ids = q.ids ? new Set(q.ids) : undefined;
  let out = runs.filter((r) => runMatches(r, q, ids));
  out.sort((a, b) => (b.startMs ?? Number.NEGATIVE_INFINITY) - (a.startMs ?? Number.NEGATIVE_INFINITY) || 0);
  if (q.offset) out = out.slice(q.offset);
  if (q.limit !== undefined) out = out.slice(0, q.limit);
  return out;
}
