/**
 * Compare Runs: **Compare with…** on a run (a QuickPick of runs of the same pipeline, in every
 * store that is read, newest passing first) and **Compare with Last Passing Run** on a failed run.
 * The run the command is about is B; the one it is compared with is A, the base.
 */
import { STATUS_CODICON } from '../runsView/icons';
import * as vscode from 'vscode';
import { formatDuration, formatStart } from '../../model/format';
import type { Run } from '../../model/types';
import { COMPARE_VIEW_TYPE } from '../../webview/protocol';
import { openSpanFromTab, type CommandContext } from '../commands/context';
import { errorMessage, logError } from '../log';
import { RunNode, SpanItemNode } from '../runsView/nodes';
import type { StoreEntry } from '../stores/storeRegistry';
import { ComparePanel, type CompareHost, type CompareSide } from './comparePanel';

export const COMPARE_WITH_COMMAND = 'spanlens.compareWith';
export const COMPARE_WITH_LAST_PASSING_COMMAND = 'spanlens.compareWithLastPassing';

/** Runs of the pipeline offered per store. */
const RUNS_PER_STORE = 200;

/** `{ storeId, runId }`: a run named without a tree node (tests, other commands). */
function isRunRef(v: unknown): v is { storeId: string; runId: string } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.storeId === 'string' && typeof o.runId === 'string';
}

/** The newest passing run first, then the others newest first. */
export function byPassingThenNewest(x: Run, y: Run): number {
  const px = x.status === 'ok' ? 0 : 1;
  const py = y.status === 'ok' ? 0 : 1;
  if (px !== py) return px - py;
  return (y.startMs ?? -Infinity) - (x.startMs ?? -Infinity);
}

export function registerCompare(ctx: CommandContext): vscode.Disposable[] {
  const host: CompareHost = {
    extension: ctx.extension,
    registry: ctx.registry,
    openSpan: (target, avoid) => openSpanFromTab(ctx, target, avoid),
  };

  /** The run a command is about: the node it was invoked on, a `{storeId, runId}`, or the selection. */
  const subject = async (arg: unknown): Promise<CompareSide | undefined> => {
    if (arg instanceof RunNode || arg instanceof SpanItemNode) return { entry: arg.entry, run: arg.run };
    if (isRunRef(arg)) {
      const entry = ctx.registry.get(arg.storeId);
      if (!entry) return undefined;
      await ctx.registry.ensureOpen(entry, 'window');
      const run = (await ctx.registry.query(entry, (s) => s.findRuns(arg.runId))).find((r) => r.id === arg.runId);
      return run ? { entry, run } : undefined;
    }
    const sel = ctx.view.selection[0];
    if (sel instanceof RunNode || sel instanceof SpanItemNode) return { entry: sel.entry, run: sel.run };
    void vscode.window.showInformationMessage('Spanlens: select a run in the Runs view to compare it with another.');
    return undefined;
  };

  const open = (a: CompareSide, b: CompareSide): void => {
    try {
      ComparePanel.open(host, a, b);
    } catch (e) {
      logError('Opening Compare Runs failed', e);
      void vscode.window.showErrorMessage(`Spanlens: could not compare the runs: ${errorMessage(e)}`);
    }
  };

  const compareWith = async (arg?: unknown): Promise<void> => {
    const b = await subject(arg);
    if (!b) return;
    // Runs of the same pipeline in every store that is read (a run may be compared across stores).
    const candidates: Array<{ entry: StoreEntry; run: Run }> = [];
    for (const entry of ctx.registry.list()) {
      if (entry.state.kind !== 'open' && entry !== b.entry) continue;
      try {
        await ctx.registry.ensureOpen(entry, 'window');
        const runs = await ctx.registry.query(entry, (s) => s.listRuns({ pipeline: b.run.name, limit: RUNS_PER_STORE }));
        for (const run of runs) if (!(entry === b.entry && run.id === b.run.id)) candidates.push({ entry, run });
      } catch (e) {
        logError(`Listing runs of ${entry.id} to compare with failed`, e);
      }
    }
    candidates.sort((x, y) => byPassingThenNewest(x.run, y.run));
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Spanlens: no other run of '${b.run.name}' to compare with.`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      candidates.map((c) => ({
        label: `$(${STATUS_CODICON[c.run.status] ?? STATUS_CODICON.unset}) ${c.run.name || c.run.id}`,
        description: [c.run.startMs !== undefined ? formatStart(c.run.startMs) : '', c.run.status, formatDuration(c.run.durationMs)].filter(Boolean).join(' · '),
        detail: `${c.entry.basename} · ${c.run.id}`,
        c,
      })),
      { placeHolder: `Compare ${b.run.name || b.run.id} (${b.run.status}) with which run? (the base, A)`, matchOnDescription: true, matchOnDetail: true },
    );
    if (pick) open(pick.c, b);
  };

  const compareWithLastPassing = async (arg?: unknown): Promise<void> => {
    const b = await subject(arg);
    if (!b) return;
    const runs = await ctx.registry.query(b.entry, (s) => s.listRuns({ pipeline: b.run.name, status: 'ok', limit: RUNS_PER_STORE }));
    // The last one that passed before this run; else the newest that passed at all.
    const before = runs.filter((r) => r.id !== b.run.id && (b.run.startMs === undefined || r.startMs === undefined || r.startMs <= b.run.startMs));
    const a = before[0] ?? runs.find((r) => r.id !== b.run.id);
    if (!a) {
      const other = 'Compare with…';
      const pick = await vscode.window.showInformationMessage(`Spanlens: no passing run of '${b.run.name}' in ${b.entry.basename}.`, other);
      if (pick === other) await compareWith(arg);
      return;
    }
    open({ entry: b.entry, run: a }, b);
  };

  return [
    vscode.commands.registerCommand(COMPARE_WITH_COMMAND, compareWith),
    vscode.commands.registerCommand(COMPARE_WITH_LAST_PASSING_COMMAND, compareWithLastPassing),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        await ctx.registry.whenDiscovered();
        await ComparePanel.restore(host, panel, state);
      },
    }),
    new vscode.Disposable(() => ComparePanel.disposeAll()),
  ];
}
