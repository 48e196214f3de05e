/**
 * The search indexes of the loaded stores, one slot per store, without 'vscode': built once the
 * first time search wants them, then brought up to date when the store changes (only the runs
 * that changed are read again). Each slot's work goes through one Coalescer
 * (schedule/coalescer.ts): one build or update at a time, a change while one runs gives exactly
 * one catch-up afterwards, changes while idle wait for the store to settle. The index a slot holds
 * keeps answering until its successor is ready; a replaced or forgotten index is dropped in the
 * engine. An error is kept per store and never touches the others' indexes. The indexes live in
 * the engine's worker (src/worker), next to their stores. indexManager.ts is the vscode facade.
 */
import type { SearchOptions, SearchResult } from '../../analysis/search/search';
import type { TraceStore } from '../../sources/types';
import { RemoteSearchIndex, RemoteTraceStore } from '../../worker/client';
import { errorMessage } from '../errorMessage';
import { Coalescer } from '../schedule/coalescer';
import type { StoreEntry } from '../stores/storeEntry';

/** A store that keeps changing (a running pipeline) has its index brought up to date once it is quiet this long. */
export const UPDATE_DELAY_MS = 500;

export interface IndexSlotsDeps<E extends StoreEntry> {
  /** The stores listed now, in the Runs view's order (the order `ready()` answers in). */
  list(): readonly E[];
  /** Starts reading a store nothing has been asked of yet (its change event follows). */
  open(entry: E): void;
  /** Keeps a store open until the returned function is called, even if a re-read replaces it. */
  retain(store: TraceStore): () => void;
  /** An index was built, replaced, dropped, or failed: a picker that is open searches again. */
  changed(): void;
  /** Shows a whole build's progress (default: none); `abort` cancels it. */
  withBuildProgress?(
    entry: E,
    abort: AbortController,
    build: (onProgress: (spans: number) => void) => Promise<RemoteSearchIndex>,
  ): Promise<RemoteSearchIndex>;
  log: { info(message: string): void; error(what: string, e: unknown): void };
  /** Default UPDATE_DELAY_MS. */
  updateDelayMs?: number;
  now?(): number;
}

interface Slot {
  /** The slot's builds and updates, one at a time. */
  readonly runs: Coalescer;
  /** The store version `index` was made from. */
  version: number;
  index?: RemoteSearchIndex;
  /** Cancels the run under way. */
  abort?: AbortController;
  error?: string;
  /** Forgotten (store removed or failed, setting changed): what a run under way makes is dropped. */
  gone: boolean;
}

const NO_RESULT: SearchResult = { runs: [], spans: [], totalRuns: 0, totalSpans: 0, hints: [] };

export class SearchIndexSlots<E extends StoreEntry> {
  private readonly slots = new Map<string, Slot>();
  /** Set once search was used: stores opened later get indexed too. */
  private wanted = false;
  private readonly updateDelayMs: number;
  private readonly now: () => number;

  constructor(private readonly deps: IndexSlotsDeps<E>) {
    this.updateDelayMs = deps.updateDelayMs ?? UPDATE_DELAY_MS;
    this.now = deps.now ?? Date.now;
  }

  /** The indexes ready now (possibly of an older version of a store while a newer one is made). */
  ready(): RemoteSearchIndex[] {
    const out: RemoteSearchIndex[] = [];
    for (const e of this.deps.list()) {
      const ix = this.slots.get(e.id)?.index;
      if (ix) out.push(ix);
    }
    return out;
  }

  /** One query over every ready index, in the engine; `indexes`: how many stores it covered. */
  async search(query: string, opts: SearchOptions = {}): Promise<{ result: SearchResult; indexes: number }> {
    const ready = this.ready();
    if (ready.length === 0) return { result: NO_RESULT, indexes: 0 };
    return { result: await ready[0]!.engine.searchIndexes(ready, query, opts), indexes: ready.length };
  }

  /** Names of the stores whose index is being built or updated, for the picker's "indexing…" line. */
  pending(): string[] {
    return this.deps
      .list()
      .filter((e) => this.slots.get(e.id)?.runs.busy === true)
      .map((e) => e.basename);
  }

  /** The last error indexing a store met (cleared by its next index). */
  errorOf(id: string): string | undefined {
    return this.slots.get(id)?.error;
  }

  /** Opens every store not read yet and starts indexing those without an index. */
  ensureAll(): void {
    this.wanted = true;
    for (const e of this.deps.list()) {
      if (e.state.kind === 'idle') this.deps.open(e);
      else this.ensure(e);
    }
  }

  /** Indexes the store now unless its index is of its current version (a run under way gets one catch-up). */
  ensure(entry: E): void {
    this.wanted = true;
    // Every store the registry opens lives in the engine (worker/client.ts).
    if (!(entry.store instanceof RemoteTraceStore)) return;
    void this.slotOf(entry).runs.runNow();
  }

