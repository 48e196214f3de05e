/**
 * The Span Details webview panel, host side. One panel, reused: it follows the selection
 * in the Spanlens views, opens beside the editor without taking focus from the tree, and
 * sends the page a plain view-model (never HTML) through the typed protocol.
 */
import * as vscode from 'vscode';
import type { Run, Span } from '../../model/types';
import { isPageMessage, SPAN_DETAILS_VIEW_TYPE, type HostMessage, type PageMessage } from '../../webview/protocol';
import { hideContent } from '../../enrich/llm';
import { config } from '../config';
import { turnText } from './conversation';
import { detailsHtml, makeNonce } from './html';
import type { SourceService } from '../source/sourceService';
import type { SourceCheck } from '../source/spanSources';
import { buildSpanDetailsView, DEFAULT_PROMPT_PREVIEW_LENGTH } from './viewModel';

export interface SpanDetailsTarget {
  storeId: string;
  run: Run;
  span: Span;
}

/**
 * What the panel is given at activation: the extension (its files) and the source service, which
 * fills `span.source` for spans whose store records none (Flujo's tracebacks, step names) and opens it.
 */
export interface DetailsHost {
  readonly extension: vscode.ExtensionContext;
  readonly sources: Pick<SourceService, 'check' | 'open'>;
}

const TITLE = 'Span Details';
const MAX_TITLE_NAME = 40;

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media'), vscode.Uri.joinPath(context.extensionUri, 'dist')],
  };
}

function promptPreviewLength(): number {
  return vscode.workspace.getConfiguration('spanlens').get<number>('details.promptPreviewLength', DEFAULT_PROMPT_PREVIEW_LENGTH);
}

export class SpanDetailsPanel {
  private static instance: SpanDetailsPanel | undefined;

  static get current(): SpanDetailsPanel | undefined {
    return SpanDetailsPanel.instance;
  }

  /** Shows `target` in the one details panel, creating it beside the editor if needed. */
  static show(host: DetailsHost, target: SpanDetailsTarget): void {
    let p = SpanDetailsPanel.instance;
    if (p) {
      // Keep the panel where the user put it; only bring it forward if it is behind another tab.
      if (!p.panel.visible) p.panel.reveal(p.panel.viewColumn, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        SPAN_DETAILS_VIEW_TYPE,
        TITLE,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        webviewOptions(host.extension),
      );
      p = new SpanDetailsPanel(host, panel);
    }
    void p.setTarget(target);
  }

