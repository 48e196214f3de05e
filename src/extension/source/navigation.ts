/**
 * From a span to its code. Clicking a span in the Runs view opens Span Details and, when the
 * span has a location, the file at that line as a preview (like a single click in the Explorer:
 * focus stays in the tree, the next click replaces the preview). **Go to Source** (the span's
 * context menu, its inline icon, the details panel's button) opens it pinned, with focus.
 * Files open in the editor group the details panel is not in, so both stay visible.
 */
import * as vscode from 'vscode';
import type { Run, Span } from '../../model/types';
import { config } from '../config';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { errorMessage, logError } from '../log';
import { SpanItemNode, type ViewNode } from '../runsView/nodes';
import { withoutChildren } from '../runsView/treeHelpers';
import type { SourceService } from './sourceService';

/** On the first click (no details panel yet), how long the details wait for the source to open first. */
const FIRST_CLICK_WAIT_MS = 600;

export interface NavigationContext {
  extension: vscode.ExtensionContext;
  sources: SourceService;
  view: vscode.TreeView<ViewNode>;
}

function spanTarget(node: SpanItemNode): { storeId: string; run: Run; span: Span } {
  return { storeId: node.entry.id, run: node.run, span: withoutChildren(node.span) };
}

/** What `spanlens.openSpan` takes besides a Runs view node: a span named outright (the Trace Timeline's clicks). */
export interface OpenSpanTarget {
  storeId: string;
  run: Run;
  span: Span;
  /** The editor group the click came from, kept visible: source opens elsewhere. */
  avoid?: vscode.ViewColumn;
}

function isOpenSpanTarget(v: unknown): v is OpenSpanTarget {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.storeId === 'string' && typeof o.run === 'object' && o.run !== null && typeof o.span === 'object' && o.span !== null;
}

/** Says why nothing opened, once, without a modal. */
function noLocation(span: Span): void {
  void vscode.window.showInformationMessage(
    `Spanlens: no source location for span '${span.name}': it records no code.* attributes, stack trace or file:line that ` +
      'matches a file of this workspace, and no step of that name was found.',
  );
}

export function registerNavigation(ctx: NavigationContext): vscode.Disposable[] {
  // A newer click wins: a slow resolution of an older one must not open its file afterwards.
  let clickSeq = 0;

  const goToSource = async (arg?: unknown): Promise<void> => {
    const node = arg instanceof SpanItemNode ? arg : ctx.view.selection.find((n): n is SpanItemNode => n instanceof SpanItemNode);
    if (!node) {
      void vscode.window.showInformationMessage('Spanlens: select a span in the Runs view first.');
      return;
    }
    const { storeId, run, span } = spanTarget(node);
    clickSeq++;
    try {
      const loc = await ctx.sources.resolve({ storeId, run, span });
      if (!loc) return noLocation(span);
      await ctx.sources.open(loc, { preview: false, preserveFocus: false });
    } catch (e) {
      logError(`Go to Source of span ${span.id} failed`, e);
      void vscode.window.showErrorMessage(`Spanlens: cannot open the source of '${span.name}': ${errorMessage(e)}`);
    }
  };

  const openSpan = async (arg?: unknown): Promise<void> => {
    let target: { storeId: string; run: Run; span: Span };
    let avoid: vscode.ViewColumn | undefined;
    if (isOpenSpanTarget(arg)) {
      target = { storeId: arg.storeId, run: arg.run, span: arg.span };
      avoid = arg.avoid;
    } else {
      const node = arg instanceof SpanItemNode ? arg : ctx.view.selection.find((n): n is SpanItemNode => n instanceof SpanItemNode);
      if (!node) return;
      target = spanTarget(node);
    }
    const seq = ++clickSeq;
    if (!config.goToSourceOnClick()) {
      SpanDetailsPanel.show(ctx, target);
      return;
    }
    const found = ctx.sources.resolve(target);
    try {
      if (!SpanDetailsPanel.current && avoid === undefined) {
        // First click: the code takes the main editor group and the details open beside it, as
        // when a file is open already. Waited for briefly; the details never wait long for it.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const early = await Promise.race([found, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), FIRST_CLICK_WAIT_MS)))]).finally(() =>
          clearTimeout(timer),
        );
        if (seq !== clickSeq) return;
        if (early) await ctx.sources.open(early, { preview: true, preserveFocus: true, avoid });
        SpanDetailsPanel.show(ctx, target);
        if (early) return;
      } else {
        SpanDetailsPanel.show(ctx, target);
      }
      const loc = await found;
      if (!loc || seq !== clickSeq) return;
      await ctx.sources.open(loc, { preview: true, preserveFocus: true, avoid });
    } catch (e) {
      // The details are open either way; a file that vanished is worth a line in the log, not a toast.
      logError(`Opening the source of span ${target.span.id} failed`, e);
    }
  };

  return [
    vscode.commands.registerCommand('spanlens.goToSource', goToSource),
    vscode.commands.registerCommand('spanlens.openSpan', openSpan),
  ];
}
