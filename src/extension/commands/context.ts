/** What every command needs, and how a command finds the store or run it acts on. */
import type { EngineClient } from '../../worker/client';
import * as vscode from 'vscode';
import type { Run, Span } from '../../model/types';
import { revealInRunsView } from '../runsView/findNode';
import { RunNode, SpanItemNode, StoreNode, type ViewNode } from '../runsView/nodes';
import type { RunsTreeProvider } from '../runsView/runsTreeProvider';
import type { SourceService } from '../source/sourceService';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly registry: StoreRegistry;
  readonly provider: RunsTreeProvider;
  readonly view: vscode.TreeView<ViewNode>;
  /** From span to code (made once in activate): Go to Source, locations, Span Details' button. */
  readonly sources: SourceService;
  /** The engine's worker thread (stores, indexes and the OTLP receiver live there). */
  readonly engine: EngineClient;
}

/**
 * The store a command is about: the node it was invoked on (context menu), a store id
 * (item commands), the selection, or — from the Command Palette — the user's pick.
 */
export async function storeArg(ctx: CommandContext, arg: unknown, placeHolder: string): Promise<StoreEntry | undefined> {
  if (arg instanceof StoreNode) return arg.entry;
  if (typeof arg === 'string') return ctx.registry.get(arg);
  const sel = ctx.view.selection[0];
  if (sel instanceof StoreNode) return sel.entry;
  if (sel instanceof RunNode || sel instanceof SpanItemNode) return sel.entry;
  await ctx.registry.whenDiscovered();
  const stores = ctx.registry.list();
  if (stores.length === 0) {
    void vscode.window.showInformationMessage('Spanlens: no trace store is open. Use "Spanlens: Open Trace Store…" to add one.');
    return undefined;
  }
  if (stores.length === 1) return stores[0];
  const pick = await vscode.window.showQuickPick(
    stores.map((e) => ({ label: e.basename, description: e.folderLabel, detail: e.id, entry: e })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.entry;
}

/** The run a command is about: the node it was invoked on, or the run of the selected run/span. */
export function runArg(ctx: CommandContext, arg: unknown): { entry: StoreEntry; run: Run } | undefined {
  const node = arg ?? ctx.view.selection[0];
  if (node instanceof RunNode || node instanceof SpanItemNode) return { entry: node.entry, run: node.run };
  void vscode.window.showInformationMessage('Spanlens: select a run in the Runs view first.');
  return undefined;
}

/**
 * Span Details and the source of a span shown in an editor tab (timeline, comparison), kept out of
 * that tab's group (`avoid`); the Runs view selects the span too when it is showing.
 */
export async function openSpanFromTab(
  ctx: CommandContext,
  target: { storeId: string; run: Run; span: Span },
  avoid: vscode.ViewColumn | undefined,
): Promise<void> {
  await vscode.commands.executeCommand('spanlens.openSpan', { ...target, avoid });
  const entry = ctx.registry.get(target.storeId);
  if (entry && ctx.view.visible) await revealInRunsView(ctx.provider, ctx.view, entry, target.run.id, target.span.id);
}
