/**
 * Restricted Mode (an untrusted folder). Spanlens reads trace files there as anywhere: reading
 * is what it does, and it never writes. What a folder's own settings could make it do beyond
 * that is held back until the folder is trusted: connect to a PostgreSQL server named in them,
 * read files matched by extra globs, lift the store size limit, or say where the OTLP receiver
 * listens and writes and that it starts by itself. package.json lists these
 * in `capabilities.untrustedWorkspaces.restrictedConfigurations`, so VS Code itself ignores
 * their workspace values while the folder is untrusted; this module says so in the Runs view
 * and re-reads the stores the moment trust is granted.
 */
import * as vscode from 'vscode';

/** The settings an untrusted folder cannot set, and how the Runs view names them. */
export const RESTRICTED_SETTINGS: ReadonlyArray<{ key: string; words: string }> = [
  { key: 'postgres.connections', words: 'PostgreSQL connections' },
  { key: 'storeGlobs', words: 'extra store globs' },
  { key: 'maxStoreSizeMB', words: 'the store size limit' },
  { key: 'receiver.host', words: "the OTLP receiver's address" },
  { key: 'receiver.dir', words: "the OTLP receiver's folder" },
  { key: 'receiver.startOnOpen', words: 'starting the OTLP receiver with the folder' },
];

/**
 * Restricted settings this (untrusted) workspace sets and that are therefore not used; [] when
 * trusted. VS Code hides their workspace values from the API in Restricted Mode (inspect() too),
 * so the folders' `.vscode/settings.json` and the workspace file are read as text for their keys.
 */
export async function heldBackSettings(): Promise<Array<{ key: string; words: string }>> {
  if (vscode.workspace.isTrusted) return [];
  const files = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'));
  const wsFile = vscode.workspace.workspaceFile;
  if (wsFile && wsFile.scheme !== 'untitled') files.push(wsFile);
  let text = '';
  for (const f of files) {
    try {
      const bytes = await vscode.workspace.fs.readFile(f);
      text += `${Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1 << 20)).toString('utf8')}\n`;
    } catch {
      // no settings file in this folder
    }
  }
  return RESTRICTED_SETTINGS.filter(({ key }) => new RegExp(`"spanlens\\.${key.replace(/\./g, '\\.')}"\\s*:`).test(text));
}

/** The Runs view's line for what is held back: "PostgreSQL connections and extra store globs". */
export function heldBackText(held: ReadonlyArray<{ words: string }>): string {
  const words = held.map((h) => h.words);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]!}`;
}

/** Calls `onTrusted` once the user trusts the folder (never, when it is trusted already). */
export function onTrustGranted(onTrusted: () => void): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(onTrusted);
}
