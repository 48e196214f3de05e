/**
 * The trace stores the extension knows, as one facade over three parts without 'vscode':
 * the catalog (storeCatalog.ts: found in the workspace — `**\/flujo_ops.db`, waft traces
 * folders, OTLP files, see discovery.ts, and `spanlens.storeGlobs` — configured in
 * `spanlens.postgres.connections`, or added by the user, remembered in workspaceState), the
 * loader (storeLoader.ts: opening, re-reading and closing, each store's state an immutable
 * snapshot with a version) and the span-tree cache (spanTreeCache.ts). This file gives them
 * vscode: the workspace search, the memento, events, progress, settings, and the one function
 * that opens a store. Nothing is read until someone asks (`ensureOpen`), so activation stays
 * cheap. One store failing never touches the others.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { SpanNode } from '../../model/types';
import { RemoteTraceStore, type EngineClient } from '../../worker/client';
import { SERVER_SIGNATURE, storeSignature } from '../../sources/signature';
import type { TraceStore } from '../../sources/types';
import { config, RELOAD_DEBOUNCE_MS } from '../config';
import { log, logError } from '../log';
import { discoveryGlobs, storeIdForFile, waftProjectDir } from './discovery';
import {
  connectionDescription,
  connectionStoreId,
  openPostgresStore,
  readPostgresConnections,
  warnPasswordInSettings,
  type PostgresConnection,
} from './postgresConnections';
import { nextReloadGapMs, sizeLimitBytes } from './reloadPolicy';
import { SpanTreeCache } from './spanTreeCache';
import { StoreCatalog, type SearchResult } from './storeCatalog';
import { StoreEntry as CoreStoreEntry, type LoadProgress, type StoreChange } from './storeEntry';
import { StoreLoader } from './storeLoader';

export type { LoadProgress, StoreChange, StoreSnapshot, StoreState } from './storeEntry';

export const RUNS_VIEW_ID = 'spanlens.runs';

/** A store as the views see it: the core entry (state, version, name) plus where it is in the workspace. */
export class StoreEntry extends CoreStoreEntry {
  readonly uri: vscode.Uri;

  constructor(id: string, postgres?: PostgresConnection) {
    super(id, postgres);
    // A server has no file: a URI of our own, which no workspace folder contains.
    this.uri = postgres ? vscode.Uri.from({ scheme: 'spanlens-postgres', path: `/${id}` }) : vscode.Uri.file(id);
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
}

function sameFile(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Workspace stores first (by relative path), then stores added from elsewhere, then database servers. */
function listOrder(a: StoreEntry, b: StoreEntry): number {
  const ai = a.postgres ? 2 : vscode.workspace.getWorkspaceFolder(a.uri) ? 0 : 1;
  const bi = b.postgres ? 2 : vscode.workspace.getWorkspaceFolder(b.uri) ? 0 : 1;
  if (ai !== bi) return ai - bi;
  return vscode.workspace.asRelativePath(a.uri).localeCompare(vscode.workspace.asRelativePath(b.uri));
}

/** Searches the workspace with the discovery globs and reads the connections in settings. */
async function searchWorkspace(): Promise<SearchResult> {
  const ids = new Set<string>();
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
    for (const uris of results) for (const u of uris) if (u.scheme === 'file') ids.add(storeIdForFile(path.normalize(u.fsPath)));
  }
  // PostgreSQL connections from settings: "discovered" too (settings change → discover again).
  const connections = new Map<string, PostgresConnection>();
  for (const c of readPostgresConnections()) {
    connections.set(connectionStoreId(c), c);
    warnPasswordInSettings(c);
  }
  return { ids, connections };
}

export class StoreRegistry implements vscode.Disposable {
  private readonly changeStores = new vscode.EventEmitter<void>();
  private readonly changeStore = new vscode.EventEmitter<StoreEntry>();
  private readonly changeSnapshot = new vscode.EventEmitter<StoreChange<StoreEntry>>();
  private readonly catalog: StoreCatalog<StoreEntry>;
  private readonly loader: StoreLoader<StoreEntry>;
  private readonly spanTrees = new SpanTreeCache();

  /** The list of stores changed (found, added, removed). */
  readonly onDidChangeStores = this.changeStores.event;
  /** One store's state or data changed (opened, re-read, failed). */
  readonly onDidChangeStore = this.changeStore.event;
  /** The same, with the snapshot (and so the version) the store changed to. */
  readonly onDidChangeSnapshot = this.changeSnapshot.event;

