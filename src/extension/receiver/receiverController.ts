/**
 * The OTLP/HTTP receiver inside VS Code: **Spanlens: Start OTLP Receiver** / **Stop OTLP Receiver**,
 * a status bar item with its port and the spans received, and `spanlens.receiver.startOnOpen`.
 * What it receives is written to an ordinary OTLP store folder (default `.spanlens/otlp` in the
 * first workspace folder), which the Runs view lists like any other store and re-reads as spans
 * arrive — the receiver is a producer of files, not a special path into the views.
 */
import { formatCount } from '../../model/format';
import * as path from 'path';
import * as vscode from 'vscode';
import { RECEIVER_DIR_PATH } from '../../sources/storeFiles';
import { DEFAULT_OTLP_HTTP_PORT } from '../../receiver/server';
import type { RemoteReceiver } from '../../worker/client';
import type { CommandContext } from '../commands/context';
import { log, logError } from '../log';
import { Coalescer } from '../schedule/coalescer';
import type { StoreEntry } from '../stores/storeRegistry';

export const START_RECEIVER_COMMAND = 'spanlens.startReceiver';
export const STOP_RECEIVER_COMMAND = 'spanlens.stopReceiver';
export const RECEIVER_MENU_COMMAND = 'spanlens.receiverMenu';
const RUNNING_CONTEXT = 'spanlens.receiverRunning';
/** Spans arrive in bursts (an exporter's batches): one re-read of the store per burst. */
const RELOAD_AFTER_MS = 100;

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('spanlens.receiver');
}

/** Where received spans go: the setting, relative to the first workspace folder (or the global storage). */
export function receiverDir(extension: vscode.ExtensionContext): string {
  const configured = settings().get<string>('dir')?.trim() || path.join(...RECEIVER_DIR_PATH);
  if (path.isAbsolute(configured)) return path.normalize(configured);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? extension.globalStorageUri.fsPath;
  return path.normalize(path.join(base, configured));
}

export class ReceiverController implements vscode.Disposable {
  private receiver: RemoteReceiver | undefined;
  private starting: Promise<void> | undefined;
  private readonly item: vscode.StatusBarItem;
  /** Re-reads the spool store once a burst of requests is over (the first request's wait stands: a steady stream still shows). */
  private readonly reloads = new Coalescer(() => this.refreshStore(), {
    delayMs: RELOAD_AFTER_MS,
    restartWait: false,
    onError: (e) => logError('Showing received traces failed', e),
  });
  private revealed = false;

  constructor(private readonly ctx: CommandContext) {
    this.item = vscode.window.createStatusBarItem('spanlens.receiver', vscode.StatusBarAlignment.Left, -1);
    this.item.name = 'Spanlens OTLP Receiver';
    this.item.command = RECEIVER_MENU_COMMAND;
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
  }

  get running(): RemoteReceiver | undefined {
    return this.receiver;
  }

