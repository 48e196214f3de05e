/**
 * Engine work done next to a store (StoreOps): in the worker for a store opened there, in the
 * caller's thread for any other. Only the result crosses to the extension host.
 */
import { nameRunStats, ownFailures } from '../analysis/failures';
import { collectFailureCandidates } from '../analysis/similar';
import { computeLayout } from '../analysis/timeline/layout';
import { buildSpanTree } from '../analysis/tree';
import { diffRuns } from '../analysis/diff/align';
import type { Run, Span } from '../model/types';
import { withoutChildren } from '../model/walk';
import { StoreError, type SpanSummaryQuery, type TraceStore } from '../sources/types';
import type { FlatTimelineLayout, RunsCompared, StoreOp, StoreOps } from './protocol';

type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

export function storeOps(store: TraceStore): Async<StoreOps> {
  return {
    nameRunStats: async (query?: SpanSummaryQuery) => nameRunStats(await store.spanSummaries(query)),
    ownFailures: async (runId: string) => ownFailures(await store.getSpans(runId)),
    timelineLayout: async (runId: string): Promise<FlatTimelineLayout> => {
      const layout = computeLayout(buildSpanTree(await store.getSpans(runId)));
      const spans: Span[] = new Array<Span>(layout.spans.length);
      for (let i = 0; i < layout.spans.length; i++) spans[i] = withoutChildren(layout.spans[i]!);
      return { ...layout, spans };
    },
    span: async (runId: string, spanId: string) => (await store.getSpans(runId)).find((s) => s.id === spanId),
    failureCandidates: () => collectFailureCandidates(store),
  };
}

/**
 * Two runs read (the newest reading of each; a run no longer listed keeps `fallback`) and aligned
 * by path of names (analysis/diff): what the Compare tab shows.
 */
export async function compareRuns(
  a: { store: TraceStore; runId: string; fallback?: Run },
  b: { store: TraceStore; runId: string; fallback?: Run },
): Promise<RunsCompared> {
  const read = async (side: typeof a): Promise<{ run: Run; spans: Span[] }> => {
    const found = (await side.store.findRuns(side.runId)).find((r) => r.id === side.runId) ?? side.fallback;
    if (!found) throw new StoreError(`${side.store.id}: no run with id '${side.runId}'`, side.store.id);
    return { run: found, spans: await side.store.getSpans(side.runId) };
  };
  const [ra, rb] = await Promise.all([read(a), read(b)]);
  return { diff: diffRuns(ra.run, ra.spans, rb.run, rb.spans) };
}

/** An op named in a message, with its arguments as they arrived. */
export function runStoreOp(store: TraceStore, op: StoreOp, args: readonly unknown[]): Promise<unknown> {
  const ops = storeOps(store);
  switch (op) {
    case 'nameRunStats':
      return ops.nameRunStats(args[0] as SpanSummaryQuery | undefined);
    case 'ownFailures':
      return ops.ownFailures(String(args[0]));
    case 'timelineLayout':
      return ops.timelineLayout(String(args[0]));
    case 'span':
      return ops.span(String(args[0]), String(args[1]));
    case 'failureCandidates':
      return ops.failureCandidates();
  }
}
