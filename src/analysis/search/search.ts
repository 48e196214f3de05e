/**
 * Search over trace stores: building a store's index from a bulk scan, and querying one or
 * several indexes (the picker searches every loaded store at once).
 */
import { pushAll } from '../../model/arrays';
import type { Run } from '../../model/types';
import { spanToDoc } from '../../sources/searchDoc';
import type { SearchDoc, TraceStore } from '../../sources/types';
import { nextTurn, SCAN_BATCH_SPANS, throwIfAborted } from '../../sources/scanTurn';
import { IndexBuilder, SearchIndex, type SearchOptions, type SearchResult } from './index';
import { parseQuery, type ParsedQuery } from './query';
import type { SearchHit } from './rank';

/**
 * Every span of a store (or of `runIds` only), in batches: the reader's own bulk scan where
 * it has one, else each run's spans one run at a time (`runs`: the runs to read).
 */
export async function scanStore(
  store: TraceStore,
  runs: readonly Run[],
  onBatch: (docs: SearchDoc[]) => void,
  signal?: AbortSignal,
  runIds?: ReadonlySet<string>,
): Promise<void> {
  if (store.scanSpans) return store.scanSpans(onBatch, signal, runIds);
  let batch: SearchDoc[] = [];
  for (const run of runs) {
    throwIfAborted(signal);
    if (runIds && !runIds.has(run.id)) continue;
    for (const s of await store.getSpans(run.id)) batch.push(spanToDoc(run, s));
    if (batch.length >= SCAN_BATCH_SPANS) {
      onBatch(batch);
      batch = [];
      await nextTurn();
    }
  }
  if (batch.length > 0) onBatch(batch);
}

export interface BuildOptions {
  signal?: AbortSignal;
  /** Called with the spans indexed so far, after each batch. */
  onProgress?: (spans: number) => void;
  /**
   * False for an index searched once and thrown away (the CLI): the run versions that
   * updateIndex needs are not read (on a Flujo store of 100,000 runs, a second pass over them).
   */
  updatable?: boolean;
}

/** Reads a store once into a SearchIndex: its runs (listRuns), then all its spans. */
export async function buildIndex(store: TraceStore, opts: BuildOptions = {}): Promise<SearchIndex> {
  // Versions first: whatever changes while the scan runs shows up as a moved version next time.
  const versions = store.runVersions && opts.updatable !== false ? await store.runVersions() : undefined;
  const runs = await store.listRuns();
  throwIfAborted(opts.signal);
  const b = await readInto(store, runs, undefined, opts);
  return b.finish(versions, opts.signal);
}

/** A builder holding `runs` and the spans of the store (or of `runIds` only). */
async function readInto(store: TraceStore, runs: readonly Run[], runIds: ReadonlySet<string> | undefined, opts: BuildOptions): Promise<IndexBuilder> {
  const b = new IndexBuilder(store.id, store.format);
  b.addRuns(runs);
  let n = 0;
  const onBatch = (docs: SearchDoc[]): void => {
    b.addSpans(docs);
    n += docs.length;
    opts.onProgress?.(n);
  };
  if (runIds === undefined || runIds.size > 0) await scanStore(store, runs, onBatch, opts.signal, runIds);
  throwIfAborted(opts.signal);
  return b;
}

/** When an update is a whole rebuild instead: this share of runs changed, or this many segments or dead documents piled up. */
const REBUILD_CHANGED_SHARE = 0.25;
const MAX_SEGMENTS = 32;
const REBUILD_DEAD_SHARE = 0.25;

/** What changed in a store since its index was built: the runs to read again and to drop. */
export interface IndexUpdate {
  versions: ReadonlyMap<string, string>;
  /** Runs new or changed: read again. */
  changed: ReadonlySet<string>;
  /** `changed` plus runs gone from the store: their old documents are dropped. */
  replaced: ReadonlySet<string>;
}

/**
 * How to bring `old` up to date with `store`: `'rebuild'` (the store has no run versions,
 * most of it changed, or the index has piled up segments or dead documents), `undefined`
 * (nothing changed), else the runs whose version (TraceStore.runVersions) moved.
 */
