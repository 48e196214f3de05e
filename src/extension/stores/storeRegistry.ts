/**
 * The trace stores the extension knows: found in the workspace (`**\/flujo_ops.db`, waft
 * traces folders, OTLP files — see discovery.ts — and `spanlens.storeGlobs`), configured
 * (`spanlens.postgres.connections`), or added by the user (remembered in workspaceState). Owns
 * opening, re-reading and closing them, and each store's state (idle, opening, open,
 * error, too large). Nothing is read until someone asks (`ensureOpen`), so activation
 * stays cheap. One store failing never touches the others.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { buildSpanTree } from '../../analysis/tree';
import type { SpanNode } from '../../model/types';
import { storeKind } from '../../sources/kinds';
import { StoreError, type TraceStore } from '../../sources/types';
import { config, RELOAD_DEBOUNCE_MS } from '../config';
import { errorMessage, log, logError } from '../log';
import { discoveryGlobs, storeIdForFile, waftProjectDir } from './discovery';
import { nextReloadGapMs, sizeLimitBytes } from './reloadPolicy';
import {
  connectionDescription,
  connectionStoreId,
  openPostgresStore,
  readPostgresConnections,
  warnPasswordInSettings,
  type PostgresConnection,
} from './postgresConnections';
import { SERVER_SIGNATURE, storeSignature } from '../../sources/signature';
import { RemoteTraceStore, type EngineClient } from '../../worker/client';

export const RUNS_VIEW_ID = 'spanlens.runs';

const ADDED_KEY = 'spanlens.addedStores';
const HIDDEN_KEY = 'spanlens.hiddenStores';
/** Span trees kept per (store version, run): expanding a few runs back and forth stays instant. */
const SPAN_TREE_CACHE = 24;

export type StoreState =
  | { kind: 'idle' }
  | { kind: 'opening' }
  | { kind: 'open'; store: TraceStore; loadedAt: number }
  | { kind: 'error'; message: string }
  | { kind: 'tooLarge'; sizeBytes: number; limitBytes: number };

/** How a load shows progress: in the Runs view (user asked), the status bar (background), or not at all (live reloads). */
export type LoadProgress = 'view' | 'window' | 'none';

export class StoreEntry {
  readonly uri: vscode.Uri;
  discovered = false;
  added = false;
  /** Set for a claude-flow store in PostgreSQL (from spanlens.postgres.connections): it has no file. */
  postgres?: PostgresConnection;
  /** For a folder store (waft): the folder whose .jsonl files it reads, known once it was looked at. */
  watchDir?: string;
  state: StoreState = { kind: 'idle' };
  /** Bumped on every (re)load: anything cached from the store goes stale with it. */
  version = 0;
  /** The user chose "load anyway" for a store over spanlens.maxStoreSizeMB. */
  allowLarge = false;
  /** Database + -wal bytes at the last look. */
  sizeBytes?: number;
  /** FileSignature.key of what the current state was read from; the watcher compares against it. */
  loadedSig?: string;
  lastLoadMs = 0;
  loading?: Promise<void>;
  reloadQueued = false;

  constructor(
    readonly id: string,
    postgres?: PostgresConnection,
  ) {
    if (postgres) this.postgres = postgres;
    // A server has no file: a URI of our own, which no workspace folder contains.
    this.uri = postgres ? vscode.Uri.from({ scheme: 'spanlens-postgres', path: `/${id}` }) : vscode.Uri.file(id);
  }

  /** What the store is called: the file name, a waft store's project folder, a connection's name. */
  get basename(): string {
    if (this.postgres) return this.postgres.name;
    const project = waftProjectDir(this.id);
    return path.basename(project ?? this.id);
  }

  /** Workspace-relative folder (or the absolute one outside the workspace): tells apart many flujo_ops.db. */
  get folderLabel(): string {
    if (this.postgres) return connectionDescription(this.postgres);
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    // A waft store is named after its project: the folder that holds the project, as for a file.
    const project = waftProjectDir(this.id);
    const rel = vscode.workspace.asRelativePath(project ? vscode.Uri.file(project) : this.uri, multi);
    const dir = path.dirname(rel);
    return dir === '.' ? '' : dir;
  }

