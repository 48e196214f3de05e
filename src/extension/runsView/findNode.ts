import type * as vscode from 'vscode';
import type { SpanNode } from '../../model/types';
import { log, errorMessage } from '../log';
import type { StoreEntry } from '../stores/storeRegistry';
import { RunNode, SpanItemNode, type ViewNode } from './nodes';
import type { RunsTreeProvider } from './runsTreeProvider';

/** The ids from a top-level span down to `spanId` (one pass over the run, no recursion); undefined when absent. */
function pathTo(roots: readonly SpanNode[], spanId: string): SpanNode[] | undefined {
  const parentOf = new Map<SpanNode, SpanNode | undefined>();
  const stack: SpanNode[] = [];
  for (const r of roots) {
    parentOf.set(r, undefined);
    stack.push(r);
  }
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.id === spanId) {
      const path: SpanNode[] = [];
      for (let at: SpanNode | undefined = n; at !== undefined; at = parentOf.get(at)) path.push(at);
      return path.reverse();
    }
    for (const c of n.children) {
      parentOf.set(c, n);
      stack.push(c);
    }
  }
  return undefined;
}

/**
 * The Runs view's node for a run, or for a span of it, walking down from its store along the
 * branch that holds the span, paging in the children where it sits past a "Load more…".
 * Undefined when the run is not listed (filter, paging).
 */
export async function findTreeNode(
  provider: RunsTreeProvider,
  entry: StoreEntry,
  runId: string,
  spanId?: string,
): Promise<RunNode | SpanItemNode | undefined> {
  const runs = await provider.storeNode(entry).getChildren();
  const runNode = runs.find((n): n is RunNode => n instanceof RunNode && n.run.id === runId);
  if (!runNode || spanId === undefined) return runNode;
  const path = pathTo(await provider.registry.getSpanTree(entry, runId), spanId);
  if (!path) return undefined;
  let parent: RunNode | SpanItemNode = runNode;
  let siblings: readonly SpanNode[] = await provider.registry.getSpanTree(entry, runId);
  let grew = false;
  for (const want of path) {
    if (provider.showChild(parent.id, siblings.indexOf(want))) grew = true;
    const level: ViewNode[] = await parent.getChildren();
    const hit = level.find((n): n is SpanItemNode => n instanceof SpanItemNode && (n.span === want || n.span.id === want.id));
    if (!hit) return undefined;
    parent = hit;
    siblings = want.children;
  }
  // A page was added on the way down: the view lists it before revealing the span there.
  if (grew) provider.refreshStore(entry);
  return parent as SpanItemNode;
}

/** Selects a run or span in the Runs view when it is listed there; never fails the caller. */
export async function revealInRunsView(
  provider: RunsTreeProvider,
  view: vscode.TreeView<ViewNode>,
  entry: StoreEntry,
  runId: string,
  spanId?: string,
): Promise<void> {
  try {
    const node = await findTreeNode(provider, entry, runId, spanId);
    if (node) await view.reveal(node, { select: true, focus: false, expand: spanId === undefined });
  } catch (e) {
    log().debug(`Revealing ${spanId ?? runId} in the Runs view failed: ${errorMessage(e)}`);
  }
}
