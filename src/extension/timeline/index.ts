/**
 * The Trace Timeline's commands and wiring: `spanlens.openTimeline` (Command Palette, a run's
 * or span's context menu, Enter/double-click on a run, the Span Details button), restoring
 * tabs after a reload, and keeping the timeline's selection and the Runs view's in step.
 */
import * as vscode from 'vscode';
import type { Run } from '../../model/types';
import { TIMELINE_VIEW_TYPE } from '../../webview/protocol';
import { openSpanFromTab, storeArg, type CommandContext } from '../commands/context';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { errorMessage, logError } from '../log';
import { revealInRunsView } from '../runsView/findNode';
import { LoadMoreSpansNode, RunNode, SpanItemNode } from '../runsView/nodes';
import type { StoreEntry } from '../stores/storeRegistry';
import { TimelinePanel, type TimelineHost } from './timelinePanel';

/** `{ storeId, runId, spanId? }`: how Span Details (and tests) name a run without a tree node. */
interface TimelineArg {
  storeId: string;
  runId: string;
  spanId?: string;
}

function isTimelineArg(v: unknown): v is TimelineArg {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.storeId === 'string' && typeof o.runId === 'string' && (o.spanId === undefined || typeof o.spanId === 'string');
}

const RUNS_OFFERED = 200;
/** Context key: the Runs view's selection is one run (Enter opens its timeline). */
export const RUN_SELECTED_CONTEXT = 'spanlens.runSelected';
/** Two toggles of the same run closer than this are a double-click. */
const DOUBLE_CLICK_MS = 450;

function doubleClickOnRun(ctx: CommandContext, open: (node: RunNode) => void): vscode.Disposable[] {
  let last: { id: string; at: number } | undefined;
  const toggled = (node: unknown): void => {
    if (!(node instanceof RunNode)) return;
    const now = Date.now();
    if (last && last.id === node.id && now - last.at < DOUBLE_CLICK_MS) {
      last = undefined;
      open(node);
      return;
    }
    last = { id: node.id, at: now };
  };
  return [ctx.view.onDidExpandElement((e) => toggled(e.element)), ctx.view.onDidCollapseElement((e) => toggled(e.element))];
}

export function registerTimeline(ctx: CommandContext): vscode.Disposable[] {
  const host: TimelineHost = {
    extension: ctx.extension,
    registry: ctx.registry,
    openSpan: (target, avoid) => openSpanFromTab(ctx, target, avoid),
    followSpan: async (entry, run, span) => {
      if (SpanDetailsPanel.current) SpanDetailsPanel.show(ctx, { storeId: entry.id, run, span });
      if (ctx.view.visible) await revealInRunsView(ctx.provider, ctx.view, entry, run.id, span.id);
    },
  };

  /** The run (and span) the command is about: its argument, the Runs view's selection, or the user's pick. */
  const target = async (arg: unknown): Promise<{ entry: StoreEntry; run: Run; spanId?: string } | undefined> => {
    if (arg instanceof SpanItemNode) return { entry: arg.entry, run: arg.run, spanId: arg.span.id };
    if (arg instanceof RunNode) return { entry: arg.entry, run: arg.run };
    if (isTimelineArg(arg)) {
      const entry = ctx.registry.get(arg.storeId);
      if (!entry) {
        void vscode.window.showErrorMessage(`Spanlens: no store ${arg.storeId} is open.`);
        return undefined;
      }
      await ctx.registry.ensureOpen(entry, 'window');
      const run = (await ctx.registry.query(entry, (s) => s.findRuns(arg.runId))).find((r) => r.id === arg.runId);
      if (!run) {
        void vscode.window.showErrorMessage(`Spanlens: run ${arg.runId} is not in ${entry.basename}.`);
        return undefined;
      }
      return { entry, run, ...(arg.spanId !== undefined ? { spanId: arg.spanId } : {}) };
    }
    const sel = ctx.view.selection[0];
    if (sel instanceof SpanItemNode || sel instanceof RunNode) return target(sel);
    const entry = await storeArg(ctx, undefined, 'Open the trace timeline of a run in which store?');
    if (!entry) return undefined;
    await ctx.registry.ensureOpen(entry, 'window');
    const runs = await ctx.registry.query(entry, (s) => s.listRuns({ limit: RUNS_OFFERED }));
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({
        label: r.name || r.id,
        description: `${r.status} \u00b7 ${r.spanCount} spans`,
        detail: r.id,
        run: r,
      })),
      { placeHolder: 'Open the trace timeline of which run?', matchOnDescription: true, matchOnDetail: true },
    );
    return pick ? { entry, run: pick.run } : undefined;
  };

  return [
    vscode.commands.registerCommand('spanlens.openTimeline', async (arg?: unknown) => {
      try {
        const t = await target(arg);
        if (t) TimelinePanel.open(host, t.entry, t.run, t.spanId);
      } catch (e) {
        logError('Opening the trace timeline failed', e);
        void vscode.window.showErrorMessage(`Spanlens: could not open the trace timeline: ${errorMessage(e)}`);
      }
    }),
    vscode.commands.registerCommand('spanlens.loadMoreSpans', (arg?: unknown) => {
      if (arg instanceof LoadMoreSpansNode) ctx.provider.loadMoreChildren(arg.owner);
    }),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        await ctx.registry.whenDiscovered();
        TimelinePanel.restore(host, panel, state);
      },
    }),
    // The timeline follows the Runs view's selection (its own clicks select there too).
    ctx.view.onDidChangeSelection((e) => {
      const node = e.selection.length === 1 ? e.selection[0] : undefined;
      if (node instanceof SpanItemNode) TimelinePanel.find(node.entry.id, node.run.id)?.reveal(node.span.id);
    }),
    // Enter on a run (keybinding in package.json) needs to know a run is what is selected.
    ctx.view.onDidChangeSelection((e) => {
      const run = e.selection.length === 1 && e.selection[0] instanceof RunNode;
      void vscode.commands.executeCommand('setContext', RUN_SELECTED_CONTEXT, run);
    }),
    // A double-click on a run row toggles it twice in quick succession (VS Code gives tree items no
    // double-click event, and a run item keeps click-to-expand): that pair opens its timeline.
    ...doubleClickOnRun(ctx, (node) => void vscode.commands.executeCommand('spanlens.openTimeline', node)),
    new vscode.Disposable(() => {
      for (const p of TimelinePanel.all()) p.dispose();
    }),
  ];
}
