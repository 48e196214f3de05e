/**
 * Small span-tree helpers for the Runs view. Pure (no 'vscode'): unit-tested.
 */
import { pushAll } from '../../model/arrays';
import type { SpanNode } from '../../model/types';

/**
 * The nodes that are failed or have a failed descendant: the view opens these so a
 * failed run shows the path to its failing step at once. Iterative (deep loops).
 */
export function nodesOnErrorPaths(roots: readonly SpanNode[]): Set<SpanNode> {
  const out = new Set<SpanNode>();
  // Post-order without recursion: visit children before deciding about the parent.
  const stack: Array<[SpanNode, boolean]> = roots.map((r) => [r, false]);
  while (stack.length > 0) {
    const [n, childrenDone] = stack.pop()!;
    if (!childrenDone) {
      stack.push([n, true]);
      for (const c of n.children) stack.push([c, false]);
      continue;
    }
    if (n.status === 'error' || n.children.some((c) => out.has(c))) out.add(n);
  }
  return out;
}

export { withoutChildren } from '../../model/walk';

/** The span with `id` anywhere under `roots`, without recursion (span trees can be deep). */
export function findSpanNode(roots: readonly SpanNode[], id: string): SpanNode | undefined {
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.id === id) return n;
    pushAll(stack, n.children);
  }
  return undefined;
}