  /** A store's state or data changed (opened, re-read, failed). */
  storeChanged(entry: E): void {
    if (entry.state.kind !== 'open') {
      if (entry.state.kind === 'error' || entry.state.kind === 'tooLarge') this.forget(entry.id);
      return;
    }
    const slot = this.slots.get(entry.id);
    if (!slot) {
      // Opened while a search wants it (ensureAll), or for another view: index once someone searched.
      if (this.wanted) this.ensure(entry);
      return;
    }
    if (slot.version === entry.version && slot.index) return;
    // While a run is under way: one catch-up as soon as it ends (aborting a whole build of a big
    // store each time a busy pipeline writes would never let it finish). Else wait for the store
    // to settle; the old index answers meanwhile.
    slot.runs.request(slot.runs.busy ? 0 : this.updateDelayMs);
  }

  /** The list of stores changed: the indexes of stores no longer listed are dropped. */
  storesChanged(): void {
    const live = new Set(this.deps.list().map((e) => e.id));
    for (const id of [...this.slots.keys()]) if (!live.has(id)) this.forget(id, false);
    this.deps.changed();
  }

  /** Every index made anew (from the next search on): what they hold depends on a setting that changed. */
  dropAll(): void {
    for (const id of [...this.slots.keys()]) this.forget(id, false);
    this.deps.changed();
    if (this.wanted) this.ensureAll();
  }

  /** Resolves when no slot builds, updates or waits to (tests; shutting down). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const busy = [...this.slots.values()].filter((s) => s.runs.busy || s.runs.pending);
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.runs.whenIdle()));
    }
  }

  dispose(): void {
    for (const id of [...this.slots.keys()]) this.forget(id, false);
  }

  private slotOf(entry: E): Slot {
    let slot = this.slots.get(entry.id);
    if (!slot) {
      const s: Slot = {
        version: -1,
        gone: false,
        runs: new Coalescer(() => this.bringUpToDate(entry, s), {
          onError: (e) => this.deps.log.error(`Indexing ${entry.id} for search failed`, e),
          now: this.now,
        }),
      };
      slot = s;
      this.slots.set(entry.id, slot);
    }
    return slot;
  }

  /** Stops a slot's work and frees its index in the engine. */
  private forget(id: string, tell = true): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    this.slots.delete(id);
    slot.gone = true;
    slot.runs.dispose();
    slot.abort?.abort();
    slot.index?.drop();
    slot.index = undefined;
    if (tell) this.deps.changed();
  }

  /** One run of a slot: a whole build the first time, else an update (a build when an update would cost as much). */
  private async bringUpToDate(entry: E, slot: Slot): Promise<void> {
    const store = entry.store;
    if (slot.gone || !(store instanceof RemoteTraceStore)) return;
    if (slot.index && slot.version === entry.version) return;
    const abort = new AbortController();
    const signal = abort.signal;
    slot.abort = abort;
    const version = entry.version;
    const old = slot.index;
    const started = this.now();
    // The store stays open until this is done, even if a newer read of its file replaces it.
    const release = this.deps.retain(store);
    try {
      const ix = await this.make(entry, store, old, abort, started);
      if (signal.aborted || slot.gone) {
        if (ix !== old) ix.drop();
        return;
      }
      slot.index = ix;
      slot.version = version;
      slot.error = undefined;
      if (ix !== old) {
        // The old index may still be in a search that started before: the engine skips a dropped one.
        old?.drop();
        this.deps.changed();
      }
    } catch (e) {
      if (signal.aborted || slot.gone) return;
      // The store was re-read meanwhile: its change event asked for the catch-up that tries anew.
      if (entry.version !== version) return;
      slot.error = errorMessage(e);
      this.deps.log.error(`Indexing ${entry.id} for search failed`, e);
      this.deps.changed();
    } finally {
      release();
      if (slot.abort === abort) slot.abort = undefined;
    }
  }

  private async make(entry: E, store: RemoteTraceStore, old: RemoteSearchIndex | undefined, abort: AbortController, started: number): Promise<RemoteSearchIndex> {
    const engine = store.engine;
    const signal = abort.signal;
    if (old) {
      // A store that changed: only the runs whose version moved are read again, quietly.
      const up = await engine.updateIndex(old, store, signal);
      if (up !== 'rebuild') {
        if (up.index !== old) this.deps.log.info(`Search index of ${entry.id} updated: ${up.changedRuns} runs re-read or dropped in ${this.now() - started} ms`);
        return up.index;
      }
    }
    const build = (onProgress: (spans: number) => void): Promise<RemoteSearchIndex> => engine.buildIndex(store, { signal, onProgress });
    const ix = await (this.deps.withBuildProgress ? this.deps.withBuildProgress(entry, abort, build) : build(() => undefined));
    this.deps.log.info(
      `Indexed ${entry.id} for search: ${ix.spanCount} spans, ${ix.runCount} runs in ${this.now() - started} ms (~${Math.round(ix.bytes() / 1e6)} MB)`,
    );
    return ix;
  }
}
