/**
 * The one way from a span to its code, created once in activate and handed to whoever needs it:
 * the Runs view (locations in tooltips, a run's spans resolved ahead), Span Details (its Go to
 * Source button), the search picker, Go to Source and click-to-open (navigation.ts), and the
 * failure index behind CodeLens, Problems and the gutter (its resolver). It owns the workspace
 * file list, the step-name index and the resolver; the logic that needs no editor is
 * spanSources.ts.
 */
import * as vscode from 'vscode';
import type { Run, SourceRef, Span, SpanNode } from '../../model/types';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { logError } from '../log';
import type { StoreEntry } from '../stores/storeRegistry';
import { SourceResolver, type SpanLocation } from './sourceResolver';
import { SpanSources, type SourceCheck, type SpanAt } from './spanSources';
import { StepIndex } from './stepIndex';
import { WorkspaceFiles } from './workspaceFiles';

export type { SpanAt } from './spanSources';

export interface OpenOptions {
  /** A preview tab (replaced by the next preview) rather than a pinned one. */
  preview: boolean;
  /** Keep the focus where it is (the tree) rather than in the editor. */
  preserveFocus: boolean;
  /** A group to keep showing too (the Trace Timeline the click came from). */
  avoid?: vscode.ViewColumn;
}

export class SourceService implements vscode.Disposable {
  readonly files = new WorkspaceFiles();
  readonly steps = new StepIndex(this.files);
  readonly resolver = new SourceResolver(this.files, this.steps);
  private readonly core = new SpanSources<SpanLocation, vscode.Uri>(this.resolver, { checkRecorded: workspaceFileOf });
  private readonly late = new vscode.EventEmitter<StoreEntry>();

  /** A run's spans were resolved after its rows were shown without their locations: show them again. */
  readonly onDidResolveLate = this.late.event;

  /** `pipelines/enrich.py:24 (guess)` when resolved, null when the span has none, undefined when not resolved yet. */
  label(entry: StoreEntry, run: Run, span: Span): string | null | undefined {
    return this.core.label(entry.id, run.id, span);
  }

  /** Resolves a run's spans before its rows are built (a bounded wait: late answers fire onDidResolveLate). */
  async prepare(entry: StoreEntry, run: Run, roots: readonly SpanNode[]): Promise<void> {
    await this.core.prepare(entry.id, run.id, roots, () => this.late.fire(entry), (e) => logError('Resolving span sources failed', e));
  }

  /** Where the span happened in the workspace, or undefined. */
  resolve(target: SpanAt): Promise<SpanLocation | undefined> {
    return this.core.resolve(target);
  }

  /** Span Details' Go to Source: where the span's code opens, or why it cannot; undefined without any location. */
  check(target: SpanAt): Promise<SourceCheck<vscode.Uri> | undefined> {
    return this.core.check(target);
  }

  /** Opens the location's file with the cursor at its line and column, the line centred. */
  async open(loc: { source: SourceRef; uri: vscode.Uri }, opts: OpenOptions): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(loc.uri);
    const line = Math.min(Math.max(0, loc.source.line - 1), Math.max(0, doc.lineCount - 1));
    let character = (loc.source.column ?? 0) - 1;
    if (character < 0) character = doc.lineAt(line).firstNonWhitespaceCharacterIndex; // no column: where the code starts
    const pos = doc.validatePosition(new vscode.Position(line, character));
    const range = new vscode.Range(pos, pos);
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: sourceColumn(opts.avoid),
      selection: range,
      preview: opts.preview,
      preserveFocus: opts.preserveFocus,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
    return editor;
  }

  dispose(): void {
    this.late.dispose();
    this.resolver.dispose();
    this.steps.dispose();
    this.files.dispose();
  }
}

/** The editor group for source: not the one showing Span Details (nor `avoid`). */
function sourceColumn(avoid?: vscode.ViewColumn): vscode.ViewColumn {
  const panelColumn = SpanDetailsPanel.current?.column;
  if (avoid !== undefined) {
    for (const c of [vscode.ViewColumn.One, vscode.ViewColumn.Two, vscode.ViewColumn.Three]) if (c !== avoid && c !== panelColumn) return c;
  }
  if (panelColumn === undefined) return vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
  const active = vscode.window.activeTextEditor?.viewColumn;
  if (active !== undefined && active !== panelColumn) return active;
  return panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
}

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

/**
 * The store's own location as a file inside the open workspace folders (never outside them: a
 * trace must not open arbitrary files), for a file the workspace list leaves out (dependencies).
 */
async function workspaceFileOf(src: SourceRef): Promise<{ available: true; uri: vscode.Uri } | { available: false; reason: string }> {
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