  constructor(
    /** Where stores are opened and live: the engine's worker thread (src/worker). */
    private readonly engine: EngineClient,
    memento: vscode.Memento,
    /** Where PostgreSQL passwords are kept (never in settings). */
    private readonly secrets?: vscode.SecretStorage,
  ) {
    this.catalog = new StoreCatalog<StoreEntry>({
      memento,
      createEntry: (id, postgres) => new StoreEntry(id, postgres),
      search: searchWorkspace,
      dropped: async (entry) => {
        this.spanTrees.invalidate(entry.id);
        await this.loader.close(entry);
      },
      changed: () => this.changeStores.fire(),
      compare: listOrder,
      sameFile,
      info: (m) => log().info(m),
    });
    this.loader = new StoreLoader<StoreEntry>({
      open: (entry) => this.openInEngine(entry),
      // A store of an engine that stopped is opened anew, not asked to refresh.
      stillOpen: (store) => !(store instanceof RemoteTraceStore) || store.alive,
      signature: (entry) => (entry.postgres ? Promise.resolve(SERVER_SIGNATURE) : storeSignature(entry.id)),
      sizeLimitBytes: () => sizeLimitBytes(config.maxStoreSizeMB()),
      reloadGapMs: (lastLoadMs) => nextReloadGapMs(RELOAD_DEBOUNCE_MS, lastLoadMs),
      isListed: (entry) => this.catalog.holds(entry),
      changed: (change) => {
        const { entry, snapshot } = change;
        // Trees of an older version (or of a store no longer open) are never asked for again.
        this.spanTrees.invalidate(entry.id, snapshot.state.kind === 'open' ? snapshot.version : undefined);
        this.changeStore.fire(entry);
        this.changeSnapshot.fire(change);
      },
      withProgress: (entry, progress, read) =>
        progress === 'view'
          ? Promise.resolve(vscode.window.withProgress({ location: { viewId: RUNS_VIEW_ID } }, read))
          : Promise.resolve(
              vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Spanlens: reading ${entry.basename}` }, read),
            ),
      log: { debug: (m) => log().debug(m), error: logError },
    });
  }

  /**
   * Opens a store in the engine's worker (reading the file, merging its -wal never pause the
   * editor): its file through its kind, a PostgreSQL connection with its password.
   */
  private openInEngine(entry: StoreEntry): Promise<TraceStore> {
    return entry.postgres
      ? openPostgresStore(entry.postgres, entry.id, this.secrets, (spec) => this.engine.openStore(spec))
      : this.engine.openStore({ target: entry.id });
  }

  // ---- the list (the catalog) ----

  list(): StoreEntry[] {
    return this.catalog.list();
  }

  get(id: string): StoreEntry | undefined {
    return this.catalog.get(id);
  }

  /** Resolves once the first workspace search is done; starts it when nobody has. */
  whenDiscovered(): Promise<void> {
    return this.catalog.whenDiscovered();
  }

  /** Searches the workspace for stores again (after a settings or folder change, or Refresh). */
  rediscover(): Promise<void> {
    return this.catalog.rediscover();
  }

  /** Adds a store the user picked; un-hides it when it had been removed. */
  add(uri: vscode.Uri): Promise<StoreEntry> {
    return this.catalog.add(path.normalize(uri.fsPath));
  }

  /** Shows a hidden store again (a PostgreSQL connection connected to again). */
  unhide(id: string): Promise<void> {
    return this.catalog.unhide(id);
  }

  /** Removes a store from the view; a store found in the workspace stays hidden until added again. */
  remove(entry: StoreEntry): Promise<void> {
    return this.catalog.remove(entry);
  }

  // ---- reading (the loader) ----

  /** Starts reading the store when nothing has been asked of it yet; resolves when it is read. */
  ensureOpen(entry: StoreEntry, progress: LoadProgress): Promise<void> {
    return this.loader.ensureOpen(entry, progress);
  }

  /** Re-reads a store (its file changed, or the user asked). Untouched stores stay untouched unless `force`. */
  reload(entry: StoreEntry, progress: LoadProgress, force = false): Promise<void> {
    return this.loader.reload(entry, progress, force);
  }

  /** Reads a store over spanlens.maxStoreSizeMB because the user said so (for this session). */
  loadAnyway(entry: StoreEntry): Promise<void> {
    return this.loader.loadAnyway(entry);
  }

  /** A read of the store is under way or queued. */
  isLoading(entry: StoreEntry): boolean {
    return this.loader.isLoading(entry);
  }

  /** Reads every store not read yet, one after the other: feeds the status bar's failure count. */
  async openAllInBackground(): Promise<void> {
    for (const e of this.list()) {
      if (!this.catalog.holds(e)) continue;
      if (e.state.kind === 'idle') await this.ensureOpen(e, 'window');
    }
  }

  /** See StoreLoader.retain. */
  retain(store: TraceStore): () => void {
    return this.loader.retain(store);
  }

  /**
   * `spanlens.llm.hideContent` changed: stores read it on every query, so cached span trees are
   * dropped and the views told to read again (search drops its indexes itself).
   */
  llmContentSettingChanged(): void {
    this.loader.contentChanged(this.catalog.all());
  }

  /** See StoreLoader.query. */
  query<T>(entry: StoreEntry, fn: (store: TraceStore) => Promise<T>): Promise<T> {
    return this.loader.query(entry, fn);
  }

  /** The span forest of one run, cached per store version. */
  getSpanTree(entry: StoreEntry, runId: string): Promise<SpanNode[]> {
    return this.spanTrees.get(entry.id, entry.version, runId, () => this.query(entry, (s) => s.getSpans(runId)));
  }

  dispose(): void {
    const entries = this.catalog.all();
    this.catalog.dispose();
    this.loader.dispose(entries);
    this.spanTrees.clear();
    this.changeStores.dispose();
    this.changeStore.dispose();
    this.changeSnapshot.dispose();
  }
}