  get store(): TraceStore | undefined {
    return this.state.kind === 'open' ? this.state.store : undefined;
  }

  /** Whether anything has been asked of this store yet (only then is it watched). */
  get touched(): boolean {
    return this.state.kind !== 'idle';
  }
}

function sameFile(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class StoreRegistry implements vscode.Disposable {
  private readonly entries = new Map<string, StoreEntry>();
  private readonly spanTrees = new Map<string, Promise<SpanNode[]>>();
  private readonly changeStores = new vscode.EventEmitter<void>();
  private readonly changeStore = new vscode.EventEmitter<StoreEntry>();
  private discovery: Promise<void> | undefined;
  private disposed = false;

  /** The list of stores changed (found, added, removed). */
  readonly onDidChangeStores = this.changeStores.event;
  /** One store's state or data changed (opened, re-read, failed). */
  readonly onDidChangeStore = this.changeStore.event;

  constructor(
    /** Where stores are opened and live: the engine's worker thread (src/worker). */
    private readonly engine: EngineClient,
    private readonly memento: vscode.Memento,
    /** Where PostgreSQL passwords are kept (never in settings). */
    private readonly secrets?: vscode.SecretStorage,
  ) {
    for (const p of this.addedPaths()) this.entryFor(p).added = true;
  }

  // ---- the list ----

  list(): StoreEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.added || e.discovered)
      .sort((a, b) => {
        // Workspace stores first (by relative path), then stores added from elsewhere, then database servers.
        const ai = a.postgres ? 2 : vscode.workspace.getWorkspaceFolder(a.uri) ? 0 : 1;
        const bi = b.postgres ? 2 : vscode.workspace.getWorkspaceFolder(b.uri) ? 0 : 1;
        if (ai !== bi) return ai - bi;
        return vscode.workspace.asRelativePath(a.uri).localeCompare(vscode.workspace.asRelativePath(b.uri));
      });
  }

  get(id: string): StoreEntry | undefined {
    const e = this.entries.get(id);
    return e && (e.added || e.discovered) ? e : undefined;
  }

  /** Resolves once the first workspace search is done; starts it when nobody has. */
  private discoveryGeneration = 0;

  whenDiscovered(): Promise<void> {
    this.discovery ??= this.discover();
    return this.discovery;
  }

  /** Searches the workspace for stores again (after a settings or folder change, or Refresh). */
  rediscover(): Promise<void> {
    this.discovery = this.discover();
    return this.discovery;
  }

  private async discover(): Promise<void> {
    // Searches overlap (a settings change and a trust grant at once): only the newest applies,
    // so one that started with the old settings cannot undo the one that read the new.
    const generation = ++this.discoveryGeneration;
    const found = new Set<string>();
    if (vscode.workspace.workspaceFolders?.length) {
      const globs = discoveryGlobs(config.storeGlobs());
      const results = await Promise.all(
        globs.map(async (g) => {
          try {
            return await vscode.workspace.findFiles(g, '**/node_modules/**', 1000);
          } catch (e) {
            // A malformed user glob must not hide the stores the other globs find.
            logError(`Searching the workspace for '${g}' failed`, e);
            return [];
          }
        }),
      );
      // waft's daily files are one store per traces folder.
      for (const uris of results) for (const u of uris) if (u.scheme === 'file') found.add(storeIdForFile(path.normalize(u.fsPath)));
    }
    if (this.disposed || generation !== this.discoveryGeneration) return;
    const hidden = this.hiddenPaths();
    let changed = false;
    // PostgreSQL connections from settings: "discovered" too (settings change → discover again).
    const connections = new Map<string, PostgresConnection>();
    for (const c of readPostgresConnections()) connections.set(connectionStoreId(c), c);
    for (const [id, c] of connections) {
      found.add(id);
      warnPasswordInSettings(c);
      const e = this.entries.get(id);
      // A changed connection (name, sinceDays): its entry is dropped here and made anew below.
      if (e && JSON.stringify(e.postgres) !== JSON.stringify(c)) {
        await this.drop(e);
        changed = true;
      }
    }
    for (const p of found) {
      if (hidden.some((h) => sameFile(h, p))) continue;
      const e = this.entryFor(p, connections.get(p));
      if (!e.discovered) {
        e.discovered = true;
        changed = true;
      }
    }
    for (const e of [...this.entries.values()]) {
      if (e.discovered && !found.has(e.id)) {
        e.discovered = false;
        changed = true;
        if (!e.added) await this.drop(e);
      }
    }
    log().info(`Found ${found.size} trace store(s) in the workspace`);
    if (changed) this.changeStores.fire();
  }

  /** Adds a store the user picked; un-hides it when it had been removed. */
  async add(uri: vscode.Uri): Promise<StoreEntry> {
    const id = path.normalize(uri.fsPath);
    await this.memento.update(
      HIDDEN_KEY,
      this.hiddenPaths().filter((h) => !sameFile(h, id)),
    );
    const added = this.addedPaths();
    if (!added.some((a) => sameFile(a, id))) await this.memento.update(ADDED_KEY, [...added, id]);
    const e = this.entryFor(id);
    e.added = true;
    this.changeStores.fire();
    return e;
  }

  /** Shows a hidden store again (a PostgreSQL connection connected to again). */
  async unhide(id: string): Promise<void> {
    await this.memento.update(
      HIDDEN_KEY,
      this.hiddenPaths().filter((h) => !sameFile(h, id)),
    );
  }

  /** Removes a store from the view; a store found in the workspace stays hidden until added again. */
  async remove(entry: StoreEntry): Promise<void> {
    await this.memento.update(
      ADDED_KEY,
      this.addedPaths().filter((a) => !sameFile(a, entry.id)),
    );
    if (entry.discovered) {
      const hidden = this.hiddenPaths();
      if (!hidden.some((h) => sameFile(h, entry.id))) await this.memento.update(HIDDEN_KEY, [...hidden, entry.id]);
    }
    await this.drop(entry);
    this.changeStores.fire();
  }

  private entryFor(id: string, postgres?: PostgresConnection): StoreEntry {
    let e = this.entries.get(id);
    if (!e) {
      e = new StoreEntry(id, postgres);
      this.entries.set(id, e);
    }
    return e;
  }

  private async drop(entry: StoreEntry): Promise<void> {
    this.entries.delete(entry.id);
    entry.added = false;
    entry.discovered = false;
    this.forgetSpanTrees(entry);
    const store = entry.store;
    entry.state = { kind: 'idle' };
    if (store) await this.closeWhenFree(store);
  }

  private addedPaths(): string[] {
    const v = this.memento.get<unknown>(ADDED_KEY);
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
  }

  private hiddenPaths(): string[] {
    const v = this.memento.get<unknown>(HIDDEN_KEY);
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
  }

  private isLive(entry: StoreEntry): boolean {
    return !this.disposed && this.entries.get(entry.id) === entry;
  }

  // ---- reading ----

  /** Starts reading the store when nothing has been asked of it yet; resolves when it is read. */
  ensureOpen(entry: StoreEntry, progress: LoadProgress): Promise<void> {
    if (entry.state.kind !== 'idle') return entry.loading ?? Promise.resolve();
    return this.load(entry, progress);
  }

  /** Re-reads a store (its file changed, or the user asked). Untouched stores stay untouched unless `force`. */
  reload(entry: StoreEntry, progress: LoadProgress, force = false): Promise<void> {
    if (!entry.touched && !force) return Promise.resolve();
    return this.load(entry, progress);
  }

  /** Reads a store over spanlens.maxStoreSizeMB because the user said so (for this session). */
  loadAnyway(entry: StoreEntry): Promise<void> {
    entry.allowLarge = true;
    return this.load(entry, 'view');
  }

  /** Reads every store not read yet, one after the other: feeds the status bar's failure count. */
  async openAllInBackground(): Promise<void> {
    for (const e of this.list()) {
      if (this.disposed) return;
      if (e.state.kind === 'idle') await this.ensureOpen(e, 'window');
    }
  }

  private load(entry: StoreEntry, progress: LoadProgress): Promise<void> {
    if (entry.loading) {
      // A change while reading: read once more afterwards, however many changes arrive meanwhile.
      entry.reloadQueued = true;
      return entry.loading;
    }
    const loop = async (): Promise<void> => {
      let first = true;
      do {
        if (!first) await delay(nextReloadGapMs(RELOAD_DEBOUNCE_MS, entry.lastLoadMs));
        first = false;
        entry.reloadQueued = false;
        await this.loadOnce(entry, progress);
      } while (entry.reloadQueued && this.isLive(entry));
    };
    entry.loading = loop().finally(() => {
      entry.loading = undefined;
    });
    return entry.loading;
  }

  private async loadOnce(entry: StoreEntry, progress: LoadProgress): Promise<void> {
    if (!this.isLive(entry)) return;
    const sig = entry.postgres ? SERVER_SIGNATURE : await storeSignature(entry.id);
    if (sig.watchDir !== undefined) entry.watchDir = sig.watchDir;
    const size = sig.dbBytes + sig.walBytes;
    entry.sizeBytes = size;
    const limit = sizeLimitBytes(config.maxStoreSizeMB());
    if (sig.exists && size > limit && !entry.allowLarge) {
      // Reading holds the whole file in memory (twice, briefly): ask before doing that with a huge one.
      await this.closeStore(entry);
      entry.loadedSig = sig.key;
      this.setState(entry, { kind: 'tooLarge', sizeBytes: size, limitBytes: limit });
      return;
    }
    if (entry.state.kind !== 'open') this.setState(entry, { kind: 'opening' });

    const read = async (): Promise<void> => {
      const started = Date.now();
      const current = entry.store;
      // A store of an engine that stopped is opened anew, not asked to refresh.
      const alive = !(current instanceof RemoteTraceStore) || current.alive;
      if (current?.refresh && storeKind(current).incremental && alive) {
        // A line-based store reads only what was appended when refreshed; no reopen.
        await this.requery(entry, current, sig.key);
        entry.lastLoadMs = Date.now() - started;
        return;
      }
      try {
        // Opened in the engine's worker: reading the file, merging its -wal never pause the editor.
        const store = entry.postgres
          ? await openPostgresStore(entry.postgres, entry.id, this.secrets, (spec) => this.engine.openStore(spec))
          : await this.engine.openStore({ target: entry.id });
        if (!this.isLive(entry)) {
          await safeClose(store);
          return;
        }
        const old = entry.store;
        entry.version++;
        entry.loadedSig = sig.key;
        this.forgetSpanTrees(entry);
        // Swap first, close after: the view keeps showing the old data until the new is ready.
        this.setState(entry, { kind: 'open', store, loadedAt: Date.now() });
        if (old) await this.closeWhenFree(old);
        log().debug(`Read ${entry.id} in ${Date.now() - started} ms`);
      } catch (e) {
        if (!this.isLive(entry)) return;
        await this.closeStore(entry);
        entry.version++;
        entry.loadedSig = sig.key;
        const message =
          e instanceof StoreError
            ? errorMessage(e)
            : `${entry.id}: could not read the store (${errorMessage(e)}) — see Output › Spanlens for details`;
        logError(`Reading ${entry.id} failed`, e);
        this.setState(entry, { kind: 'error', message });
      } finally {
        entry.lastLoadMs = Date.now() - started;
      }
    };

    if (progress === 'view') {
      await vscode.window.withProgress({ location: { viewId: RUNS_VIEW_ID } }, read);
    } else if (progress === 'window') {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Spanlens: reading ${entry.basename}` },
        read,
      );
    } else {
      await read();
    }
  }

  /**
   * A line-based store changed on disk: keep it open and ask it once (it reads the appended
   * lines and any new daily file), then tell the views, which re-query it. Its span trees
   * are read anew: a trace's spans may have grown.
   */
  private async requery(entry: StoreEntry, store: TraceStore, sigKey: string): Promise<void> {
    try {
      await store.refresh?.();
    } catch (e) {
      if (!this.isLive(entry) || entry.store !== store) return;
      await this.closeStore(entry);
      entry.version++;
      entry.loadedSig = sigKey;
      logError(`Re-reading ${entry.id} failed`, e);
      const message = e instanceof StoreError ? errorMessage(e) : `${entry.id}: could not read the store (${errorMessage(e)}) — see Output › Spanlens for details`;
      this.setState(entry, { kind: 'error', message });
      return;
    }
    if (!this.isLive(entry) || entry.store !== store) return;
    entry.version++;
    entry.loadedSig = sigKey;
    this.forgetSpanTrees(entry);
    this.setState(entry, { kind: 'open', store, loadedAt: Date.now() });
  }

  private async closeStore(entry: StoreEntry): Promise<void> {
    const store = entry.store;
    this.forgetSpanTrees(entry);
    if (store) {
      entry.state = { kind: 'idle' };
      await this.closeWhenFree(store);
    }
  }

  /**
   * Keeps `store` open while long work reads it (search indexing a big store takes seconds),
   * even after a newer read of its file replaced it; the work calls the returned function when
   * done, and a replaced store is closed then.
   */
  retain(store: TraceStore): () => void {
    let lease = this.leases.get(store);
    if (!lease) this.leases.set(store, (lease = { count: 0, closeWhenFree: false }));
    lease.count++;
    const l = lease;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--l.count > 0) return;
      this.leases.delete(store);
      if (l.closeWhenFree) void safeClose(store);
    };
  }

  private readonly leases = new Map<TraceStore, { count: number; closeWhenFree: boolean }>();

  /** Closes a store no longer current, now or (when retained) once its last user is done. */
  private async closeWhenFree(store: TraceStore): Promise<void> {
    const lease = this.leases.get(store);
    if (lease) lease.closeWhenFree = true;
    else await safeClose(store);
  }

  /**
   * `spanlens.llm.hideContent` changed: stores read it on every query, so cached span trees are
   * dropped and the views told to read again (search drops its indexes itself).
   */
  llmContentSettingChanged(): void {
    for (const entry of this.entries.values()) {
      if (!entry.store) continue;
      this.forgetSpanTrees(entry);
      entry.version++;
      this.setState(entry, entry.state);
    }
  }

  private setState(entry: StoreEntry, state: StoreState): void {
    entry.state = state;
    if (this.isLive(entry)) this.changeStore.fire(entry);
  }

  /**
   * Runs a query against the store's current snapshot. When the store was swapped
   * (re-read) while the query ran, the old snapshot may already be closed: retry on
   * the new one instead of showing an error for a race the user never caused.
   */
  async query<T>(entry: StoreEntry, fn: (store: TraceStore) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const store = entry.store;
      if (!store) throw new StoreError(`${entry.id}: the store is not open — use Refresh Store`, entry.id);
      const version = entry.version;
      try {
        return await fn(store);
      } catch (e) {
        if (attempt < 2 && entry.version !== version) continue;
        throw e;
      }
    }
  }

  /** The span forest of one run, cached per store version. */
  getSpanTree(entry: StoreEntry, runId: string): Promise<SpanNode[]> {
    const key = `${entry.version}\u0000${entry.id}\u0000${runId}`;
    let p = this.spanTrees.get(key);
    if (p) {
      // Re-insert: Map order is the LRU order.
      this.spanTrees.delete(key);
      this.spanTrees.set(key, p);
      return p;
    }
    p = this.query(entry, (s) => s.getSpans(runId)).then(buildSpanTree);
    p.catch(() => this.spanTrees.delete(key));
    this.spanTrees.set(key, p);
    while (this.spanTrees.size > SPAN_TREE_CACHE) this.spanTrees.delete(this.spanTrees.keys().next().value!);
    return p;
  }

  private forgetSpanTrees(entry: StoreEntry): void {
    for (const k of [...this.spanTrees.keys()]) if (k.split('\u0000')[1] === entry.id) this.spanTrees.delete(k);
  }

  dispose(): void {
    this.disposed = true;
    for (const e of this.entries.values()) {
      const s = e.store;
      e.state = { kind: 'idle' };
      if (s) void safeClose(s);
    }
    this.entries.clear();
    this.spanTrees.clear();
    this.changeStores.dispose();
    this.changeStore.dispose();
  }
}


async function safeClose(store: TraceStore): Promise<void> {
  try {
    await store.close();
  } catch (e) {
    logError(`Closing ${store.id} failed`, e);
  }
}
