/**
 * How many runs a query lists: the store's own count where it has one (a SQL COUNT, a pass over
 * its run table), else the listing's length. The paging helpers keep each reader's count equal
 * to its listing's length, odd offsets and limits included.
 */
import type { RunQuery, TraceStore } from './types';

export async function countRuns(store: TraceStore, query: RunQuery = {}): Promise<number> {
  return store.countRuns ? store.countRuns(query) : (await store.listRuns(query)).length;
}

/** Rows SQL's `LIMIT limit OFFSET offset` keeps of `n` (offset ≥ 0; no limit when undefined). */
export function windowCount(n: number, offset: number, limit: number | undefined): number {
  const rest = Math.max(0, n - offset);
  return limit === undefined ? rest : Math.min(rest, limit);
}

/** Items `items.slice(offset).slice(0, limit)` keeps of `n` (filterRuns' paging: falsy offset ignored). */
export function sliceCount(n: number, query: Pick<RunQuery, 'offset' | 'limit'>): number {
  const bound = (i: number, len: number): number => {
    const t = Math.trunc(i);
    return t < 0 ? Math.max(0, len + t) : Math.min(t, len);
  };
  let len = n;
  if (query.offset) len -= bound(query.offset, len);
  if (query.limit !== undefined) len = bound(query.limit, len);
  return len;
}
