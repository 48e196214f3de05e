/**
 * Re-reads a store when its database or -wal changes on disk (a running pipeline
 * writes), or a waft folder's / OTLP file's lines grow (the registry then re-queries the
 * open store, which reads only what was appended): file-system events debounced by RELOAD_DEBOUNCE_MS, plus a cheap stat
 * poll as a fallback for files outside the workspace and file systems without events.
 * Both only compare size/mtime against what was last read; the re-read itself is the
 * registry's (coalesced and throttled there). Also re-runs discovery when a store
 * appears in the workspace.
 */
import { onTrustGranted } from '../trust';
import * as path from 'path';
import * as vscode from 'vscode';
import { config, RELOAD_DEBOUNCE_MS } from '../config';
import { logError } from '../log';
import { discoveryGlobs } from './discovery';
import { isStoreFile, storeSignature } from '../../sources/signature';
import type { StoreEntry, StoreRegistry } from './storeRegistry';

export class StoreWatcher implements vscode.Disposable {
  /** One watcher per touched store, on its folder and `<name>*` (the db, -wal, -shm). */
  private readonly fileWatchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private discoveryWatchers: vscode.Disposable[] = [];
  private discoveryTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly registry: StoreRegistry) {
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
        const again = (): void => {
          if (this.discoveryTimer) clearTimeout(this.discoveryTimer);
          this.discoveryTimer = setTimeout(() => void this.registry.rediscover(), 1000);
        };
        w.onDidCreate(again);
        this.discoveryWatchers.push(w);
      } catch (e) {
        logError(`Watching '${glob}' failed`, e);
      }
    }
  }

  private syncFileWatchers(): void {
    const wanted = new Map<string, StoreEntry>();
    // A database server has no file to watch: it is re-read on Refresh.
    if (config.autoRefresh()) for (const e of this.registry.list()) if (e.touched && !e.postgres) wanted.set(e.id, e);
    for (const [id, w] of this.fileWatchers) {
      if (!wanted.has(id)) {
        w.dispose();
        this.fileWatchers.delete(id);
        const t = this.timers.get(id);
        if (t) clearTimeout(t);
        this.timers.delete(id);
      }
    }
    for (const [id, entry] of wanted) {
      if (this.fileWatchers.has(id)) continue;
      try {
        // A folder store (waft): any .jsonl in its folder, new daily files included.
        const dir = entry.watchDir;
        const pattern = dir
          ? new vscode.RelativePattern(vscode.Uri.file(dir), '*.jsonl')
          : new vscode.RelativePattern(vscode.Uri.file(path.dirname(id)), `${path.basename(id)}*`);
        const w = vscode.workspace.createFileSystemWatcher(pattern);
        const onEvent = (uri: vscode.Uri): void => {
          if (dir || isStoreFile(id, path.normalize(uri.fsPath))) this.schedule(entry);
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

  private schedule(entry: StoreEntry): void {
    const t = this.timers.get(entry.id);
    if (t) clearTimeout(t);
    this.timers.set(
      entry.id,
      setTimeout(() => {
        this.timers.delete(entry.id);
        void this.checkAndReload(entry);
      }, RELOAD_DEBOUNCE_MS),
    );
  }

  /** Re-reads only when size/mtime differ from what was read: watcher noise costs one stat. */
  private async checkAndReload(entry: StoreEntry): Promise<void> {
    if (!entry.touched || entry.postgres || this.registry.get(entry.id) !== entry) return;
    const sig = await storeSignature(entry.id);
    if (sig.key === entry.loadedSig) return;
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
        if (!e.touched || e.postgres || e.loading || this.timers.has(e.id)) continue;
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
    if (this.discoveryTimer) clearTimeout(this.discoveryTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    for (const w of this.fileWatchers.values()) w.dispose();
    for (const d of this.discoveryWatchers) d.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
