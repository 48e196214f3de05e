/**
 * Spanlens extension entry point: wires the store registry, its watcher, the Runs
 * view, commands and the status bar. Activation stays cheap: it searches the workspace
 * for stores, but reads one (WASM, the file) only when the view shows it or, for the
 * status bar's count, a moment after start-up.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { config } from './config';
import { startEngine } from './engine';
import { startEventLoopProbe } from './eventLoopProbe';
import { SpanDetailsPanel } from './details/detailsPanel';
import { followStoreReloads } from './details/followStore';
import { disposeLog, log } from './log';
import { SpanItemNode } from './runsView/nodes';
import { createRunsView, RunsTreeProvider } from './runsView/runsTreeProvider';
import { withoutChildren } from './runsView/treeHelpers';
import { registerFindSimilar } from './similar/findSimilar';
import { registerSearchFeatures } from './search';
import { registerSourceFeatures } from './source';
import { SourceService } from './source/sourceService';
import { FailureStatusBar } from './statusBar';
import { registerCompare } from './compare';
import { registerTimeline } from './timeline';
import { registerReceiver } from './receiver/receiverController';
import { registerPostgresCommands } from './stores/postgresCommands';
import { RUNS_VIEW_ID, StoreRegistry } from './stores/storeRegistry';
import { StoreWatcher } from './stores/storeWatcher';

/** Two engine stops within this long: the second is not followed by re-reading every store. */
const ENGINE_RESTART_WINDOW_MS = 5 * 60_000;

/** Delay before stores are read for the status bar: start-up belongs to the editor. */
const BACKGROUND_READ_DELAY_MS = 2000;

export function activate(context: vscode.ExtensionContext): void {
  log().info(`Spanlens ${context.extension.packageJSON.version as string} activated`);
  const probe = startEventLoopProbe();
  if (probe) context.subscriptions.push(probe);
  const { engine, disposable: engineDisposable } = startEngine();
  const registry = new StoreRegistry(engine, context.workspaceState, context.secrets);
  // A dead engine took its stores with it: every store that was read is read again (in a new
  // one) — once. An engine that dies again soon (a store too big for its memory) is not restarted
  // in a loop: the stores say they were closed, and Refresh reads them again when the user asks.
  const stops: number[] = [];
  engine.onDidStop((why) => {
    const now = Date.now();
    stops.push(now);
    while (stops.length > 0 && now - stops[0]! > ENGINE_RESTART_WINDOW_MS) stops.shift();
    if (stops.length > 1) {
      void vscode.window.showWarningMessage(
        `Spanlens: the engine stopped again (${why}). The stores were not read again; use Refresh on a store to try. Output › Spanlens has the details.`,
      );
      return;
    }
    for (const e of registry.list()) if (e.touched) void registry.reload(e, 'none', true);
  });
  // From span to code, one service for every surface: handed to the view, the panels and the commands.
  const sources = new SourceService();
  const provider = new RunsTreeProvider(registry, context.workspaceState, sources);
  const view = createRunsView(provider);
  const ctx = { extension: context, registry, provider, view, sources, engine };

  context.subscriptions.push(
    registry,
    // After the registry: its stores close first, then the engine stops.
    engineDisposable,
    sources,
    provider,
    view,
    new StoreWatcher(registry),
    new FailureStatusBar(registry, view),
    SpanDetailsPanel.registerSerializer(ctx),
    ...registerCommands(ctx),
    // Go to Source, CodeLens on failing lines, Problems, gutter (src/extension/source).
    ...registerSourceFeatures(ctx),
    // Search Traces: background indexes and the picker (src/extension/search).
    ...registerSearchFeatures(ctx),
    // claude-flow in PostgreSQL (connect, password in SecretStorage) and Find Similar Failures, every store.
    ...registerPostgresCommands(ctx),
    ...registerFindSimilar(ctx),
    // The Trace Timeline: a waterfall tab per run (src/extension/timeline).
    ...registerTimeline(ctx),
    // Compare Runs: a failed run against the last that passed, or any two runs.
    ...registerCompare(ctx),
    // The OTLP/HTTP receiver: apps export to it, it writes an ordinary OTLP store the view lists.
    ...registerReceiver(ctx),
    vscode.commands.registerCommand('spanlens.showRecentFailures', async () => {
      await vscode.commands.executeCommand(`${RUNS_VIEW_ID}.focus`);
      await provider.setFilter({ status: 'failed', window: '24h' });
    }),
    // Span Details shows the newest reading of its span when the store is re-read.
    followStoreReloads(registry),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('spanlens.llm.hideContent')) registry.llmContentSettingChanged();
    }),
    // The details panel follows keyboard selection once it is open (clicks run the item's command).
    view.onDidChangeSelection((e) => {
      const node = e.selection.length === 1 ? e.selection[0] : undefined;
      const panel = SpanDetailsPanel.current;
      if (!panel || !(node instanceof SpanItemNode)) return;
      const shown = panel.shown;
      if (shown && shown.storeId === node.entry.id && shown.run.id === node.run.id && shown.span.id === node.span.id) return;
      SpanDetailsPanel.show(ctx, { storeId: node.entry.id, run: node.run, span: withoutChildren(node.span) });
    }),
  );

  void registry.whenDiscovered().then(() => {
    // The status bar's count and the failing lines (CodeLens, Problems) need the stores read.
    const wanted = config.statusBarEnabled() || config.codeLensEnabled() || config.problemsEnabled() || config.gutterEnabled();
    if (!wanted || registry.list().length === 0) return;
    const t = setTimeout(() => void registry.openAllInBackground(), BACKGROUND_READ_DELAY_MS);
    context.subscriptions.push(new vscode.Disposable(() => clearTimeout(t)));
  });
}

export function deactivate(): void {
  disposeLog();
}
