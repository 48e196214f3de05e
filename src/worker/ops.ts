/**
 * Engine work done next to a store (StoreOps): in the worker for a store opened there, in the
 * caller's thread for any other. Only the result crosses to the extension host.
 */
import { nameRunStats, ownFailures } from '../analysis/failures';
import { collectFailureCandidates } from '../analysis/similar';
import { computeLayout } from '../analysis/timeline/layout';
import { llmTotals, type LlmTotals } from '../analysis/llmTotals';
import { buildSpanTree, nodesOnErrorPaths } from '../analysis/tree';
import { diffRuns } from '../analysis/diff/align';
import type { Run, Span, SpanNode } from '../model/types';
import { walkTree, withoutChildren } from '../model/walk';
import { StoreError, type SpanSummaryQuery, type TraceStore } from '../sources/types';
import type { FlatTimelineLayout, RunsCompared, StoreOp, StoreOps, TreePage, TreeRow, TreeStep } from './protocol';

type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

/** A run's span tree as built once for paging: nodes by id, the failed paths, the LLM totals. */
interface BuiltTree {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  parentOf: Map<SpanNode, SpanNode>;
  onErrorPath: Set<SpanNode>;
  totals: LlmTotals | null;
}

/**
 * Span trees of the runs being paged through, kept while their store is unchanged (the engine
 * service forgets a store's on refresh and close). A few runs: the ones expanded lately.
 */
export class SpanTreeCache {
  private readonly trees = new Map<string, { store: TraceStore; tree: Promise<BuiltTree> }>();

  constructor(private readonly max = 4) {}

  get(store: TraceStore, runId: string): Promise<BuiltTree> {
    const key = `${store.id}\u0000${runId}`;
    const hit = this.trees.get(key);
    if (hit && hit.store === store) {
      this.trees.delete(key);
      this.trees.set(key, hit);
      return hit.tree;
    }
    const tree = store.getSpans(runId).then((spans) => {
      const roots = buildSpanTree(spans);
      const byId = new Map<string, SpanNode>();
      const parentOf = new Map<SpanNode, SpanNode>();
      walkTree(roots, (n) => {
        byId.set(n.id, n);
        for (const c of n.children) parentOf.set(c, n);
      });
      return { roots, byId, parentOf, onErrorPath: nodesOnErrorPaths(roots), totals: llmTotals(spans) ?? null };
    });
    tree.catch(() => this.trees.delete(key));
    this.trees.set(key, { store, tree });
    while (this.trees.size > this.max) this.trees.delete(this.trees.keys().next().value!);
    return tree;
  }

  forget(store: TraceStore): void {
    for (const [k, v] of this.trees) if (v.store === store) this.trees.delete(k);
  }
}

export function storeOps(store: TraceStore, trees: SpanTreeCache = new SpanTreeCache(1)): Async<StoreOps> {
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
    treePage: async (runId: string, parentId: string | null, offset: number, limit: number): Promise<TreePage> => {
      const tree = await trees.get(store, runId);
      const parent = parentId === null ? undefined : tree.byId.get(parentId);
      const children = parentId === null ? tree.roots : (parent?.children ?? []);
      const from = Math.max(0, Math.floor(offset));
      const to = Math.min(children.length, from + Math.max(0, Math.floor(limit)));
      const rows: TreeRow[] = [];
      for (let i = from; i < to; i++) {
        const n = children[i]!;
        rows.push({ span: withoutChildren(n), childCount: n.children.length, onErrorPath: tree.onErrorPath.has(n) });
      }
      const page: TreePage = { rows, total: children.length, found: parentId === null || parent !== undefined };
      if (parentId === null) page.totals = tree.totals;
      return page;
    },
    treePath: async (runId: string, spanId: string): Promise<TreeStep[] | undefined> => {
      const tree = await trees.get(store, runId);
      const node = tree.byId.get(spanId);
      if (!node) return undefined;
      const up: TreeStep[] = [];
      for (let at: SpanNode | undefined = node; at !== undefined; ) {
        const parent: SpanNode | undefined = tree.parentOf.get(at);
        up.push({ id: at.id, index: (parent ? parent.children : tree.roots).indexOf(at) });
        at = parent;
      }
      return up.reverse();
    },
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
export function runStoreOp(store: TraceStore, op: StoreOp, args: readonly unknown[], trees?: SpanTreeCache): Promise<unknown> {
  const ops = storeOps(store, trees);
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
    case 'treePath':
      return ops.treePath(String(args[0]), String(args[1]));
    case 'treePage':
      return ops.treePage(String(args[0]), args[1] === null ? null : String(args[1]), Number(args[2]), Number(args[3]));
  }
}
