/**
 * The Trace Timeline, host side: one webview editor tab per run. It lays the run out once
 * per reading (analysis/timeline), sends the columns to the page, answers the page's filter
 * queries, and turns a row click into Span Details + source. A running run grows: when its
 * store is re-read, the tab gets the new layout and keeps its expansion, selection and scroll.
 * The page is not kept alive while the tab is hidden (retainContextWhenHidden off): it keeps
 * its own state with getState/setState and asks again with `ready`.
 */
import * as vscode from 'vscode';
import type { TimelineLayout } from '../../analysis/timeline/layout';
import { storeOp } from '../../worker/client';
import { encodeTimeline } from '../../analysis/timeline/encode';
import { matchRows } from '../../analysis/timeline/match';
import { formatStart } from '../../model/format';
import type { Run } from '../../model/types';
import {
  isTimelinePageMessage,
  TIMELINE_VIEW_TYPE,
  type TimelineHostMessage,
  type TimelinePageMessage,
} from '../../webview/protocol';
import { makeNonce } from '../details/html';
import { errorMessage, log, logError } from '../log';
import { withoutChildren } from '../runsView/treeHelpers';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';
import { timelineHtml } from './html';

/** What the panel needs from the rest of the extension. */
export interface TimelineHost {
  extension: vscode.ExtensionContext;
  registry: StoreRegistry;
  /** A row was clicked (or Enter): Span Details and, when known, the source, away from this tab's group. */
  openSpan(target: { storeId: string; run: Run; span: ReturnType<typeof withoutChildren> }, avoid: vscode.ViewColumn | undefined): Promise<void>;
  /** The selection moved by keyboard: the Runs view (and an open Span Details) follow. */
  followSpan(entry: StoreEntry, run: Run, span: ReturnType<typeof withoutChildren>): Promise<void>;
}

/** Store re-reads closer together than this are laid out once. */
const RELOAD_DEBOUNCE_MS = 250;
const MAX_TITLE_NAME = 40;

function panelKey(storeId: string, runId: string): string {
  return `${storeId}\u0000${runId}`;
}

export function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media'), vscode.Uri.joinPath(context.extensionUri, 'dist')],
  };
}

export class TimelinePanel {
  private static readonly panels = new Map<string, TimelinePanel>();

  /** The open timeline of a run, if any. */
  static find(storeId: string, runId: string): TimelinePanel | undefined {
    return TimelinePanel.panels.get(panelKey(storeId, runId));
  }

  static all(): TimelinePanel[] {
    return [...TimelinePanel.panels.values()];
  }

