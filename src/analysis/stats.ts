import { SpanGrouper, STATUSES, type SpanNameGroup, type SpanSummary, type Status } from '../model/types';
import type { SpanSummaryQuery, TraceStore } from '../sources/types';

export interface NameStats {
  name: string;
  /** Every span of this name, with or without a duration. */
  count: number;
  /** Over spans that have a duration; null when none has (all still running). */
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface SpanStats {
  totalSpans: number;
  /** Every status is present, zero when unseen, so consumers need no defaults. */
  byStatus: Record<Status, number>;
  /** Sorted by count (descending), then name. */
  byName: NameStats[];
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value with at
 * least p% of the values at or below it. Always a duration that really
 * occurred, never an interpolation between two.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sorted[rank - 1]!;
}

/** Summaries folded by name: what `computeStats` works from. */
export function groupSummaries(summaries: Iterable<SpanSummary>): SpanNameGroup[] {
  const grouper = new SpanGrouper();
  for (const s of summaries) grouper.add(s.name, s.status, s.durationMs);
  return grouper.groups();
}

function isGroups(input: Iterable<SpanSummary> | readonly SpanNameGroup[]): input is readonly SpanNameGroup[] {
  if (!Array.isArray(input)) return false;
  const first: unknown = input[0];
  return typeof first === 'object' && first !== null && 'durationsMs' in first && 'byStatus' in first;
}

/**
 * Counts, status breakdown and per-name duration statistics, from spans folded by name
 * (a reader's `spanGroups`) or from summaries (folded here first; they may come from a
 * generator). Per name, one typed-array sort: a million spans take a fraction of a second.
 * Percentiles are nearest-rank (see `nearestRank`); durations that are not finite numbers
 * are left out of avg/p50/p95 but the span still counts. An unexpected status counts as unset.
 */
export function computeStats(input: Iterable<SpanSummary> | readonly SpanNameGroup[]): SpanStats {
  const groups = isGroups(input) ? input : groupSummaries(input);
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const merged = new Map<string, { count: number; durations: Float64Array[] }>();
  let total = 0;
  for (const g of groups) {
    let count = 0;
    for (const s of STATUSES) {
      const n = g.byStatus[s] ?? 0;
      byStatus[s] += n;
      count += n;
    }
    total += count;
    // A reader hands each name once; tolerate repeats by merging them.
    const m = merged.get(g.name);
    if (m) {
      m.count += count;
      m.durations.push(g.durationsMs);
    } else {
      merged.set(g.name, { count, durations: [g.durationsMs] });
    }
  }

  const byName: NameStats[] = [];
  for (const [name, m] of merged) {
    const sorted = finiteSorted(m.durations);
    // Summed in ascending order, so the average never depends on the order spans were read in.
    let sum = 0;
    for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
    byName.push({
      name,
      count: m.count,
      avgMs: sorted.length > 0 ? sum / sorted.length : null,
      p50Ms: nearestRank(sorted, 50),
      p95Ms: nearestRank(sorted, 95),
    });
  }
  byName.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { totalSpans: total, byStatus, byName };
}

/** The finite values of `parts`, in a fresh ascending array (the caller's arrays are not reordered). */
function finiteSorted(parts: readonly Float64Array[]): Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let k = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const d = p[i]!;
      if (Number.isFinite(d)) out[k++] = d;
    }
  }
  return (k === n ? out : out.subarray(0, k)).sort();
}

/**
 * Stats of the spans of the runs matching `query`: from the store's spans folded by name
 * when the reader offers them (`spanGroups`), else from its summaries.
 */
export async function storeStats(store: TraceStore, query: SpanSummaryQuery = {}): Promise<SpanStats> {
  return computeStats(store.spanGroups ? await store.spanGroups(query) : await store.spanSummaries(query));
}
