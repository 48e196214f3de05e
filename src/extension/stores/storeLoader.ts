/**
 * Opens, re-reads and closes stores, one coalescer per store: a change while a store is read
 * makes exactly one more read afterwards (after a gap as long as the last read took, see
 * reloadPolicy.ts). Each change replaces the entry's snapshot (storeEntry.ts) and is told with
 * the entry and that snapshot; data changes move the version. One store failing never touches
 * the others. Stores are opened through one injected function (`open`), whatever it runs on.
 * No 'vscode': unit-tested with a fake TraceStore.
 */
import { storeKind } from '../../sources/kinds';
import type { StoreSignature } from '../../sources/signature';
import { StoreError, type TraceStore } from '../../sources/types';
import { errorMessage } from '../errorMessage';
import { Coalescer } from '../schedule/coalescer';
import type { LoadProgress, StoreChange, StoreEntry, StoreSnapshot, StoreState } from './storeEntry';

export interface StoreLog {
  debug(message: string): void;
  error(what: string, e: unknown): void;
}

export interface LoaderDeps<E extends StoreEntry> {
  /** THE way a store is opened (read from disk or a server, enriched). */
  open(entry: E): Promise<TraceStore>;
  /**
   * Whether an open store can still be asked to refresh in place; false (reopen instead) when
   * whatever held it is gone (the engine's worker restarted). Default: always.
   */
  stillOpen?(store: TraceStore): boolean;
  /** The store's files as they are now: size, the change key, a folder store's folder. */
  signature(entry: E): Promise<StoreSignature>;
  /** Bytes over which a store is not read unless the user said so. */
  sizeLimitBytes(): number;
  /** The least wait between a read and the next one asked for meanwhile, from what the read took. */
  reloadGapMs(lastLoadMs: number): number;
  /** Whether the entry is still listed: reads of a dropped store are thrown away. */
  isListed(entry: E): boolean;
  /** One store's snapshot changed (opened, re-read, failed). */
  changed(change: StoreChange<E>): void;
  /** Shows a read's progress (default: none). */
  withProgress?(entry: E, progress: LoadProgress, read: () => Promise<void>): Promise<void>;
  log: StoreLog;
  now?(): number;
}

interface Lease {
  count: number;
  closeWhenFree: boolean;
}

export class StoreLoader<E extends StoreEntry> {
  /** One coalescer per store: one read at a time, one more for changes meanwhile. */
  private readonly loads = new Map<E, Coalescer>();
  /** How the reads under way show progress (the first asker's). */
  private readonly progress = new Map<E, LoadProgress>();
  private readonly leases = new Map<TraceStore, Lease>();
  private disposed = false;
  private readonly now: () => number;

  constructor(private readonly deps: LoaderDeps<E>) {
    this.now = deps.now ?? Date.now;
  }

  /** A read of the store is under way or queued. */
  isLoading(entry: E): boolean {
    const c = this.loads.get(entry);
    return c !== undefined && (c.busy || c.pending);
  }

  /** Starts reading the store when nothing has been asked of it yet; resolves when it is read. */
  ensureOpen(entry: E, progress: LoadProgress): Promise<void> {
    // A read just started is still 'idle' until its first look at the files: join it, not queue another.
    if (entry.state.kind !== 'idle' || this.isLoading(entry)) return this.loads.get(entry)?.whenIdle() ?? Promise.resolve();
    return this.load(entry, progress);
  }

  /** Re-reads a store (its file changed, or the user asked). Untouched stores stay untouched unless `force`. */
  reload(entry: E, progress: LoadProgress, force = false): Promise<void> {
    if (!entry.touched && !force) return Promise.resolve();
    return this.load(entry, progress);
  }

  /** Reads a store over the size limit because the user said so (for this session). */
  loadAnyway(entry: E): Promise<void> {
    this.note(entry, { allowLarge: true });
    return this.load(entry, 'view');
  }

  private load(entry: E, progress: LoadProgress): Promise<void> {
    let coalescer = this.loads.get(entry);
    if (!coalescer) {
      coalescer = new Coalescer(() => this.loadOnce(entry, this.progress.get(entry) ?? 'none'), {
        gapAfterMs: () => this.deps.reloadGapMs(entry.lastLoadMs),
        onError: (e) => this.deps.log.error(`Reading ${entry.id} failed`, e),
      });
      this.loads.set(entry, coalescer);
    }
    // A read asked for while one is under way goes with the first one's progress, as one read.
    if (!coalescer.busy && !coalescer.pending) {
      this.progress.set(entry, progress);
      return coalescer.runNow();
    }
    // Under way, or waiting out the gap after a read: join it (one more read after the gap),
    // never cut the gap short — a store that keeps changing is read at most every "its cost".
    if (coalescer.busy) coalescer.request(0);
    return coalescer.whenIdle();
  }

  private live(entry: E): boolean {
    return !this.disposed && this.deps.isListed(entry);
  }

  private async loadOnce(entry: E, progress: LoadProgress): Promise<void> {
    if (!this.live(entry)) return;
    const sig = await this.deps.signature(entry);
    const size = sig.dbBytes + sig.walBytes;
    this.note(entry, sig.watchDir !== undefined ? { sizeBytes: size, watchDir: sig.watchDir } : { sizeBytes: size });
    const limit = this.deps.sizeLimitBytes();
    if (sig.exists && size > limit && !entry.allowLarge) {
      // Reading holds the whole file in memory (twice, briefly): ask before doing that with a huge one.
      await this.closeStore(entry);
      this.commit(entry, { state: { kind: 'tooLarge', sizeBytes: size, limitBytes: limit }, loadedSig: sig.key });
      return;
    }
    if (entry.state.kind !== 'open') this.commit(entry, { state: { kind: 'opening' } });
    const read = (): Promise<void> => this.read(entry, sig.key);
    if (progress === 'none' || !this.deps.withProgress) await read();
    else await this.deps.withProgress(entry, progress, read);
  }

