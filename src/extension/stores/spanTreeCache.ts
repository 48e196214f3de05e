/**
 * Span forests of runs, kept per (store, store version, run): expanding a few runs back and forth
 * stays instant. A new version of a store never meets an older version's trees; `invalidate`
 * frees them. No 'vscode'.
 */
import { buildSpanTree } from '../../analysis/tree';
import type { Span, SpanNode } from '../../model/types';

/** Trees kept, least recently used dropped first. */
export const SPAN_TREE_CACHE = 24;

interface Cached {
  storeId: string;
  version: number;
  tree: Promise<SpanNode[]>;
}

export class SpanTreeCache {
  /** Map order is the LRU order. */
  private readonly trees = new Map<string, Cached>();

  constructor(private readonly capacity = SPAN_TREE_CACHE) {}

  /** The forest of one run at `version` of the store: cached, or built from `readSpans`. A failed read is not kept. */
  get(storeId: string, version: number, runId: string, readSpans: () => Promise<Span[]>): Promise<SpanNode[]> {
    const key = `${version}\u0000${storeId}\u0000${runId}`;
    const hit = this.trees.get(key);
    if (hit) {
      this.trees.delete(key);
      this.trees.set(key, hit);
      return hit.tree;
    }
    const tree = readSpans().then(buildSpanTree);
    const cached = { storeId, version, tree };
    tree.catch(() => {
      if (this.trees.get(key) === cached) this.trees.delete(key);
    });
    this.trees.set(key, cached);
    while (this.trees.size > this.capacity) this.trees.delete(this.trees.keys().next().value!);
    return tree;
  }

  /** Forgets a store's trees, except those of `keepVersion` (its current, still open, version). */
  invalidate(storeId: string, keepVersion?: number): void {
    for (const [k, c] of [...this.trees]) if (c.storeId === storeId && c.version !== keepVersion) this.trees.delete(k);
  }

  get size(): number {
    return this.trees.size;
  }

  clear(): void {
    this.trees.clear();
  }
}
