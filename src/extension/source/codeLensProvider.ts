/**
 * CodeLens above each line where spans failed, over the loaded stores:
 *
 *   ✖ score_risk failed in 8 of 40 runs · last: KeyError: 'income' · 2 h ago
 *
 * Clicking it lists those runs (QuickPick); the chosen one opens in Span Details and is
 * revealed in the Runs view when that is showing. With spanlens.codeLens.showPassing, lines
 * whose spans ran get a quieter lens: `score_risk · 40 runs · p95 1.20 s`.
 */
import * as vscode from 'vscode';
import type { FailureSample } from '../../analysis/failures';
import type { Run, Span } from '../../model/types';
import type { CommandContext } from '../commands/context';
import { config } from '../config';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { errorMessage, logError } from '../log';
import { revealInRunsView } from '../runsView/findNode';
import type { FailureIndex } from './failureIndex';
import { failureLensTitle, failureLensTooltip, failurePickText, passingLensTitle } from './labels';

export const SHOW_LINE_FAILURES = 'spanlens.showLineFailures';
/** "2 h ago" grows older without any store changing. */
const RETITLE_EVERY_MS = 5 * 60_000;

export class FailureCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly interval: ReturnType<typeof setInterval>;

  constructor(private readonly index: FailureIndex) {
    this.disposables.push(
      this.changed,
      index.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.codeLens')) this.changed.fire();
      }),
    );
    this.interval = setInterval(() => {
      if (this.index.entries().length > 0) this.changed.fire();
    }, RETITLE_EVERY_MS);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!config.codeLensEnabled()) return [];
    const lenses: vscode.CodeLens[] = [];
    const now = Date.now();
    const rangeAt = (line: number): vscode.Range => doc.lineAt(Math.min(Math.max(0, line - 1), doc.lineCount - 1)).range;
    for (const g of this.index.groupsFor(doc.uri)) {
      lenses.push(
        new vscode.CodeLens(rangeAt(g.line), {
          title: failureLensTitle(g, now),
          tooltip: failureLensTooltip(g),
          command: SHOW_LINE_FAILURES,
          arguments: [g.key],
        }),
      );
    }
    if (config.codeLensShowPassing()) {
      for (const p of this.index.passingFor(doc.uri)) {
        // No command: a lens that only informs renders as plain text.
        lenses.push(new vscode.CodeLens(rangeAt(p.source.line), { title: passingLensTitle(p.stats, p.source.guess === true), command: '' }));
      }
    }
    return lenses;
  }

  dispose(): void {
    clearInterval(this.interval);
    for (const d of this.disposables) d.dispose();
  }
}

export interface FailurePickContext extends CommandContext {
  index: FailureIndex;
}

/** `spanlens.showLineFailures <group key>`: the runs behind a lens; the chosen span opens in Span Details. */
export function registerFailurePick(ctx: FailurePickContext): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_LINE_FAILURES, async (key?: unknown) => {
    const g = typeof key === 'string' ? ctx.index.group(key) : undefined;
    if (!g) {
      void vscode.window.showInformationMessage('Spanlens: these failures are no longer in the loaded stores.');
      return;
    }
    type Item = vscode.QuickPickItem & { sample: FailureSample };
    const now = Date.now();
    const items: Item[] = g.samples.map((s) => ({ ...failurePickText(s, now), sample: s }));
    const pick = await vscode.window.showQuickPick(items, {
      title: `${g.spanName} failed at ${g.path}:${g.line}${g.guess ? ' (guess)' : ''} — ${g.failedRuns} run${g.failedRuns === 1 ? '' : 's'}`,
      placeHolder: g.samples.length < g.failedRuns ? `The newest ${g.samples.length}: pick one to see its span` : 'Pick a run to see its failed span',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (pick) await openSample(ctx, pick.sample);
  });
}

async function openSample(ctx: FailurePickContext, s: FailureSample): Promise<void> {
  const entry = ctx.registry.get(s.storeId);
  if (!entry?.store) {
    void vscode.window.showWarningMessage(`Spanlens: the store ${s.storeId} is no longer loaded.`);
    return;
  }
  let run: Run | undefined;
  let span: Span | undefined;
  try {
    run = (await ctx.registry.query(entry, (st) => st.findRuns(s.runId))).find((r) => r.id === s.runId);
    if (run) span = (await ctx.registry.query(entry, (st) => st.getSpans(s.runId))).find((x) => x.id === s.spanId);
  } catch (e) {
    logError(`Reading run ${s.runId} of ${s.storeId} failed`, e);
    void vscode.window.showErrorMessage(`Spanlens: could not read run ${s.runId}: ${errorMessage(e)}`);
    return;
  }
  if (!run || !span) {
    void vscode.window.showWarningMessage(`Spanlens: run ${s.runId} (span ${s.spanName}) is no longer in ${entry.basename}.`);
    return;
  }
  SpanDetailsPanel.show(ctx, { storeId: entry.id, run, span });
  if (ctx.view.visible) await revealInRunsView(ctx.provider, ctx.view, entry, run.id, span.id);
}

