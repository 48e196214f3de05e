/**
 * Resolver 4, the step name (`score_risk` → `def score_risk(` / `Step(name="score_risk")`):
 * VS Code 1.90 has no stable text-search API (findTextInFiles is proposed), so the files where
 * steps are declared (Python, JS/TS, YAML; size-capped) are read once with workspace.fs and kept;
 * a lookup is then an in-memory scan by src/resolve's findStepDefinitionInFiles, cached per name.
 * A saved or changed file is re-read and the name cache dropped; created or deleted files follow
 * the workspace list. Always a guess: the UI says so.
 */
import * as vscode from 'vscode';
import { findStepDefinitionInFiles, type StepDefinition } from '../../resolve';
import { log, logError } from '../log';
import type { WorkspaceFiles, WorkspaceFileList } from './workspaceFiles';
import { isStepCandidate, rankStepCandidates } from './workspacePaths';

/** Budget of what is read and kept: enough for any project's own code, bounded for monorepos. */
export const MAX_STEP_FILES = 5000;
export const MAX_STEP_FILE_BYTES = 512 * 1024;
export const MAX_STEP_TOTAL_BYTES = 48 * 1024 * 1024;
const READ_CONCURRENCY = 24;
/** Names looked up, kept: a store has few distinct step names, but it is data. */
const NAME_CACHE = 2000;

export class StepIndex implements vscode.Disposable {
  private texts: Map<string, string> | undefined;
  private loading: Promise<void> | undefined;
  private list: WorkspaceFileList | undefined;
  private generation = 0;
  /** The file list changed since the texts were read. */
  private stale = false;
  private readonly names = new Map<string, StepDefinition | null>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  /** Lookups may answer differently now (a file was saved, created or deleted). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly files: WorkspaceFiles) {
    this.disposables.push(
      this.changed,
      files.onDidChange(() => this.reset()),
      files.onDidChangeFile((u) => void this.reread(u)),
      vscode.workspace.onDidSaveTextDocument((d) => this.onSaved(d)),
    );
  }

  /** Whether lookup() answers from texts that match the current file list. */
  get ready(): boolean {
    return this.texts !== undefined && !this.stale;
  }

  /** Reads the candidate files (after a list change: only the new ones); later calls wait for the same read. */
  prepare(): Promise<void> {
    if (this.ready) return Promise.resolve();
    const loadSettled = async (): Promise<void> => {
      // A list change during the read discards it; a few tries cover a burst of changes.
      for (let i = 0; i < 3 && !this.ready; i++) await this.load();
    };
    this.loading ??= loadSettled().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The definition of step `name` (a workspace key, guess: true), after prepare(); undefined before. */
  lookup(name: string): StepDefinition | undefined {
    const texts = this.texts;
    if (!texts) return undefined;
    const hit = this.names.get(name);
    if (hit !== undefined) {
      this.names.delete(name);
      this.names.set(name, hit); // LRU order
      return hit ?? undefined;
    }
    const def = findStepDefinitionInFiles(name, texts) ?? null;
    this.names.set(name, def);
    while (this.names.size > NAME_CACHE) this.names.delete(this.names.keys().next().value!);
    return def ?? undefined;
  }

  private async load(): Promise<void> {
    const gen = this.generation;
    const started = Date.now();
    const list = await this.files.get();
    const prev = this.texts;
    const candidates = rankStepCandidates(list.paths.filter(isStepCandidate)).slice(0, MAX_STEP_FILES);
    const texts = new Map<string, string>();
    const toRead: string[] = [];
    let total = 0;
    for (const key of candidates) {
      const kept = prev?.get(key);
      if (kept !== undefined && total + kept.length <= MAX_STEP_TOTAL_BYTES) {
        texts.set(key, kept);
        total += kept.length;
      } else if (kept === undefined) toRead.push(key);
    }
    let skipped = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toRead.length && total < MAX_STEP_TOTAL_BYTES) {
        const key = toRead[next++]!;
        const text = await readText(list, key);
        if (text === undefined) {
          skipped++;
          continue;
        }
        total += text.length;
        texts.set(key, text);
      }
    };
    await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
    if (gen !== this.generation) return; // the list changed meanwhile: the next prepare() reads again
    this.list = list;
    this.texts = texts;
    this.stale = false;
    this.names.clear();
    const total0 = list.paths.filter(isStepCandidate).length;
    log().info(
      `Step-name lookup: ${texts.size} file(s) (${(total / 1048576).toFixed(1)} MB) in memory, ${toRead.length - skipped} read in ${Date.now() - started} ms` +
        (total0 > texts.size + skipped ? `; ${total0 - texts.size - skipped} not read (over the budget)` : '') +
        (skipped ? `; ${skipped} skipped (too large or binary)` : ''),
    );
  }

  private reset(): void {
    this.generation++;
    if (!this.texts) return;
    // Kept texts are reused by the next prepare(), which reads only files that are new.
    this.stale = true;
    this.names.clear();
    this.changed.fire();
  }

  private onSaved(doc: vscode.TextDocument): void {
    const key = this.keyOf(doc.uri);
    if (key === undefined || !this.texts) return;
    this.update(key, doc.getText().length <= MAX_STEP_FILE_BYTES ? doc.getText() : undefined);
  }

  private async reread(uri: vscode.Uri): Promise<void> {
    const key = this.keyOf(uri);
    const list = this.list;
    if (key === undefined || !list || !this.texts) return;
    const gen = this.generation;
    const text = await readText(list, key);
    if (gen === this.generation) this.update(key, text);
  }

  private keyOf(uri: vscode.Uri): string | undefined {
    const key = this.list?.keyOf(uri);
    return key !== undefined && isStepCandidate(key) ? key : undefined;
  }

  private update(key: string, text: string | undefined): void {
    const texts = this.texts;
    if (!texts) return;
    if (texts.get(key) === text) return;
    if (text === undefined) texts.delete(key);
    else texts.set(key, text);
    this.names.clear();
    this.changed.fire();
  }

  dispose(): void {
    this.generation++;
    for (const d of this.disposables) d.dispose();
  }
}

async function readText(list: WorkspaceFileList, key: string): Promise<string | undefined> {
  const uri = list.toUri(key);
  if (!uri) return undefined;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_STEP_FILE_BYTES) return undefined;
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.includes(0)) return undefined; // binary
    return new TextDecoder('utf-8').decode(bytes);
  } catch (e) {
    if (!(e instanceof vscode.FileSystemError)) logError(`Reading ${uri.toString()} for step lookup failed`, e);
    return undefined;
  }
}