  private async read(entry: E, sigKey: string): Promise<void> {
    const started = this.now();
    const took = (): number => this.now() - started;
    const current = entry.store;
    if (current?.refresh && storeKind(current).incremental && (this.deps.stillOpen?.(current) ?? true)) {
      // A line-based store reads only what was appended when refreshed; no reopen.
      await this.requery(entry, current, sigKey, took);
      return;
    }
    try {
      const store = await this.deps.open(entry);
      if (!this.live(entry)) {
        await this.safeClose(store);
        return;
      }
      const old = entry.store;
      // Swap first, close after: the view keeps showing the old data until the new is ready.
      this.commit(entry, { state: { kind: 'open', store, loadedAt: this.now() }, loadedSig: sigKey, lastLoadMs: took() }, true);
      if (old) await this.closeWhenFree(old);
      this.deps.log.debug(`Read ${entry.id} in ${took()} ms`);
    } catch (e) {
      if (!this.live(entry)) return;
      await this.closeStore(entry);
      this.deps.log.error(`Reading ${entry.id} failed`, e);
      this.commit(entry, { state: { kind: 'error', message: failureMessage(entry.id, e) }, loadedSig: sigKey, lastLoadMs: took() }, true);
    }
  }

  /**
   * A line-based store changed on disk: keep it open and ask it once (it reads the appended
   * lines and any new daily file), then tell the views, which re-query it. The version moves:
   * a trace's spans may have grown.
   */
  private async requery(entry: E, store: TraceStore, sigKey: string, took: () => number): Promise<void> {
    try {
      await store.refresh?.();
    } catch (e) {
      if (!this.live(entry) || entry.store !== store) return;
      await this.closeStore(entry);
      this.deps.log.error(`Re-reading ${entry.id} failed`, e);
      this.commit(entry, { state: { kind: 'error', message: failureMessage(entry.id, e) }, loadedSig: sigKey, lastLoadMs: took() }, true);
      return;
    }
    if (!this.live(entry) || entry.store !== store) return;
    this.commit(entry, { state: { kind: 'open', store, loadedAt: this.now() }, loadedSig: sigKey, lastLoadMs: took() }, true);
  }

  /**
   * What every store reads changed (the hide-LLM-content setting, asked on every query): the
   * open ones get a new version with the same state, so views and caches read again.
   */
  contentChanged(entries: Iterable<E>): void {
    for (const entry of entries) if (entry.store) this.commit(entry, { state: entry.state }, true);
  }

  /** A store left the catalog: no more reads; its store is closed (once its last lease is released). */
  async close(entry: E): Promise<void> {
    this.loads.get(entry)?.dispose();
    this.loads.delete(entry);
    this.progress.delete(entry);
    const store = entry.store;
    this.note(entry, { state: { kind: 'idle' } });
    if (store) await this.closeWhenFree(store);
  }

  /**
   * Runs a query against the store's current snapshot. When the store was swapped (re-read)
   * while the query ran, the old one may already be closed: retry on the new one instead of
   * showing an error for a race the user never caused.
   */
  async query<T>(entry: E, fn: (store: TraceStore) => Promise<T>): Promise<T> {
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
      if (l.closeWhenFree) void this.safeClose(store);
    };
  }

  dispose(entries: Iterable<E>): void {
    this.disposed = true;
    for (const c of this.loads.values()) c.dispose();
    this.loads.clear();
    this.progress.clear();
    for (const e of entries) {
      const s = e.store;
      this.note(e, { state: { kind: 'idle' } });
      if (s) void this.safeClose(s);
    }
  }

  /** The next snapshot, told to everyone; `bump` when what the store answers may have changed. */
  private commit(entry: E, patch: Partial<StoreSnapshot> & { state: StoreState }, bump = false): void {
    const prev = entry.snapshot;
    const next: StoreSnapshot = { ...prev, ...patch, version: bump ? prev.version + 1 : prev.version };
    entry.replaceSnapshot(next);
    if (this.live(entry)) this.deps.changed({ entry, snapshot: next });
  }

  /** A new snapshot nobody is told of: what the files measured before a read, "load anyway", a store being closed. */
  private note(entry: E, patch: Partial<StoreSnapshot>): void {
    entry.replaceSnapshot({ ...entry.snapshot, ...patch });
  }

  private async closeStore(entry: E): Promise<void> {
    const store = entry.store;
    if (store) {
      this.note(entry, { state: { kind: 'idle' } });
      await this.closeWhenFree(store);
    }
  }

  /** Closes a store no longer current, now or (when retained) once its last user is done. */
  private async closeWhenFree(store: TraceStore): Promise<void> {
    const lease = this.leases.get(store);
    if (lease) lease.closeWhenFree = true;
    else await this.safeClose(store);
  }

  private async safeClose(store: TraceStore): Promise<void> {
    try {
      await store.close();
    } catch (e) {
      this.deps.log.error(`Closing ${store.id} failed`, e);
    }
  }
}

/** The one line a failed read shows on the store's node. */
function failureMessage(id: string, e: unknown): string {
  return e instanceof StoreError ? errorMessage(e) : `${id}: could not read the store (${errorMessage(e)}) — see Output › Spanlens for details`;
}
