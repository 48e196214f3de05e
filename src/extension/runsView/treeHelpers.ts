/**
 * Small span-tree helpers for the Runs view. Pure (no 'vscode'): unit-tested.
 */
import { pushAll } from '../../model/arrays';
import type { SpanNode } from '../../model/types';

export { nodesOnErrorPaths } from '../../analysis/tree';
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
