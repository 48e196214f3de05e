/**
 * Read-only text documents for reports (pipeline stats): a content provider on the
 * `spanlens-report` scheme, so a report is not an unsaved file the user is asked about.
 */
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'spanlens-report';
/** Reports kept for re-opening (e.g. after the tab is closed and re-opened from history). */
const KEEP = 20;

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private seq = 0;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This report is no longer available; run the command again.\n';
  }

  async open(title: string, text: string): Promise<void> {
    // A fresh query per report: the same pipeline's stats computed later is a new document, not a stale cached one.
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${title.replace(/[\\/:*?"<>|]+/g, '_')}`, query: String(++this.seq) });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > KEEP) this.texts.delete(this.texts.keys().next().value!);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