  /**
   * Restores the panel after a window reload (call once from activate). It comes back empty:
   * the selection it showed belongs to a tree that is rebuilt from the stores.
   */
  static registerSerializer(host: DetailsHost): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(SPAN_DETAILS_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
        if (SpanDetailsPanel.instance) {
          panel.dispose(); // one panel only
          return;
        }
        panel.webview.options = webviewOptions(host.extension);
        new SpanDetailsPanel(host, panel);
      },
    });
  }

  /** Shows a newer reading of the span on show (its store was re-read), without revealing the panel. */
  update(target: SpanDetailsTarget): void {
    void this.setTarget(target);
  }

  /** Empties the panel (e.g. when the shown span's store was removed). */
  clear(message?: string): void {
    this.target = undefined;
    this.resolution = undefined;
    this.seq++;
    this.panel.title = TITLE;
    this.post(message === undefined ? { type: 'empty' } : { type: 'empty', message });
  }

  /** The editor group the panel is in (source opens in another). */
  get column(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  /** The span on show, if any (lets callers refresh it after a store reload). */
  get shown(): SpanDetailsTarget | undefined {
    return this.target;
  }

  dispose(): void {
    this.panel.dispose();
  }

  private target: SpanDetailsTarget | undefined;
  /** Go-to-Source availability for `target.span.source`, once checked. */
  private resolution: SourceCheck<vscode.Uri> | undefined;
  /** Bumped per target, so a slow source check for an older selection is dropped. */
  private seq = 0;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly host: DetailsHost,
    private readonly panel: vscode.WebviewPanel,
  ) {
    SpanDetailsPanel.instance = this;
    panel.webview.html = this.html(host.extension);
    this.disposables.push(
      panel.onDidDispose(() => this.onDisposed()),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isPageMessage(m)) void this.onPageMessage(m);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.details.promptPreviewLength') || e.affectsConfiguration('spanlens.llm.hideContent')) this.postCurrent();
      }),
      // A folder added or removed can make Go to Source possible or impossible.
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        if (this.target) void this.setTarget(this.target);
      }),
    );
  }

  private html(context: vscode.ExtensionContext): string {
    const webview = this.panel.webview;
    return detailsHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'details.css')).toString(),
    });
  }

  private async setTarget(target: SpanDetailsTarget): Promise<void> {
    const seq = ++this.seq;
    this.target = target;
    this.resolution = undefined;
    this.panel.title = `Span: ${shorten(target.span.name)}`;
    const resolution = await this.host.sources.check(target);
    if (seq !== this.seq) return; // a newer selection won
    if (resolution) target = { ...target, span: { ...target.span, source: resolution.source } };
    this.target = target;
    this.resolution = resolution;
    this.postCurrent();
  }

  private postCurrent(): void {
    const t = this.target;
    if (!t) {
      this.post({ type: 'empty' });
      return;
    }
    if (t.span.source && !this.resolution) return; // setTarget posts once the source is checked
    const r = this.resolution;
    const data = buildSpanDetailsView({
      storeId: t.storeId,
      run: t.run,
      span: t.span,
      promptPreviewLength: promptPreviewLength(),
      hideLlmContent: config.llmHideContent(),
      sourceAvailability: r ? (r.available ? { available: true } : { available: false, reason: r.reason }) : undefined,
    });
    this.post({ type: 'show', data });
  }

  private post(message: HostMessage): void {
    // Lost if the page is not loaded yet; it says 'ready' when it is, and we send it again.
    void this.panel.webview.postMessage(message);
  }

  private async onPageMessage(m: PageMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.postCurrent();
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage('Spanlens: copied to clipboard', 2000);
        return;
      case 'openSource':
        await this.openSource(m.spanId);
        return;
      case 'findSimilar': {
        // The command (src/extension/similar) searches every loaded store; ignore a click that raced a selection change.
        const t = this.target;
        if (t && t.span.id === m.spanId) await vscode.commands.executeCommand('spanlens.findSimilarFailures', { storeId: t.storeId, run: t.run, span: t.span });
        return;
      }
      case 'openRun':
        // Reserved in the protocol; the page has no button for it yet.
        return;
      case 'loadTurn': {
        // The whole of a long conversation turn; a request that raced a selection change is dropped.
        const t = this.target;
        if (!t || t.span.id !== m.spanId) return;
        const span = config.llmHideContent() ? hideContent(t.span) : t.span;
        const text = span.llm ? turnText(span.llm, m.index) : undefined;
        if (text !== undefined) this.post({ type: 'turnText', spanId: m.spanId, index: m.index, text });
        return;
      }
      case 'openTimeline': {
        const t = this.target;
        if (t && t.span.id === m.spanId) await vscode.commands.executeCommand('spanlens.openTimeline', { storeId: t.storeId, runId: t.run.id, spanId: t.span.id });
        return;
      }
    }
  }

  private async openSource(spanId: string): Promise<void> {
    const t = this.target;
    const src = t?.span.source;
    if (!t || !src || t.span.id !== spanId) return; // the click raced a selection change
    const r = this.resolution ?? (await this.host.sources.check(t));
    if (!r?.available) {
      void vscode.window.showWarningMessage(`Spanlens: cannot open ${src.path}: ${r ? r.reason : 'no location'}`);
      return;
    }
    // Opens in an editor group the panel is not in, so the details stay visible.
    try {
      await this.host.sources.open(r, { preview: false, preserveFocus: false });
    } catch (e) {
      void vscode.window.showErrorMessage(`Spanlens: cannot open ${r.uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private onDisposed(): void {
    if (SpanDetailsPanel.instance === this) SpanDetailsPanel.instance = undefined;
    this.seq++;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function shorten(name: string): string {
  return name.length > MAX_TITLE_NAME ? `${name.slice(0, MAX_TITLE_NAME - 1)}…` : name;
}
