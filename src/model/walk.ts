import type { Span, SpanNode } from './types';

/** Calls `fn` for every node, parents before children, in tree order; iterative. */
export function walkTree(roots: SpanNode[], fn: (node: SpanNode, depth: number) => void): void {
  const stack: Array<[SpanNode, number]> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i]!, 0]);
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    fn(n, d);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, d + 1]);
  }
}

/** A span without its subtree: what a panel is given and what crosses between threads (children can be huge and deep). */
export function withoutChildren(node: Span | SpanNode): Span {
  if (!('children' in node)) return node;
  const { children: _children, ...span } = node;
  return span;
}
