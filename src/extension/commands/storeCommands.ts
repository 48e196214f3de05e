/** Adding, removing, re-reading and revealing trace stores; the log. */
import * as path from 'path';
import * as vscode from 'vscode';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { log } from '../log';
import { RUNS_VIEW_ID } from '../stores/storeRegistry';
import { storeArg, type CommandContext } from './context';

export function registerStoreCommands(ctx: CommandContext): vscode.Disposable[] {
  const { registry, provider, view } = ctx;
  return [
    vscode.commands.registerCommand('spanlens.openStore', async (kind?: unknown) => {
      // Files and folders are separate dialogs (Windows and Linux cannot ask for both in one); a server is a URL.
      type Kind = 'file' | 'folder' | 'postgres';
      let what: Kind | undefined = kind === 'file' || kind === 'folder' || kind === 'postgres' ? kind : undefined;
      if (!what) {
        const items: Array<vscode.QuickPickItem & { storeKind: Kind }> = [
          { label: '$(file) Trace File…', detail: 'A Flujo flujo_ops.db, a waft .jsonl, an OpenTelemetry OTLP/JSON .jsonl or .json', storeKind: 'file' },
          { label: '$(folder) Folder…', detail: 'A waft project, or its _pyrite/analytics/traces folder', storeKind: 'folder' },
          { label: '$(database) Connect to PostgreSQL…', detail: "claude-flow's execution_traces in a PostgreSQL database", storeKind: 'postgres' },
        ];
        const pick = await vscode.window.showQuickPick(items, { title: 'Open Trace Store', placeHolder: 'What kind of trace store?' });
        what = pick?.storeKind;
      }
      if (!what) return;
      if (what === 'postgres') {
        await vscode.commands.executeCommand('spanlens.addPostgresConnection');
        return;
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uris = await vscode.window.showOpenDialog({
        title: 'Open Trace Store',
        openLabel: 'Open Trace Store',
        canSelectMany: true,
        canSelectFiles: what === 'file',
        canSelectFolders: what === 'folder',
        ...(folder ? { defaultUri: folder } : {}),
        ...(what === 'file' ? { filters: { 'Trace stores': ['db', 'sqlite', 'sqlite3', 'jsonl', 'json'], 'All files': ['*'] } } : {}),
      });
      if (!uris?.length) return;
      let last;
      for (const uri of uris) {
        if (uri.scheme !== 'file') {
          void vscode.window.showWarningMessage(`Spanlens: ${uri.toString()} is not a local file; only files on disk can be read.`);
          continue;
        }
        last = await registry.add(uri);
      }
      if (!last) return;
      await vscode.commands.executeCommand(`${RUNS_VIEW_ID}.focus`);
      try {
        await view.reveal(provider.storeNode(last), { select: true, focus: true, expand: true });
      } catch (e) {
        // Revealing is a nicety; the store is listed either way.
        log().debug(`Revealing ${last.id} failed: ${String(e)}`);
      }
    }),

    vscode.commands.registerCommand('spanlens.removeStore', async (arg?: unknown) => {
      const entry = await storeArg(ctx, arg, 'Remove which trace store from the Runs view?');
      if (!entry) return;
      if (SpanDetailsPanel.current?.shown?.storeId === entry.id) SpanDetailsPanel.current.clear('The store of this span was removed from the Runs view.');
      await registry.remove(entry);
      vscode.window.setStatusBarMessage(
        `Spanlens: removed ${entry.basename} from the Runs view${entry.discovered ? ' (use Open Trace Store… to show it again)' : ''}`,
        5000,
      );
    }),

    vscode.commands.registerCommand('spanlens.refresh', async () => {
      await vscode.window.withProgress({ location: { viewId: RUNS_VIEW_ID } }, async () => {
        await registry.rediscover();
        await Promise.all(registry.list().map((e) => registry.reload(e, 'none')));
      });
      provider.refreshAll();
    }),

    vscode.commands.registerCommand('spanlens.refreshStore', async (arg?: unknown) => {
      const entry = await storeArg(ctx, arg, 'Re-read which trace store?');
      if (entry) await registry.reload(entry, 'view', true);
    }),

    vscode.commands.registerCommand('spanlens.loadLargeStore', async (arg?: unknown) => {
      const entry = await storeArg(ctx, arg, 'Load which trace store?');
      if (entry) await registry.loadAnyway(entry);
    }),

    vscode.commands.registerCommand('spanlens.revealStore', async (arg?: unknown) => {
      const entry = await storeArg(ctx, arg, 'Reveal which trace store?');
      if (!entry) return;
      // The Explorer can only show files inside the workspace; anything else opens in the OS.
      if (vscode.workspace.getWorkspaceFolder(entry.uri)) await vscode.commands.executeCommand('revealInExplorer', entry.uri);
      else await vscode.commands.executeCommand('revealFileInOS', entry.uri);
    }),

    vscode.commands.registerCommand('spanlens.revealStoreInOS', async (arg?: unknown) => {
      const entry = await storeArg(ctx, arg, 'Reveal which trace store?');
      if (entry) await vscode.commands.executeCommand('revealFileInOS', entry.uri);
    }),

    vscode.commands.registerCommand('spanlens.copyStorePath', async (arg?: unknown) => {
      const entry = await storeArg(ctx, arg, 'Copy the path of which trace store?');
      if (!entry) return;
      await vscode.env.clipboard.writeText(entry.id);
      vscode.window.setStatusBarMessage(`Spanlens: copied ${path.basename(entry.id)}'s path`, 3000);
    }),

    vscode.commands.registerCommand('spanlens.showLog', () => log().show(true)),
  ];
}
