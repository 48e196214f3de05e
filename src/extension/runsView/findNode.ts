import type * as vscode from 'vscode';
import { log, errorMessage } from '../log';
import type { StoreEntry } from '../stores/storeRegistry';
import { RunNode, SpanItemNode, type ViewNode } from './nodes';
import type { RunsTreeProvider } from './runsTreeProvider';
import { findSpanNode } from './treeHelpers';

/**
 * The Runs view's node for a run, or for a span of it, walking down from its store along the
 * branch that holds the span. Undefined when the run is not listed (filter, paging).
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
  let level: ViewNode[] = await runNode.getChildren();
  while (level.length > 0) {
    const spans = level.filter((n): n is SpanItemNode => n instanceof SpanItemNode);
    const hit = spans.find((n) => n.span.id === spanId);
    if (hit) return hit;
    const next = spans.find((n) => findSpanNode(n.span.children, spanId) !== undefined);
    if (!next) return undefined;
    level = await next.getChildren();
  }
  return undefined;
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
