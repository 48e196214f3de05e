/**
 * Compare Runs, host side: one webview tab per pair of runs. It reads both runs' spans, aligns them
 * (analysis/diff), sends the rows to the page as columns, answers a selected row with its whole
 * difference, and turns a click into Span Details + source of either side. When a store of the
 * pair is re-read (a run still running), the comparison is made again and the page keeps its place.
 */
import * as vscode from 'vscode';
import type { RunDiff } from '../../analysis/diff/align';
import { compareStoredRuns, storeOp } from '../../worker/client';
import { encodeCompare, rowDetail } from '../../analysis/diff/encode';
import { formatStart } from '../../model/format';
import type { Run, Span } from '../../model/types';
import { COMPARE_VIEW_TYPE, isComparePageMessage, type CompareHostMessage, type ComparePageMessage } from '../../webview/protocol';
import { detailsHtml, makeNonce } from '../details/html';
import { errorMessage, logError } from '../log';
import { Coalescer } from '../schedule/coalescer';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';

export interface CompareSide {
  entry: StoreEntry;
  run: Run;
}

export interface CompareHost {
  extension: vscode.ExtensionContext;
  registry: StoreRegistry;
  /** Span Details and, when known, the source, away from this tab's editor group. */
  openSpan(target: { storeId: string; run: Run; span: Span }, avoid: vscode.ViewColumn | undefined): Promise<void>;
}

const RELOAD_DEBOUNCE_MS = 300;
const MAX_TITLE_NAME = 30;

function key(a: CompareSide, b: CompareSide): string {
  return [a.entry.id, a.run.id, b.entry.id, b.run.id].join('\u0000');
}

function title(a: Run, b: Run): string {
  const name = (r: Run): string => {
    const n = r.name || r.id;
    return n.length > MAX_TITLE_NAME ? `${n.slice(0, MAX_TITLE_NAME - 1)}…` : n;
  };
  const when = (r: Run): string => (r.startMs !== undefined ? ` ${formatStart(r.startMs)}` : '');
  return a.name === b.name ? `Compare ${name(a)}:${when(a)} ↔${when(b)}` : `Compare ${name(a)}${when(a)} ↔ ${name(b)}${when(b)}`;
}

export class ComparePanel {
  private static readonly panels = new Map<string, ComparePanel>();
  private diff: RunDiff | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Reads both runs, one reading at a time; a store change meanwhile reads once more after it. */
  private readonly reloads = new Coalescer(() => this.read(), {
    delayMs: RELOAD_DEBOUNCE_MS,
    onError: (e) => logError('Compare Runs: reading the runs failed', e),
  });

  static open(host: CompareHost, a: CompareSide, b: CompareSide): ComparePanel {
    const existing = ComparePanel.panels.get(key(a, b));
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title(a.run, b.run), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(host.extension.extensionUri, 'media'), vscode.Uri.joinPath(host.extension.extensionUri, 'dist')],
    });
    return new ComparePanel(host, panel, a, b);
  }

  /** A tab brought back after a window reload: the page's saved state names the runs. */
  static async restore(host: CompareHost, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const pair = (typeof state === 'object' && state !== null ? (state as Record<string, unknown>).pair : undefined) as Record<string, unknown> | undefined;
    const side = async (storeId: unknown, runId: unknown): Promise<CompareSide | undefined> => {
      if (typeof storeId !== 'string' || typeof runId !== 'string') return undefined;
      const entry = host.registry.get(storeId);
      if (!entry) return undefined;
      await host.registry.ensureOpen(entry, 'window');
      const run = (await host.registry.query(entry, (s) => s.findRuns(runId)).catch(() => [] as Run[])).find((r) => r.id === runId);
      return run ? { entry, run } : undefined;
    };
    const a = await side(pair?.storeA, pair?.runA);
    const b = await side(pair?.storeB, pair?.runB);
    if (!a || !b) {
      panel.dispose();
      return;
    }
    new ComparePanel(host, panel, a, b);
  }

  private constructor(
    private readonly host: CompareHost,
    private readonly panel: vscode.WebviewPanel,
    private a: CompareSide,
    private b: CompareSide,
  ) {
    ComparePanel.panels.set(key(a, b), this);
    const webview = panel.webview;
    const media = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(host.extension.extensionUri, ...p)).toString();
    webview.html = detailsHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: media('dist', 'compare.js'),
      styleUri: media('media', 'compare.css'),
      title: 'Compare Runs',
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (isComparePageMessage(m)) void this.onMessage(m).catch((e) => logError('Compare Runs: a page message failed', e));
      }),
      host.registry.onDidChangeStore((entry) => {
        if (entry.id === this.a.entry.id || entry.id === this.b.entry.id) this.scheduleReload();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(m: CompareHostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private scheduleReload(): void {
    this.reloads.request();
  }

  /** Reads both runs now (or joins the reading under way); resolves when the page has them. */
  private load(): Promise<void> {
    return this.reloads.busy ? this.reloads.whenIdle() : this.reloads.runNow();
  }

  /** Reads both runs (the newest reading of each) and sends the aligned rows. */
  private async read(): Promise<void> {
    try {
      await Promise.all([this.host.registry.ensureOpen(this.a.entry, 'window'), this.host.registry.ensureOpen(this.b.entry, 'window')]);
      // Read and aligned in the engine's worker: two runs of 100,000 spans never pause the editor.
      const { diff } = await this.host.registry.query(this.a.entry, (sa) =>
        this.host.registry.query(this.b.entry, (sb) =>
          compareStoredRuns({ store: sa, runId: this.a.run.id, fallback: this.a.run }, { store: sb, runId: this.b.run.id, fallback: this.b.run }),
        ),
      );
      this.a = { ...this.a, run: diff.a };
      this.b = { ...this.b, run: diff.b };
      this.diff = diff;
      this.panel.title = title(diff.a, diff.b);
      this.post({ type: 'data', data: encodeCompare(this.diff, { a: this.a.entry.basename, b: this.b.entry.basename }) });
    } catch (e) {
      logError('Compare Runs: reading the runs failed', e);
      this.post({ type: 'message', kind: 'error', text: `Could not read the runs: ${errorMessage(e)}` });
    }
  }

  private async onMessage(m: ComparePageMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        if (this.diff) this.post({ type: 'data', data: encodeCompare(this.diff, { a: this.a.entry.basename, b: this.b.entry.basename }) });
        else {
          this.post({ type: 'message', kind: 'loading', text: 'Reading both runs…' });
          await this.load();
        }
        return;
      case 'select': {
        const detail = this.diff ? rowDetail(this.diff, m.row) : undefined;
        if (detail) this.post({ type: 'detail', detail });
        return;
      }
      case 'open': {
        const row = this.diff?.rows[m.row];
        const side = m.side === 'a' ? row?.a : row?.b;
        if (!side) return;
        const s = m.side === 'a' ? this.a : this.b;
        const span = await this.host.registry.query(s.entry, (store) => storeOp(store, 'span', [s.run.id, side.spanId]));
        if (!span) return;
        await this.host.openSpan({ storeId: s.entry.id, run: s.run, span }, this.panel.viewColumn);
        return;
      }
      case 'swap':
        ComparePanel.open(this.host, this.b, this.a);
        return;
    }
  }

  dispose(): void {
    if (ComparePanel.panels.get(key(this.a, this.b)) === this) ComparePanel.panels.delete(key(this.a, this.b));
    this.reloads.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  static disposeAll(): void {
    for (const p of [...ComparePanel.panels.values()]) p.dispose();
  }
}