  /** Opens (or brings forward) the timeline of `run`, optionally selecting a span. */
  static open(host: TimelineHost, entry: StoreEntry, run: Run, spanId?: string): TimelinePanel {
    let p = TimelinePanel.find(entry.id, run.id);
    if (p) {
      p.panel.reveal(p.panel.viewColumn, false);
    } else {
      const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, title(run), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(host.extension));
      p = new TimelinePanel(host, panel, entry, run);
    }
    if (spanId !== undefined) p.reveal(spanId);
    return p;
  }

  /** Restores a timeline tab after a window reload, from the state the page saved. */
  static restore(host: TimelineHost, panel: vscode.WebviewPanel, state: unknown): void {
    const s = (typeof state === 'object' && state !== null ? state : {}) as Record<string, unknown>;
    const storeId = typeof s.storeId === 'string' ? s.storeId : undefined;
    const runId = typeof s.runId === 'string' ? s.runId : undefined;
    panel.webview.options = webviewOptions(host.extension);
    const entry = storeId !== undefined ? host.registry.get(storeId) : undefined;
    if (!entry || runId === undefined || TimelinePanel.find(entry.id, runId)) {
      panel.dispose();
      return;
    }
    const placeholder: Run = { id: runId, store: entry.id, name: runId, status: 'unset', rawStatus: '', spanCount: 0, attributes: {} };
    new TimelinePanel(host, panel, entry, placeholder);
  }

  private layout: TimelineLayout | undefined;
  private version = 0;
  private pendingReveal: string | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per load, so a slow older load never overwrites a newer one. */
  private loadSeq = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private pageReady = false;
  /** When the last data message was posted, for the log line the page's `painted` answers. */
  private sentAt = 0;
  private readonly openedAt = Date.now();

  private constructor(
    private readonly host: TimelineHost,
    private readonly panel: vscode.WebviewPanel,
    readonly entry: StoreEntry,
    private run: Run,
  ) {
    TimelinePanel.panels.set(panelKey(entry.id, run.id), this);
    const webview = panel.webview;
    webview.html = timelineHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(host.extension.extensionUri, 'dist', 'timeline.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(host.extension.extensionUri, 'media', 'timeline.css')).toString(),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.onDisposed()),
      webview.onDidReceiveMessage((m: unknown) => {
        if (isTimelinePageMessage(m)) void this.onPageMessage(m);
      }),
      host.registry.onDidChangeStore((e) => {
        if (e.id === this.entry.id) this.scheduleReload();
      }),
      // The store was removed from the Runs view: say so rather than show a reading nobody updates.
      host.registry.onDidChangeStores(() => {
        if (host.registry.get(this.entry.id) !== this.entry) {
          this.layout = undefined;
          this.loadSeq++;
          this.say('gone', `${this.entry.basename} is no longer open in Spanlens.`);
        }
      }),
    );
    void this.load();
  }

  get runId(): string {
    return this.run.id;
  }

  get storeId(): string {
    return this.entry.id;
  }

  /** Selects a span in the page (the Runs view's selection moved there). */
  reveal(spanId: string): void {
    if (this.pageReady && this.layout) this.post({ type: 'reveal', spanId });
    else this.pendingReveal = spanId;
  }

  dispose(): void {
    this.panel.dispose();
  }

  private scheduleReload(): void {
    if (this.reloadTimer !== undefined) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.load();
    }, RELOAD_DEBOUNCE_MS);
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    const entry = this.entry;
    if (entry.state.kind === 'idle') await this.host.registry.ensureOpen(entry, 'window');
    if (seq !== this.loadSeq) return;
    if (entry.state.kind === 'error') return this.say('error', `${entry.basename} cannot be read: ${entry.state.message}`);
    if (entry.state.kind !== 'open') {
      if (entry.state.kind === 'tooLarge') this.say('error', `${entry.basename} is larger than spanlens.maxStoreSizeMB: load it from the Runs view first.`);
      return; // opening: the store's change event calls load again
    }
    try {
      const t0 = Date.now();
      const found = (await this.host.registry.query(entry, (s) => s.findRuns(this.run.id))).find((r) => r.id === this.run.id);
      if (seq !== this.loadSeq) return;
      if (!found) {
        this.layout = undefined;
        return this.say('gone', `Run ${this.run.id} is no longer in ${entry.basename}.`);
      }
      this.run = found;
      this.panel.title = title(found);
      // Read and laid out in the engine's worker: a run of 100,000 spans never pauses the editor.
      const layout = await this.host.registry.query(entry, (s) => storeOp(s, 'timelineLayout', [found.id]));
      if (seq !== this.loadSeq) return;
      this.layout = layout;
      this.version++;
      log().info(`Timeline of run ${found.id}: ${this.layout.count} spans read and laid out in ${Date.now() - t0} ms`);
      this.sendData();
    } catch (e) {
      logError(`Laying out the timeline of run ${this.run.id} in ${entry.id} failed`, e);
      this.say('error', `Cannot read run ${this.run.id}: ${errorMessage(e)}`);
    }
  }

  private sendData(): void {
    if (!this.layout || !this.pageReady) return;
    const data = encodeTimeline(this.run, this.layout, this.version);
    this.sentAt = Date.now();
    this.post({ type: 'data', data });
    if (this.pendingReveal !== undefined) {
      this.post({ type: 'reveal', spanId: this.pendingReveal });
      this.pendingReveal = undefined;
    }
  }

  private say(kind: 'loading' | 'gone' | 'error', text: string): void {
    this.post({ type: 'message', kind, text });
  }

  private post(m: TimelineHostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private async onPageMessage(m: TimelinePageMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        log().info(`Timeline page of run ${this.run.id} ready ${Date.now() - this.openedAt} ms after the tab opened`);
        this.pageReady = true;
        if (this.layout) this.sendData();
        else this.say('loading', `Reading run ${this.run.id}\u2026`);
        return;
      case 'painted':
        if (m.version === this.version) {
          log().info(`Timeline of run ${this.run.id}: rows on screen ${Date.now() - this.sentAt} ms after the data was posted (page ${m.ms} ms); ${Date.now() - this.openedAt} ms since the tab opened`);
        }
        return;
      case 'filter': {
        const layout = this.layout;
        if (!layout) return;
        const r = matchRows(layout.spans, this.run.name, this.run.id, m.query);
        this.post({ type: 'matches', seq: m.seq, rows: r.rows, hints: r.hints, empty: r.empty });
        return;
      }
      case 'select': {
        // The row names the span in the layout the page has (same version); otherwise the id does.
        const layout = this.layout;
        const byRow = layout && m.version === this.version ? layout.spans[m.row] : undefined;
        const span = byRow && (byRow.id === m.spanId || m.spanId.includes('\uFFFD')) ? byRow : layout?.spans.find((s) => s.id === m.spanId);
        if (!span) return;
        const target = withoutChildren(span);
        try {
          if (m.open) await this.host.openSpan({ storeId: this.entry.id, run: this.run, span: target }, this.panel.viewColumn);
          else await this.host.followSpan(this.entry, this.run, target);
        } catch (e) {
          logError(`Showing span ${m.spanId} from the timeline failed`, e);
        }
        return;
      }
    }
  }

  private onDisposed(): void {
    if (TimelinePanel.panels.get(panelKey(this.entry.id, this.run.id)) === this) TimelinePanel.panels.delete(panelKey(this.entry.id, this.run.id));
    if (this.reloadTimer !== undefined) clearTimeout(this.reloadTimer);
    this.loadSeq++;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** "Timeline: enrich_customers 14:03:22": the start tells runs of one pipeline apart. */
export function title(run: Run): string {
  const name = run.name || run.id;
  const start = run.startMs !== undefined ? ` ${formatStart(run.startMs)}` : '';
  return `Timeline: ${name.length > MAX_TITLE_NAME ? `${name.slice(0, MAX_TITLE_NAME - 1)}\u2026` : name}${start}`;
}
