/**
 * How many runs a query lists: the store's own count where it has one (a SQL COUNT, a pass over
 * its run table), else the listing's length.
 */
import type { RunQuery, TraceStore } from './types';

export async function countRuns(store: TraceStore, query: RunQuery = {}): Promise<number> {
  return store.countRuns ? store.countRuns(query) : (await store.listRuns(query)).length;
}

/** What a count of `matching` runs is after a query's offset and limit (as listRuns pages them). */
export function pagedCount(matching: number, query: Pick<RunQuery, 'offset' | 'limit'>): number {
  const offset = query.offset !== undefined && query.offset > 0 ? Math.floor(query.offset) : 0;
  let n = Math.max(0, matching - offset);
  if (query.limit !== undefined) n = Math.min(n, Math.max(0, Math.floor(query.limit)));
  return n;
}
