/**
 * The workspace's file list for the resolvers (src/resolve): found once with workspace.findFiles
 * (dependencies, virtual environments and build output left out, capped), kept current by a
 * file-system watcher (files created or deleted are added or removed in place; a folder created
 * means a fresh search), and turned back into URIs. Multi-root: paths carry their folder's name.
 */
import * as vscode from 'vscode';
import { WorkspaceIndex } from '../../resolve';
import { log, logError } from '../log';
import { excludeGlob, folderPrefixes, fromKey, isExcludedPath, toKey } from './workspacePaths';

/** More files than this and the rest are not matched (a monorepo's checkout of everything). */
export const MAX_WORKSPACE_FILES = 50_000;
/** File events arrive in bursts (git checkout, a build): applied together after this quiet time. */
const EVENT_DEBOUNCE_MS = 400;
/** Files a stack trace never names: stores and their journals, bytecode. Their churn changes nothing. */
const IGNORED_FILE = /\.(db|sqlite3?)(-wal|-shm|-journal)?$|\.py[co]$|\.log$/i;

export interface WorkspaceFileList {
  /** Keys: `/`-separated, relative to a folder, prefixed with its name when several are open. */
  readonly paths: readonly string[];
  readonly index: WorkspaceIndex;
  /** The search stopped at MAX_WORKSPACE_FILES. */
  readonly truncated: boolean;
  toUri(key: string): vscode.Uri | undefined;
  keyOf(uri: vscode.Uri): string | undefined;
}

class FileList implements WorkspaceFileList {
  readonly index: WorkspaceIndex;
  private readonly prefixes: string[];

  constructor(
    readonly folders: readonly vscode.WorkspaceFolder[],
    readonly paths: readonly string[],
    readonly truncated: boolean,
  ) {
    this.index = new WorkspaceIndex(paths);
    this.prefixes = folderPrefixes(folders.map((f) => f.name));
  }

  toUri(key: string): vscode.Uri | undefined {
    const at = fromKey(key, this.prefixes);
    if (!at) return undefined;
    const folder = this.folders[at.folder];
    return folder ? vscode.Uri.joinPath(folder.uri, ...at.rel.split('/')) : undefined;
  }

  keyOf(uri: vscode.Uri): string | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const i = this.folders.findIndex((f) => f.uri.toString() === folder.uri.toString());
    if (i < 0) return undefined;
    const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
    if (!uri.path.startsWith(base)) return undefined;
    return toKey(this.prefixes[i]!, uri.path.slice(base.length));
  }

  /** A copy with keys added and removed (a removed key takes everything under it: a deleted folder). */
  with(added: readonly string[], removed: readonly string[]): FileList | undefined {
    if (added.length === 0 && removed.length === 0) return undefined;
    const gone = new Set(removed);
    const isGone = (p: string): boolean => {
      if (gone.has(p)) return true;
      for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) if (gone.has(p.slice(0, i))) return true;
      return false;
    };
    const kept = removed.length ? this.paths.filter((p) => !isGone(p)) : [...this.paths];
    const have = new Set(kept);
    let changed = kept.length !== this.paths.length;
    for (const a of added) {
      if (have.has(a) || kept.length >= MAX_WORKSPACE_FILES) continue;
      have.add(a);
      kept.push(a);
      changed = true;
    }
    return changed ? new FileList(this.folders, kept, this.truncated) : undefined;
  }
}

export class WorkspaceFiles implements vscode.Disposable {
  private current: Promise<FileList> | undefined;
  private generation = 0;
  private pendingCreated = new Set<string>();
  private pendingDeleted = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly fileChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];

  /** The list changed (files created or deleted, folders added or removed). */
  readonly onDidChange = this.changed.event;
  /** A listed file's content changed on disk (saved here or written by another program). */
  readonly onDidChangeFile = this.fileChanged.event;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      this.changed,
      this.fileChanged,
      watcher.onDidCreate((u) => this.queue(u, this.pendingCreated)),
      watcher.onDidDelete((u) => this.queue(u, this.pendingDeleted)),
      watcher.onDidChange((u) => {
        if (this.relevant(u)) this.fileChanged.fire(u);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()),
    );
  }

  /** The current list; the first call (and the first after a folder change) searches the workspace. */
  get(): Promise<WorkspaceFileList> {
    this.current ??= this.search();
    return this.current;
  }

  /** Forgets the list: the next get() searches again. */
  invalidate(): void {
    this.generation++;
    this.current = undefined;
    this.pendingCreated.clear();
    this.pendingDeleted.clear();
    this.changed.fire();
  }

  private async search(): Promise<FileList> {
    const folders = [...(vscode.workspace.workspaceFolders ?? [])];
    if (folders.length === 0) return new FileList([], [], false);
    const started = Date.now();
    let uris: vscode.Uri[] = [];
    try {
      uris = await vscode.workspace.findFiles('**/*', excludeGlob(), MAX_WORKSPACE_FILES + 1);
    } catch (e) {
      logError('Listing the workspace files failed', e);
    }
    const truncated = uris.length > MAX_WORKSPACE_FILES;
    const empty = new FileList(folders, [], truncated);
    const paths: string[] = [];
    for (const u of uris.slice(0, MAX_WORKSPACE_FILES)) {
      const k = empty.keyOf(u);
      if (k !== undefined && !IGNORED_FILE.test(k)) paths.push(k);
    }
    paths.sort();
    log().info(
      `Listed ${paths.length} workspace file(s) for source lookup in ${Date.now() - started} ms` +
        (truncated ? ` (stopped at ${MAX_WORKSPACE_FILES}: files beyond are not matched)` : ''),
    );
    return new FileList(folders, paths, truncated);
  }

  private relevant(u: vscode.Uri): boolean {
    if (!vscode.workspace.getWorkspaceFolder(u)) return false;
    const rel = vscode.workspace.asRelativePath(u, false);
    return !isExcludedPath(rel) && !IGNORED_FILE.test(rel);
  }

  private queue(u: vscode.Uri, into: Set<string>): void {
    if (!this.current || !this.relevant(u)) return; // nothing listed yet: the first search sees it
    into.add(u.toString());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.applyEvents(), EVENT_DEBOUNCE_MS);
  }

  private async applyEvents(): Promise<void> {
    this.timer = undefined;
    const current = this.current;
    if (!current) return;
    const gen = this.generation;
    const created = [...this.pendingCreated].map((s) => vscode.Uri.parse(s));
    const deleted = [...this.pendingDeleted].map((s) => vscode.Uri.parse(s));
    this.pendingCreated.clear();
    this.pendingDeleted.clear();
    const list = await current;
    const added: string[] = [];
    for (const u of created) {
      let type: vscode.FileType;
      try {
        type = (await vscode.workspace.fs.stat(u)).type;
      } catch {
        continue; // gone again already
      }
      if (type & vscode.FileType.Directory) {
        // A folder appeared (checkout, unzip): its files came with it, maybe without events of their own.
        if (gen === this.generation) this.invalidate();
        return;
      }
      const k = list.keyOf(u);
      if (k !== undefined) added.push(k);
    }
    const removed = deleted.map((u) => list.keyOf(u)).filter((k): k is string => k !== undefined);
    if (gen !== this.generation) return;
    const next = list.with(added, removed);
    if (!next) return;
    this.current = Promise.resolve(next);
    this.changed.fire();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