  async start(): Promise<void> {
    if (this.receiver) {
      void vscode.window.showInformationMessage(`Spanlens: the OTLP receiver is already running on ${this.receiver.url}.`);
      return;
    }
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const dir = receiverDir(this.ctx.extension);
    const host = settings().get<string>('host')?.trim() || '127.0.0.1';
    const port = settings().get<number>('port') ?? DEFAULT_OTLP_HTTP_PORT;
    try {
      // It listens in the engine's worker: decoding and writing what apps send never runs here.
      this.receiver = await this.ctx.engine.startReceiver({ dir, host, port }, () => this.spansArrived());
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      logError('Starting the OTLP receiver failed', e);
      const change = 'Change Port…';
      const pick = await vscode.window.showErrorMessage(`Spanlens: the OTLP receiver did not start: ${msg}.`, change);
      if (pick === change) await vscode.commands.executeCommand('workbench.action.openSettings', 'spanlens.receiver.port');
      return;
    }
    this.revealed = false;
    log().info(`OTLP receiver listening on ${this.receiver.url}, storing in ${dir}`);
    await vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, true);
    this.render();
    const endpoint = this.receiver.url.slice(0, -'/v1/traces'.length);
    const copy = 'Copy Endpoint';
    void vscode.window
      .showInformationMessage(`Spanlens is receiving OTLP/HTTP traces on ${this.receiver.url}. Point an app at it with OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}.`, copy)
      .then((pick) => {
        if (pick === copy) void vscode.env.clipboard.writeText(endpoint);
      });
  }

  async stop(): Promise<void> {
    const r = this.receiver;
    if (!r) {
      void vscode.window.showInformationMessage('Spanlens: the OTLP receiver is not running.');
      return;
    }
    this.receiver = undefined;
    await r.stop();
    log().info(`OTLP receiver stopped: ${r.stats.requests} requests, ${r.stats.spans} spans stored`);
    await vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
    this.item.hide();
  }

  async menu(): Promise<void> {
    const r = this.receiver;
    if (!r) return this.start();
    const endpoint = r.url.slice(0, -'/v1/traces'.length);
    const picks = [
      { label: '$(copy) Copy Endpoint', detail: `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`, run: () => vscode.env.clipboard.writeText(endpoint) },
      { label: '$(list-tree) Show Received Traces', detail: r.dir, run: () => this.revealStore() },
      { label: '$(debug-stop) Stop OTLP Receiver', detail: `${r.stats.spans} spans received so far`, run: () => this.stop() },
    ];
    const pick = await vscode.window.showQuickPick(picks, { placeHolder: `OTLP receiver on ${r.url}` });
    await pick?.run();
  }

  /** A burst of spans was stored: make sure the store is listed, then re-read it once the burst is over. */
  private spansArrived(): void {
    this.render();
    this.reloads.request();
  }

  private async refreshStore(): Promise<void> {
    const r = this.receiver;
    if (!r) return;
    const entry = await this.entry(r.dir);
    await this.ctx.registry.reload(entry, 'none', true);
    if (!this.revealed) {
      // The first traces of this session: show where they are.
      this.revealed = true;
      await this.showStore(entry);
    }
  }

  private async entry(dir: string): Promise<StoreEntry> {
    return this.ctx.registry.get(dir) ?? (await this.ctx.registry.add(vscode.Uri.file(dir)));
  }

  private async revealStore(): Promise<void> {
    const r = this.receiver;
    if (!r) return;
    const entry = this.ctx.registry.get(r.dir);
    if (entry) await this.showStore(entry);
    else void vscode.window.showInformationMessage('Spanlens: no traces received yet.');
  }

  /** The receiver's store in the Runs view, expanded (its newest traces on top). */
  private async showStore(entry: StoreEntry): Promise<void> {
    try {
      await this.ctx.view.reveal(this.ctx.provider.storeNode(entry), { select: false, focus: false, expand: true });
    } catch (e) {
      logError('Showing the received traces in the Runs view failed', e);
    }
  }

  private render(): void {
    const r = this.receiver;
    if (!r) return;
    const n = r.stats.spans;
    this.item.text = `$(radio-tower) OTLP :${r.port} · ${formatCount(n)} span${n === 1 ? '' : 's'}`;
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**Spanlens OTLP receiver**\n\n`);
    tip.appendMarkdown(`Listening on \`${r.url}\`\n\n`);
    tip.appendMarkdown(`Storing in \`${r.dir}\`\n\n`);
    tip.appendMarkdown(`${r.stats.requests} requests · ${n} spans${r.stats.rejectedSpans ? ` · ${r.stats.rejectedSpans} rejected` : ''}\n\n`);
    tip.appendMarkdown('Click to copy the endpoint, show the traces, or stop.');
    this.item.tooltip = tip;
    this.item.show();
  }

  dispose(): void {
    this.reloads.dispose();
    this.item.dispose();
    const r = this.receiver;
    this.receiver = undefined;
    if (r) void r.stop().catch(() => undefined);
  }

  /** The engine stopped, and the receiver listening in it with it: say so; Start brings it back. */
  engineStopped(why: string): void {
    const r = this.receiver;
    if (!r || r.endedBecause === undefined) return;
    this.receiver = undefined;
    this.item.hide();
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
    log().warn(`The OTLP receiver stopped with the engine (${why}) after ${r.stats.spans} spans`);
    void vscode.window.showWarningMessage(`Spanlens: the OTLP receiver stopped (${why}). Start it again with Spanlens: Start OTLP Receiver.`);
  }
}

export function registerReceiver(ctx: CommandContext): vscode.Disposable[] {
  const controller = new ReceiverController(ctx);
  const stopped = ctx.engine.onDidStop((why) => controller.engineStopped(why));
  if (settings().get<boolean>('startOnOpen') === true && vscode.workspace.isTrusted) void controller.start();
  return [
    controller,
    { dispose: () => stopped.dispose() },
    vscode.commands.registerCommand(START_RECEIVER_COMMAND, () => controller.start()),
    vscode.commands.registerCommand(STOP_RECEIVER_COMMAND, () => controller.stop()),
    vscode.commands.registerCommand(RECEIVER_MENU_COMMAND, () => controller.menu()),
  ];
}
