/**
 * Engine work done next to a store (StoreOps): in the worker for a store opened there, in the
 * caller's thread for any other. Only the result crosses to the extension host.
 */
import { nameRunStats, ownFailures } from '../analysis/failures';
import { computeLayout } from '../analysis/timeline/layout';
import { buildSpanTree } from '../analysis/tree';
import type { Span } from '../model/types';
import { withoutChildren } from '../model/walk';
import type { SpanSummaryQuery, TraceStore } from '../sources/types';
import type { FlatTimelineLayout, StoreOp, StoreOps } from './protocol';

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
  };
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
  }
}
