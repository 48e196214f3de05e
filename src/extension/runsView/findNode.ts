import type * as vscode from 'vscode';
import { storeOp } from '../../worker/client';
import { log, errorMessage } from '../log';
import type { StoreEntry } from '../stores/storeRegistry';
import { RunNode, SpanItemNode, type ViewNode } from './nodes';
import type { RunsTreeProvider } from './runsTreeProvider';

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
  // Where the span sits, from the engine's tree of the run (the run's spans never come here).
  const path = await provider.registry.query(entry, (s) => storeOp(s, 'treePath', [runId, spanId]));
  if (!path) return undefined;
  let parent: RunNode | SpanItemNode = runNode;
  let grew = false;
  for (const step of path) {
    if (provider.showChild(parent.id, step.index)) grew = true;
    const level: ViewNode[] = await parent.getChildren();
    const hit = level.find((n): n is SpanItemNode => n instanceof SpanItemNode && n.span.id === step.id);
    if (!hit) return undefined;
    parent = hit;
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
