/**
 * Re-reads a store when its database or -wal changes on disk (a running pipeline
 * writes), or a waft folder's / OTLP file's lines grow (the registry then re-queries the
 * open store, which reads only what was appended): file-system events debounced by RELOAD_DEBOUNCE_MS, plus a cheap stat
 * poll as a fallback for files outside the workspace and file systems without events.
 * Both only compare size/mtime against what was last read; the re-read itself is the
 * registry's (coalesced and throttled there). Also re-runs discovery when a store
 * appears in the workspace.
 */
import * as vscode from 'vscode';
import { storeSignature } from '../../sources/signature';
import { config, RELOAD_DEBOUNCE_MS } from '../config';
import { logError } from '../log';
import { Coalescer } from '../schedule/coalescer';
import { onTrustGranted } from '../trust';
import { discoveryGlobs } from './discovery';
import type { StoreEntry, StoreRegistry } from './storeRegistry';
import { eventConcerns, needsReload, pollChecks, storesToWatch, watchPattern } from './watchPolicy';

/** Stores created in the workspace come in bursts (a pipeline's first run): one search after it. */
const REDISCOVER_AFTER_MS = 1000;

export class StoreWatcher implements vscode.Disposable {
  /** One watcher per touched store, on its folder and `<name>*` (the db, -wal, -shm). */
  private readonly fileWatchers = new Map<string, vscode.Disposable>();
  /** Per watched store: its events, debounced into one look at its files. */
  private readonly checks = new Map<string, Coalescer>();
  private discoveryWatchers: vscode.Disposable[] = [];
  private readonly rediscovery: Coalescer;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly registry: StoreRegistry) {
    this.rediscovery = new Coalescer(() => registry.rediscover(), {
      delayMs: REDISCOVER_AFTER_MS,
      onError: (e) => logError('Searching the workspace for trace stores failed', e),
    });
    this.disposables.push(
      registry.onDidChangeStore(() => this.syncFileWatchers()),
      registry.onDidChangeStores(() => this.syncFileWatchers()),
      // Trusted now: the folder's PostgreSQL connections and store globs count from this moment.
      onTrustGranted(() => {
        this.watchForNewStores();
        void registry.rediscover();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.storeGlobs')) {
          this.watchForNewStores();
          void registry.rediscover();
        } else if (e.affectsConfiguration('spanlens.postgres')) {
          void registry.rediscover();
        }
        if (e.affectsConfiguration('spanlens.refresh')) {
          this.syncFileWatchers();
          this.startPolling();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watchForNewStores();
        void registry.rediscover();
      }),
    );
    this.watchForNewStores();
    this.startPolling();
  }

  /** Stores created (or deleted) in the workspace after the first search: search again, debounced. */
  private watchForNewStores(): void {
    for (const d of this.discoveryWatchers) d.dispose();
    this.discoveryWatchers = [];
    for (const glob of discoveryGlobs(config.storeGlobs())) {
      try {
        // Only creation matters here. A deleted store stays listed with a "not found" error
        // node (the user sees what happened) until Refresh searches again.
        const w = vscode.workspace.createFileSystemWatcher(glob, false, true, true);
        w.onDidCreate(() => this.rediscovery.request());
        this.discoveryWatchers.push(w);
      } catch (e) {
        logError(`Watching '${glob}' failed`, e);
      }
    }
  }

  private syncFileWatchers(): void {
    const wanted = storesToWatch(this.registry.list(), config.autoRefresh());
    for (const [id, w] of this.fileWatchers) {
      if (!wanted.has(id)) {
        w.dispose();
        this.fileWatchers.delete(id);
        this.checks.get(id)?.dispose();
        this.checks.delete(id);
      }
    }
    for (const [id, entry] of wanted) {
      if (this.fileWatchers.has(id)) continue;
      try {
        const dir = entry.watchDir;
        const { base, glob } = watchPattern(entry);
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(base), glob));
        const onEvent = (uri: vscode.Uri): void => {
          if (eventConcerns(entry, dir, uri.fsPath)) this.checkFor(entry).request();
        };
        w.onDidChange(onEvent);
        w.onDidCreate(onEvent);
        w.onDidDelete(onEvent);
        this.fileWatchers.set(id, w);
      } catch (e) {
        // The poll still covers this store.
        logError(`Watching ${id} failed`, e);
        this.fileWatchers.set(id, new vscode.Disposable(() => undefined));
      }
    }
  }

  /** The store's debounced look at its files (the entry of that moment: a dropped store is not checked). */
  private checkFor(entry: StoreEntry): Coalescer {
    let c = this.checks.get(entry.id);
    if (!c) {
      c = new Coalescer(() => this.checkAndReload(entry), {
        delayMs: RELOAD_DEBOUNCE_MS,
        onError: (e) => logError(`Checking ${entry.id} for changes failed`, e),
      });
      this.checks.set(entry.id, c);
    }
    return c;
  }

  /** Re-reads only when size/mtime differ from what was read: watcher noise costs one stat. */
  private async checkAndReload(entry: StoreEntry): Promise<void> {
    const listed = (): boolean => this.registry.get(entry.id) === entry;
    if (!entry.touched || entry.postgres || !listed()) return;
    const sig = await storeSignature(entry.id);
    if (!needsReload(entry, listed(), sig.key)) return;
    // Not awaited: a slow read must not hold up polling the other stores. A read
    // already under way picks the change up afterwards (the registry queues one more).
    void this.registry.reload(entry, 'none');
  }

  private startPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    const every = config.pollIntervalMs();
    if (!config.autoRefresh() || every === 0) return;
    this.pollTimer = setInterval(() => void this.poll(), every);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const e of this.registry.list()) {
        // A pending debounce or a read under way already covers this store.
        if (!pollChecks(e, { loading: this.registry.isLoading(e), checkPending: this.checks.get(e.id)?.pending === true })) continue;
        await this.checkAndReload(e);
      }
    } catch (e) {
      logError('Polling trace stores failed', e);
    } finally {
      this.polling = false;
    }
  }

  dispose(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.rediscovery.dispose();
    for (const c of this.checks.values()) c.dispose();
    for (const w of this.fileWatchers.values()) w.dispose();
    for (const d of this.discoveryWatchers) d.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
