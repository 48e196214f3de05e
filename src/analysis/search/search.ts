/**
 * Search over trace stores: building a store's index from a bulk scan, and querying one or
 * several indexes (the picker searches every loaded store at once).
 */
import type { Run, Span } from '../../model/types';
import type { SearchDoc, TraceStore } from '../../sources/types';
import { abortError, IndexBuilder, SearchIndex, type SearchOptions, type SearchResult } from './index';
import { parseQuery, type ParsedQuery } from './query';
import type { SearchHit } from './rank';

/** A span as search indexes it, from the model (the fallback scan and the reference use this). */
export function spanToDoc(run: Run | undefined, span: Span): SearchDoc {
  const doc: SearchDoc = { runId: span.runId, spanId: span.id, name: span.name, status: span.status, attributes: span.attributes };
  if (span.durationMs !== undefined) doc.durationMs = span.durationMs;
  if (run?.startMs !== undefined) doc.startMs = run.startMs + span.startOffsetMs;
  if (run) doc.runName = run.name;
  if (span.error) doc.error = span.error.type ? `${span.error.type}: ${span.error.message}` : span.error.message;
  return doc;
}

/** Spans per batch of the fallback scan. */
const BATCH = 5000;

/**
 * Every span of a store, in batches: the reader's own bulk scan where it has one, else
 * every run's spans one run at a time.
 */
export async function scanStore(
  store: TraceStore,
  runs: readonly Run[],
  onBatch: (docs: SearchDoc[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (store.scanSpans) return store.scanSpans(onBatch, signal);
  let batch: SearchDoc[] = [];
  for (const run of runs) {
    if (signal?.aborted) throw abortError();
    for (const s of await store.getSpans(run.id)) batch.push(spanToDoc(run, s));
    if (batch.length >= BATCH) {
      onBatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) onBatch(batch);
}

export interface BuildOptions {
  signal?: AbortSignal;
  /** Called with the spans indexed so far, after each batch. */
  onProgress?: (spans: number) => void;
}

/** Reads a store once into a SearchIndex: its runs (listRuns), then all its spans. */
export async function buildIndex(store: TraceStore, opts: BuildOptions = {}): Promise<SearchIndex> {
  const runs = await store.listRuns();
  if (opts.signal?.aborted) throw abortError();
  const b = new IndexBuilder(store.id, store.format);
  b.addRuns(runs);
  let n = 0;
  await scanStore(
    store,
    runs,
    (docs) => {
      b.addSpans(docs);
      n += docs.length;
      opts.onProgress?.(n);
    },
    opts.signal,
  );
  if (opts.signal?.aborted) throw abortError();
  return b.finish();
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
    if (opts.signal?.aborted) throw abortError();
    const r = await ix.search(q, opts);
    out.runs.push(...r.runs);
    out.spans.push(...r.spans);
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

export { SearchIndex, IndexBuilder, type SearchOptions, type SearchResult };
export { parseQuery, type ParsedQuery } from './query';
export type { SearchHit, MatchField } from './rank';
