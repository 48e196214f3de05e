/**
 * Commands for claude-flow stores in PostgreSQL: connect (adds an entry to
 * `spanlens.postgres.connections`), set the password (VS Code's SecretStorage, never settings),
 * open the setting. Passwords are never logged or shown.
 */
import * as vscode from 'vscode';
import { isPostgresUrl, parsePgUrl, passwordSecretKey, redactPgUrl } from '../../sources/claudeflow/connection';
import type { CommandContext } from '../commands/context';
import { StoreNode } from '../runsView/nodes';
import { errorMessage, log } from '../log';
import {
  ADD_POSTGRES_CONNECTION_COMMAND,
  connectionStoreId,
  CONNECTIONS_SETTING,
  OPEN_POSTGRES_SETTINGS_COMMAND,
  passwordOwner,
  readPostgresConnections,
  secretKeyOf,
  SET_POSTGRES_PASSWORD_COMMAND,
} from './postgresConnections';
import { RUNS_VIEW_ID, type StoreEntry } from './storeRegistry';

export function registerPostgresCommands(ctx: CommandContext): vscode.Disposable[] {
  const { registry, extension } = ctx;
  const secrets = extension.secrets;

  /** Re-reads every configured store whose password is under `key` (one per user and server). */
  const reopenAll = async (key: string): Promise<void> => {
    await registry.whenDiscovered();
    await Promise.all(
      registry
        .list()
        .filter((e) => e.postgres && secretKeyOf(e.postgres) === key)
        .map((e) => registry.reload(e, 'view', true)),
    );
  };

  const pickConnection = async (arg: unknown): Promise<StoreEntry | undefined> => {
    await registry.whenDiscovered();
    const id = arg instanceof StoreNode ? arg.entry.id : typeof arg === 'string' ? arg : undefined;
    const all = registry.list().filter((e) => e.postgres);
    if (id !== undefined) return all.find((e) => e.id === id);
    const sel = ctx.view.selection[0];
    if (sel instanceof StoreNode && sel.entry.postgres) return sel.entry;
    if (all.length === 0) {
      const pick = await vscode.window.showInformationMessage(
        'Spanlens: no PostgreSQL connection is configured (spanlens.postgres.connections).',
        'Connect to PostgreSQL…',
      );
      if (pick) await vscode.commands.executeCommand(ADD_POSTGRES_CONNECTION_COMMAND);
      return undefined;
    }
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(
      all.map((e) => ({ label: e.basename, description: e.folderLabel, entry: e })),
      { title: 'Set PostgreSQL Password', placeHolder: 'For which connection?' },
    );
    return pick?.entry;
  };

  const askPassword = async (owner: string, optional: boolean): Promise<string | undefined> =>
    vscode.window.showInputBox({
      title: 'Spanlens: PostgreSQL Password',
      prompt: `Password for ${owner}: kept in VS Code's Secret Storage, never in settings.${optional ? ' Leave empty if the server needs none.' : ' Empty removes the stored one.'}`,
      password: true,
      ignoreFocusOut: true,
    });

  return [
    vscode.commands.registerCommand(SET_POSTGRES_PASSWORD_COMMAND, async (arg?: unknown) => {
      const entry = await pickConnection(arg);
      const c = entry?.postgres;
      if (!entry || !c) return;
      const key = secretKeyOf(c);
      if (!key) {
        void vscode.window.showWarningMessage(`Spanlens: the connection '${c.name}' has no valid postgres:// URL — fix it in settings first.`);
        return;
      }
      const password = await askPassword(passwordOwner(c), false);
      if (password === undefined) return;
      if (password === '') {
        await secrets.delete(key);
        vscode.window.setStatusBarMessage(`Spanlens: removed the stored password for ${passwordOwner(c)}`, 4000);
      } else {
        await secrets.store(key, password);
        vscode.window.setStatusBarMessage(`Spanlens: stored the password for ${passwordOwner(c)}`, 4000);
      }
      log().info(`PostgreSQL password for ${passwordOwner(c)} ${password === '' ? 'removed' : 'updated'}`);
      await reopenAll(key);
    }),

    vscode.commands.registerCommand(ADD_POSTGRES_CONNECTION_COMMAND, async () => {
      const typed = await vscode.window.showInputBox({
        title: 'Spanlens: Connect to PostgreSQL (claude-flow)',
        prompt: "The database holding claude-flow's execution_traces. A password typed here is moved to Secret Storage.",
        placeHolder: 'postgres://user@host:5432/database   (add ?schema=name for another schema)',
        ignoreFocusOut: true,
        validateInput: (v) => {
          if (v.trim() === '') return null;
          if (!isPostgresUrl(v)) return 'Start with postgres:// — e.g. postgres://user@localhost:5432/claude_flow';
          try {
            parsePgUrl(v);
            return null;
          } catch (e) {
            return errorMessage(e);
          }
        },
      });
      if (!typed?.trim()) return;
      const target = parsePgUrl(typed);
      const url = redactPgUrl(typed);
      const name = await vscode.window.showInputBox({
        title: 'Spanlens: Connect to PostgreSQL (claude-flow)',
        prompt: 'A name for this store in the Runs view',
        value: target.database,
        ignoreFocusOut: true,
      });
      if (name === undefined) return;
      const section = vscode.workspace.getConfiguration('spanlens');
      const existing = section.get<unknown>('postgres.connections');
      const list = Array.isArray(existing) ? [...(existing as unknown[])] : [];
      const already = readPostgresConnections().some((c) => c.url === url);
      if (!already) list.push({ name: name.trim() || target.database, url });
      const key = passwordSecretKey(target);
      if (target.password !== undefined) {
        await secrets.store(key, target.password);
      } else {
        const password = await askPassword(passwordOwner({ name, url, hadPassword: false }), true);
        if (password) await secrets.store(key, password);
      }
      if (!already) {
        const scope = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
        await section.update('postgres.connections', list, scope);
      }
      await registry.unhide(connectionStoreId({ name, url }));
      await registry.rediscover();
      const entry = registry.get(connectionStoreId({ name, url }));
      if (entry) {
        await registry.reload(entry, 'view', true);
        await vscode.commands.executeCommand(`${RUNS_VIEW_ID}.focus`);
        try {
          await ctx.view.reveal(ctx.provider.storeNode(entry), { select: true, focus: true, expand: true });
        } catch (e) {
          log().debug(`Revealing ${entry.id} failed: ${String(e)}`);
        }
      }
    }),

    vscode.commands.registerCommand(OPEN_POSTGRES_SETTINGS_COMMAND, () =>
      vscode.commands.executeCommand('workbench.action.openSettings', CONNECTIONS_SETTING),
    ),
  ];
}
