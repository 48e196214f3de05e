/**
 * Search indexes of the loaded stores, one per store: built in the background the first time
 * search needs them (progress in the status bar, or as a notification for a big store), brought
 * up to date when the store changes (only the runs that changed are read again; the older
 * index answers meanwhile), dropped with the store. The indexes live in the engine's worker
 * (src/worker), next to their stores: building one over a million spans never pauses the editor.
 */
import * as vscode from 'vscode';
import type { SearchOptions, SearchResult } from '../../analysis/search/search';
import { RemoteSearchIndex, RemoteTraceStore } from '../../worker/client';
import { errorMessage, log, logError } from '../log';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';

/** Stores bigger than this (bytes) show their indexing as a notification rather than in the status bar. */
const BIG_STORE_BYTES = 32 * 1024 * 1024;
/** A store that keeps changing (a running pipeline) has its index brought up to date at most this often. */
const UPDATE_DELAY_MS = 500;

interface Slot {
  version: number;
  index?: RemoteSearchIndex;
  building?: Promise<RemoteSearchIndex | undefined>;
  abort?: AbortController;
  /** The store changed while `building`: bring the index up to date once it is done. */
  again?: boolean;
  timer?: ReturnType<typeof setTimeout>;
  error?: string;
}

export class SearchIndexManager implements vscode.Disposable {
  private readonly slots = new Map<string, Slot>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** An index was built or dropped: a picker that is open searches again. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly registry: StoreRegistry) {
    this.disposables.push(
      registry.onDidChangeStore((e) => this.storeChanged(e)),
      registry.onDidChangeStores(() => {
        const live = new Set(registry.list().map((e) => e.id));
        for (const [id, slot] of this.slots) {
          if (live.has(id)) continue;
          this.forget(slot);
          this.slots.delete(id);
        }
        this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.llm.hideContent')) this.dropAll();
      }),
    );
  }

  /** Every index built anew (from the next search on): what they hold depends on a setting that changed. */
  private dropAll(): void {
    for (const slot of this.slots.values()) this.forget(slot);
    this.slots.clear();
    this.changed.fire();
    if (this.wanted) this.ensureAll();
  }

  /** Stops a slot's work and frees its index in the engine. */
  private forget(slot: Slot): void {
    slot.abort?.abort();
    if (slot.timer) clearTimeout(slot.timer);
    slot.index?.drop();
  }

  /** The indexes ready now (possibly of an older version of a store while a newer one builds). */
  ready(): RemoteSearchIndex[] {
    const out: RemoteSearchIndex[] = [];
    for (const e of this.registry.list()) {
      const ix = this.slots.get(e.id)?.index;
      if (ix) out.push(ix);
    }
    return out;
  }

  /** One query over every ready index, in the engine; `indexes`: how many stores it covered. */
  async search(query: string, opts: SearchOptions = {}): Promise<{ result: SearchResult; indexes: number }> {
    const ready = this.ready();
    if (ready.length === 0) return { result: { runs: [], spans: [], totalRuns: 0, totalSpans: 0, hints: [] }, indexes: 0 };
    return { result: await ready[0]!.engine.searchIndexes(ready, query, opts), indexes: ready.length };
  }

  /** Stores whose index is being built, for the picker's "indexing…" line. */
  pending(): string[] {
    return this.registry.list().filter((e) => this.slots.get(e.id)?.building !== undefined).map((e) => e.basename);
  }

  /** Opens every store not read yet and starts indexing those without an index. */
  ensureAll(): void {
    this.wanted = true;
    for (const e of this.registry.list()) {
      if (e.state.kind === 'idle') void this.registry.ensureOpen(e, 'window');
      else this.ensure(e);
    }
  }

  private storeChanged(entry: StoreEntry): void {
    if (entry.state.kind !== 'open') {
      if (entry.state.kind === 'error' || entry.state.kind === 'tooLarge') {
        const slot = this.slots.get(entry.id);
        if (slot) this.forget(slot);
        this.slots.delete(entry.id);
        this.changed.fire();
      }
      return;
    }
    const slot = this.slots.get(entry.id);
    if (!slot) {
      // Opened while a search wants it (ensureAll), or for another view: index once someone searched.
      if (this.wanted) this.ensure(entry);
      return;
    }
    if (slot.version === entry.version && slot.index) return;
    // Changed: update a moment later (a running pipeline writes often); the old index keeps serving.
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      this.ensure(entry);
    }, UPDATE_DELAY_MS);
  }

  /** Set once search was used: stores opened later get indexed too. */
  private wanted = false;

  ensure(entry: StoreEntry): void {
    this.wanted = true;
    const store = entry.store;
    // Every store the registry opens lives in the engine (worker/client.ts).
    if (!(store instanceof RemoteTraceStore)) return;
    let slot = this.slots.get(entry.id);
    if (!slot) {
      slot = { version: -1 };
      this.slots.set(entry.id, slot);
    }
    if (slot.index && slot.version === entry.version) return;
    if (slot.building) {
      // Let it finish, then catch up with an update: aborting a whole build of a big store
      // each time a busy pipeline writes would never let it finish.
      slot.again = true;
      return;
    }
    const abort = new AbortController();
    const signal = abort.signal;
    const version = entry.version;
    slot.abort = abort;
    const s = slot;
    const old = slot.index;
    const started = Date.now();
    // The store stays open until this is done, even if a newer read of its file replaces it.
    const release = this.registry.retain(store);
    const engine = store.engine;
    const work = async (): Promise<RemoteSearchIndex> => {
      if (old) {
        // A store that changed: only the runs whose version moved are read again, quietly.
        const up = await engine.updateIndex(old, store, signal);
        if (up !== 'rebuild') {
          if (up.index !== old) log().info(`Search index of ${entry.id} updated: ${up.changedRuns} runs re-read or dropped in ${Date.now() - started} ms`);
          return up.index;
        }
      }
      const ix = await this.withBuildProgress(entry, abort, (onProgress) => engine.buildIndex(store, { signal, onProgress }));
      log().info(
        `Indexed ${entry.id} for search: ${ix.spanCount} spans, ${ix.runCount} runs in ${Date.now() - started} ms (~${Math.round(ix.bytes() / 1e6)} MB)`,
      );
      return ix;
    };
    const p = work()
      .then(
        (ix) => {
          if (signal.aborted || this.slots.get(entry.id) !== s) {
            if (ix !== old) ix.drop();
            return undefined;
          }
          s.index = ix;
          s.version = version;
          s.error = undefined;
          if (ix !== old) {
            // The old index may still be in a search that started before: the engine skips a dropped one.
            old?.drop();
            this.changed.fire();
          }
          return ix;
        },
        (e: unknown) => {
          if (signal.aborted) return undefined;
          // The store was re-read meanwhile: the catch-up below (`again`) tries anew.
          if (entry.version !== version) return undefined;
          s.error = errorMessage(e);
          logError(`Indexing ${entry.id} for search failed`, e);
          this.changed.fire();
          return undefined;
        },
      )
      .finally(() => {
        release();
        if (s.building !== p) return;
        s.building = undefined;
        if (s.again && !signal.aborted && this.slots.get(entry.id) === s) {
          s.again = false;
          this.ensure(entry);
        }
      });
    s.building = p;
  }

  /** A whole build, with its progress shown: a cancellable notification for a big store, else in the status bar. */
  private withBuildProgress(
    entry: StoreEntry,
    abort: AbortController,
    build: (onProgress: (spans: number) => void) => Promise<RemoteSearchIndex>,
  ): Promise<RemoteSearchIndex> {
    const big = (entry.sizeBytes ?? 0) > BIG_STORE_BYTES;
    return Promise.resolve(
      vscode.window.withProgress(
        {
          location: big ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
          title: `Spanlens: indexing ${entry.basename} for search`,
          cancellable: big,
        },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return build((n) => progress.report({ message: `${n.toLocaleString('en-US')} spans` }));
        },
      ),
    );
  }

  dispose(): void {
    for (const s of this.slots.values()) this.forget(s);
    this.slots.clear();
    for (const d of this.disposables) d.dispose();
  }
}
