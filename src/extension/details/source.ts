/**
 * "Go to Source" for the details panel: a span's SourceRef → a file inside the open
 * workspace folders (never outside them: a trace must not open arbitrary files), then
 * an editor revealed at the line, centred.
 */
import * as vscode from 'vscode';
import type { SourceRef } from '../../model/types';

export type SourceResolution = { available: true; uri: vscode.Uri } | { available: false; reason: string };

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\\\') || /^[a-zA-Z]:[\\/]/.test(p);
}

function candidates(path: string, folders: readonly vscode.WorkspaceFolder[]): vscode.Uri[] {
  if (/^file:\/\//i.test(path)) return [vscode.Uri.parse(path)];
  if (isAbsolutePath(path)) {
    // Remote workspaces (code-server, SSH) keep their folders' scheme; the path is the server's.
    return folders.map((f) => (f.uri.scheme === 'file' ? vscode.Uri.file(path) : f.uri.with({ path: path.replace(/\\/g, '/') })));
  }
  const rel = path.replace(/\\/g, '/').replace(/^\.\//, '');
  return folders.map((f) => vscode.Uri.joinPath(f.uri, rel));
}

export async function resolveSource(src: SourceRef): Promise<SourceResolution> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    return { available: false, reason: 'Open the project folder: Go to Source only opens files inside the workspace.' };
  }
  for (const uri of candidates(src.path, folders)) {
    // joinPath normalizes `..`, so this is the check that keeps us inside a workspace folder.
    if (!vscode.workspace.getWorkspaceFolder(uri)) continue;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.File) return { available: true, uri };
    } catch {
      // missing here; try the next folder
    }
  }
  return { available: false, reason: `${src.path} is not a file in the open workspace folders.` };
}

/** Opens `uri` at the model's 1-based line (and 1-based column, when recorded), centred. */
export async function openSourceAt(uri: vscode.Uri, src: SourceRef, viewColumn: vscode.ViewColumn): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const pos = doc.validatePosition(new vscode.Position(Math.max(0, src.line - 1), Math.max(0, (src.column ?? 1) - 1)));
  const range = new vscode.Range(pos, pos);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn, selection: range, preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
}
