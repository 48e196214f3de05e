/**
 * `$(error) N failed (24h)`: failed runs of the last 24 hours over every store, in the
 * status bar and as the Runs view's badge. Hidden when there is no store. Counts only
 * stores that are read, with the store's own cheap count (countRuns) where it has one; the
 * tooltip says which are not (too large, unreadable).
 */
import * as vscode from 'vscode';
import { config } from './config';
import { inlineCode } from './format';
import { formatBytes } from '../model/format';
import { logError } from './log';
import { Coalescer } from './schedule/coalescer';
import type { ViewNode } from './runsView/nodes';
import type { StoreRegistry } from './stores/storeRegistry';
import { countRuns } from '../sources/countRuns';

const DAY_MS = 24 * 3_600_000;
/** Runs age out of the window even when no store changes. */
const RECOUNT_EVERY_MS = 60_000;
/** Bursts (a running pipeline re-reads every second) are one count. */
const RECOUNT_DEBOUNCE_MS = 500;

export class FailureStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly interval: ReturnType<typeof setInterval>;
  private readonly recount = new Coalescer(() => this.count(), {
    delayMs: RECOUNT_DEBOUNCE_MS,
    onError: (e) => logError('Counting failed runs failed', e),
  });

  constructor(
    private readonly registry: StoreRegistry,
    private readonly view: vscode.TreeView<ViewNode>,
  ) {
    this.item = vscode.window.createStatusBarItem('spanlens.failures', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Spanlens Failed Runs';
    this.item.command = 'spanlens.showRecentFailures';
    this.disposables.push(
      this.item,
      registry.onDidChangeStore(() => this.schedule()),
      registry.onDidChangeStores(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.statusBar')) this.schedule();
      }),
    );
    this.interval = setInterval(() => this.schedule(), RECOUNT_EVERY_MS);
    this.schedule();
  }

  private schedule(): void {
    this.recount.request();
  }

  private async count(): Promise<void> {
    const stores = this.registry.list();
    if (!config.statusBarEnabled() || stores.length === 0) {
      this.item.hide();
      this.view.badge = undefined;
      return;
    }
    const sinceMs = Date.now() - DAY_MS;
    let total = 0;
    const lines: string[] = [];
    for (const e of stores) {
      const name = `${inlineCode(e.basename)}${e.folderLabel ? ` (${inlineCode(e.folderLabel)})` : ''}`;
      switch (e.state.kind) {
        case 'open': {
          try {
            const n = await this.registry.query(e, (s) => countRuns(s, { status: 'error', sinceMs }));
            total += n;
            lines.push(`- ${name}: ${n} failed`);
          } catch (err) {
            logError(`Counting failed runs of ${e.id} failed`, err);
            lines.push(`- ${name}: could not be counted`);
          }
          break;
        }
        case 'error':
          lines.push(`- ${name}: cannot be read`);
          break;
        case 'tooLarge':
          lines.push(`- ${name}: not loaded (${formatBytes(e.state.sizeBytes)}, over spanlens.maxStoreSizeMB)`);
          break;
        default:
          lines.push(`- ${name}: not read yet`);
      }
    }
    this.item.text = total > 0 ? `$(error) ${total} failed (24h)` : '$(pass) 0 failed (24h)';
    const tip = new vscode.MarkdownString('', true);
    tip.isTrusted = false;
    tip.appendMarkdown(`**Spanlens** — failed runs in the last 24 hours\n\n${lines.join('\n')}\n\nClick to show them in the Runs view.`);
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: `Spanlens: ${total} failed runs in the last 24 hours` };
    this.item.show();
    this.view.badge = total > 0 ? { value: total, tooltip: `${total} failed run${total === 1 ? '' : 's'} in the last 24 hours` } : undefined;
  }

  dispose(): void {
    this.recount.dispose();
    clearInterval(this.interval);
    for (const d of this.disposables) d.dispose();
  }
}
