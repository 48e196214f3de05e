/**
 * Failing lines in the Problems panel (a DiagnosticCollection, source "Spanlens",
 * spanlens.problems.enabled) and in the editor's gutter and overview ruler
 * (spanlens.gutter.enabled), both from the failure index.
 */
import * as vscode from 'vscode';
import { failureDiagnosticText, type FailureGroup } from '../../analysis/failures';
import { config } from '../config';
import { logError } from '../log';
import type { FailureIndex } from './failureIndex';

const MAX_TEXT_BYTES = 4 * 1024 * 1024;

/** The text of an open document, or of the file on disk (for the range of a line): undefined when unreadable. */
async function lineTexts(uri: vscode.Uri): Promise<string[] | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText().split(/\r?\n/);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_TEXT_BYTES) return undefined;
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri)).split(/\r?\n/);
  } catch {
    return undefined;
  }
}

/** From the recorded column (or where the line's code starts) to the end of the line. */
function lineRange(lines: string[] | undefined, g: FailureGroup): vscode.Range {
  const count = lines?.length ?? Number.MAX_SAFE_INTEGER;
  const line = Math.min(Math.max(0, g.line - 1), Math.max(0, count - 1));
  const text = lines?.[line];
  if (text === undefined) return new vscode.Range(line, Math.max(0, (g.column ?? 1) - 1), line, Number.MAX_SAFE_INTEGER);
  const indent = text.length - text.trimStart().length;
  const start = g.column !== undefined ? Math.min(text.length, Math.max(0, g.column - 1)) : indent;
  const end = text.trimEnd().length;
  return new vscode.Range(line, start, line, Math.max(start, end));
}

export class FailureDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('spanlens');
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;

  constructor(private readonly index: FailureIndex) {
    this.disposables.push(
      this.collection,
      index.onDidChange(() => void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.problems')) void this.update();
      }),
    );
  }

  private async update(): Promise<void> {
    const seq = ++this.seq;
    if (!config.problemsEnabled()) {
      this.collection.clear();
      return;
    }
    try {
      const next: Array<[vscode.Uri, vscode.Diagnostic[]]> = [];
      for (const [uri, groups] of this.index.entries()) {
        const lines = await lineTexts(uri);
        next.push([
          uri,
          groups.map((g) => {
            const d = new vscode.Diagnostic(lineRange(lines, g), failureDiagnosticText(g), vscode.DiagnosticSeverity.Error);
            d.source = 'Spanlens';
            return d;
          }),
        ]);
      }
      if (seq !== this.seq) return; // a newer update is on its way
      this.collection.clear();
      this.collection.set(next);
    } catch (e) {
      logError('Updating the Problems panel failed', e);
    }
  }

  dispose(): void {
    this.seq++;
    for (const d of this.disposables) d.dispose();
  }
}

/** A small red mark in the gutter and the overview ruler of failing lines, on visible editors. */
export class FailureGutter implements vscode.Disposable {
  private readonly decoration: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly index: FailureIndex,
  ) {
    this.decoration = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'span-failed.svg'),
      gutterIconSize: '70%',
      overviewRulerColor: new vscode.ThemeColor('editorError.foreground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      isWholeLine: true,
    });
    this.disposables.push(
      this.decoration,
      index.onDidChange(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.gutter') || e.affectsConfiguration('spanlens.problems')) this.update();
      }),
    );
    this.update();
  }

  private update(): void {
    const on = config.gutterEnabled();
    // With the Problems panel off, the mark's hover is where the failure is told.
    const hover = !config.problemsEnabled();
    for (const editor of vscode.window.visibleTextEditors) {
      const groups = on ? this.index.groupsFor(editor.document.uri) : [];
      const doc = editor.document;
      const options: vscode.DecorationOptions[] = groups.map((g) => {
        const line = Math.min(Math.max(0, g.line - 1), doc.lineCount - 1);
        const o: vscode.DecorationOptions = { range: doc.lineAt(line).range };
        if (hover) o.hoverMessage = new vscode.MarkdownString().appendText(failureDiagnosticText(g));
        return o;
      });
      editor.setDecorations(this.decoration, options);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