export async function planUpdate(old: SearchIndex, store: TraceStore, signal?: AbortSignal): Promise<IndexUpdate | 'rebuild' | undefined> {
  const before = old.versions;
  if (!store.runVersions || !before || old.store !== store.id || old.format !== store.format) return 'rebuild';
  const versions = await store.runVersions();
  throwIfAborted(signal);
  const changed = new Set<string>();
  for (const [id, v] of versions) if (before.get(id) !== v) changed.add(id);
  const replaced = new Set(changed);
  for (const id of before.keys()) if (!versions.has(id)) replaced.add(id);
  if (replaced.size === 0) return undefined;
  const docs = old.spanCount + old.runCount;
  if (
    changed.size > REBUILD_CHANGED_SHARE * Math.max(versions.size, 1) ||
    old.segmentCount >= MAX_SEGMENTS ||
    old.deadDocs > REBUILD_DEAD_SHARE * Math.max(docs, 1)
  ) {
    return 'rebuild';
  }
  return { versions, changed, replaced };
}

/**
 * `old` with the planned runs read again into a new segment and the replaced ones dropped.
 * `old` is left as it was, so it keeps answering queries meanwhile.
 */
export async function applyUpdate(old: SearchIndex, store: TraceStore, update: IndexUpdate, opts: BuildOptions = {}): Promise<SearchIndex> {
  const ids = [...update.changed];
  const runs = ids.length === 0 ? [] : (await store.listRuns({ ids })).filter((r) => update.changed.has(r.id));
  const b = await readInto(store, runs, update.changed, opts);
  return old.withSegment(await b.segment(opts.signal), update.replaced, update.versions);
}

export interface UpdateResult {
  index: SearchIndex;
  /** Runs read again or dropped; 0 when nothing changed. */
  changedRuns: number;
  /** Whether the store was indexed again whole. */
  rebuilt: boolean;
}

/** `old` brought up to date with `store` (planUpdate, then applyUpdate or buildIndex). */
export async function updateIndex(old: SearchIndex, store: TraceStore, opts: BuildOptions = {}): Promise<UpdateResult> {
  const plan = await planUpdate(old, store, opts.signal);
  if (plan === undefined) return { index: old, changedRuns: 0, rebuilt: false };
  if (plan === 'rebuild') {
    const index = await buildIndex(store, opts);
    return { index, changedRuns: index.runCount, rebuilt: true };
  }
  return { index: await applyUpdate(old, store, plan, opts), changedRuns: plan.replaced.size, rebuilt: false };
}

/** One query over several stores' indexes: each group merged by rank, `limit` per group. */
export async function searchIndexes(
  indexes: readonly SearchIndex[],
  query: string | ParsedQuery,
  opts: SearchOptions = {},
): Promise<SearchResult> {
  const q = typeof query === 'string' ? parseQuery(query) : query;
  const limit = opts.limit ?? 50;
  const out: SearchResult = { runs: [], spans: [], totalRuns: 0, totalSpans: 0, hints: q.hints };
  for (const ix of indexes) {
    throwIfAborted(opts.signal);
    const r = await ix.search(q, opts);
    pushAll(out.runs, r.runs);
    pushAll(out.spans, r.spans);
    out.totalRuns += r.totalRuns;
    out.totalSpans += r.totalSpans;
  }
  if (indexes.length > 1) {
    out.runs = rankMerge(out.runs).slice(0, limit);
    out.spans = rankMerge(out.spans).slice(0, limit);
  }
  return out;
}

/** Stable: within a store the index's order stands. */
function rankMerge(hits: SearchHit[]): SearchHit[] {
  return hits.sort((a, b) => b.score - a.score || (b.startMs ?? -Infinity) - (a.startMs ?? -Infinity));
}

export { spanToDoc };
export { SearchIndex, IndexBuilder, type SearchOptions, type SearchResult };
export { parseQuery, type ParsedQuery } from './query';
export type { SearchHit, MatchField } from './rank';
