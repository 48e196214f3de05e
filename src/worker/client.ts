/**
 * The host's side of the engine worker: requests with ids, answers matched back, progress
 * streamed, cancellation, and stores and search indexes that live in the worker seen through
 * TraceStore and a small index handle. When the worker dies (out of memory, a crash in WASM), every
 * request in flight fails with one clear StoreError, listeners are told (the extension re-reads
 * its stores), and the next request starts a new worker.
 */
import type { SearchOptions, SearchResult } from '../analysis/search/search';
import { abortError } from '../sources/scanTurn';
import { StoreError, type RunQuery, type SearchDoc, type SpanSummaryQuery, type StoreFormat, type TraceStore } from '../sources/types';
import type { Run, Span, SpanNameGroup, SpanSummary } from '../model/types';
import { compareRuns, runStoreOp } from './ops';
import type { ReceiverStats } from '../receiver/server';
import type { FromWorker, IndexInfo, OpenResult, ReceiverInfo, OpenSpec, Request, Results, RunsCompared, StoreMethod, StoreOp, StoreOps, StoreProps, ToWorker, WireError } from './protocol';
import { EngineService } from './service';

/** A way to reach an engine service: a worker thread, or (tests, no worker bundle) this thread. */
export interface Transport {
  post(m: ToWorker): void;
  /** Called with every answer; `onExit` once, when the engine is gone for good. */
  start(onMessage: (m: FromWorker) => void, onExit: (why: string) => void): void;
  terminate(): Promise<void>;
  /** Keeps the process alive while answers are awaited (a worker is otherwise unref'd). */
  hold?(on: boolean): void;
}

/** The engine in this thread, messages cloned as a worker's are: the same code paths, no thread. */
export function inProcessTransport(): Transport {
  let service: EngineService | undefined;
  return {
    start(onMessage) {
      service = new EngineService((m) => {
        const copy = structuredClone(m);
        setImmediate(() => onMessage(copy));
      });
    },
    post(m) {
      const copy = structuredClone(m);
      setImmediate(() => service?.handle(copy));
    },
    async terminate() {
      await service?.dispose();
      service = undefined;
    },
  };
}

export function fromWireError(w: WireError): Error {
  const e = w.name === 'StoreError' ? new StoreError(w.message, w.store) : new Error(w.message);
  e.name = w.name;
  // The worker's own stack: where it failed is what the log needs.
  if (w.stack) e.stack = w.stack;
  return e;
}

interface Pending {
  resolve(v: unknown, props?: StoreProps): void;
  reject(e: Error): void;
  onProgress?: (v: SearchDoc[] | number) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (v: SearchDoc[] | number) => void;
  /** Called with the store's props that came with the answer. */
  onProps?: (p: StoreProps) => void;
}

export class EngineClient {
  private transport: Transport | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Receivers listening in the engine, by handle: where their events go. */
  private readonly receivers = new Map<number, RemoteReceiver>();
  /** Requests cancelled here whose answer may still come, by type: an index built meanwhile is dropped then. */
  private readonly cancelled = new Map<number, Request['type']>();
  private nextId = 1;
  private hideLlmContent = false;
  private readonly stopListeners = new Set<(why: string) => void>();
  /** Bumped each time a worker stops: handles of an older one are dead. */
  generation = 0;
  private disposed = false;

  constructor(private readonly makeTransport: () => Transport) {}

  /** Whether it was shut down (its stores and indexes went with it). */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Listens for the engine stopping unexpectedly (its stores are gone with it). */
  onDidStop(fn: (why: string) => void): { dispose(): void } {
    this.stopListeners.add(fn);
    return { dispose: () => this.stopListeners.delete(fn) };
  }

  private ensure(): Transport {
    if (this.disposed) throw new StoreError('Spanlens is shutting down');
    if (this.transport) return this.transport;
    const t = this.makeTransport();
    const generation = this.generation;
    t.start(
      (m) => this.received(m),
      (why) => {
        if (this.transport !== t || this.generation !== generation) return;
        this.transport = undefined;
        this.generation++;
        const err = new StoreError(`the Spanlens engine stopped (${why})`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.cancelled.clear();
        // A receiver listened in the worker: it stopped with it.
        for (const r of this.receivers.values()) r.ended(why);
        this.receivers.clear();
        if (!this.disposed) for (const l of this.stopListeners) l(why);
      },
    );
    this.transport = t;
    if (this.hideLlmContent) t.post({ kind: 'request', id: this.nextId++, request: { type: 'settings', hideLlmContent: true } });
    return t;
  }

  private received(m: FromWorker): void {
    if (m.kind === 'event') {
      if (m.event.type === 'receiverStored') this.receivers.get(m.event.receiver)?.stored(m.event.stats);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) {
      const type = m.kind === 'progress' ? undefined : this.cancelled.get(m.id);
      if (type === undefined) return;
      this.cancelled.delete(m.id);
      if (m.kind === 'result' && (type === 'indexBuild' || type === 'indexUpdate')) this.dropLateIndex(m.value);
      return;
    }
    if (m.kind === 'progress') {
      p.onProgress?.(m.value);
      return;
    }
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.transport?.hold?.(false);
    if (m.kind === 'result') p.resolve(m.value, m.props);
    else p.reject(fromWireError(m.error));
  }

  request<K extends Request['type']>(request: Extract<Request, { type: K }>, opts: RequestOptions = {}): Promise<Results[K]> {
    return new Promise<Results[K]>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(abortError());
        return;
      }
      let t: Transport;
      try {
        t = this.ensure();
      } catch (e) {
        reject(e as Error);
        return;
      }
      const id = this.nextId++;
      const onAbort = (): void => {
        if (!this.pending.delete(id)) return;
        this.cancelled.set(id, request.type);
        if (this.pending.size === 0) t.hold?.(false);
        t.post({ kind: 'cancel', id });
        reject(abortError());
      };
      const done = (): void => opts.signal?.removeEventListener('abort', onAbort);
      const pending: Pending = {
        resolve: (v, props) => {
          done();
          if (props) opts.onProps?.(props);
          resolve(v as Results[K]);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      if (opts.onProgress) pending.onProgress = opts.onProgress;
      this.pending.set(id, pending);
      if (this.pending.size === 1) t.hold?.(true);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      t.post({ kind: 'request', id, request });
    });
  }

  /**
   * The answer to a cancelled index build or update that the engine finished before it saw the
   * cancel: nobody holds that index, so it is freed at once.
   */
  private dropLateIndex(value: unknown): void {
    // An indexBuild answers IndexInfo, an indexUpdate an UpdateOutcome.
    const v = value as { handle?: unknown; kind?: unknown; index?: { handle?: unknown } } | undefined;
    const handle = typeof v?.handle === 'number' ? v.handle : v?.kind === 'updated' && typeof v.index?.handle === 'number' ? v.index.handle : undefined;
    if (handle !== undefined && this.transport) this.transport.post({ kind: 'request', id: this.nextId++, request: { type: 'indexDrop', index: handle } });
  }

  /** `spanlens.llm.hideContent`: every store in the worker reads it on each query. */
  setHideLlmContent(hide: boolean): void {
    this.hideLlmContent = hide;
    if (this.transport) void this.request({ type: 'settings', hideLlmContent: hide }).catch(() => undefined);
  }

  /** Opens a store in the engine (format detected unless `spec.format`); read-only, as openStore. */
  async openStore(spec: OpenSpec): Promise<RemoteTraceStore> {
    const generation = this.generation;
    const r = await this.request({ type: 'open', spec });
    return new RemoteTraceStore(this, r, generation);
  }

  /** A search index of `store`, built in the engine; progress as spans indexed so far. */
  async buildIndex(store: RemoteTraceStore, opts: { signal?: AbortSignal; onProgress?: (spans: number) => void } = {}): Promise<RemoteSearchIndex> {
    const o: RequestOptions = {};
    if (opts.signal) o.signal = opts.signal;
    if (opts.onProgress) {
      const report = opts.onProgress;
      o.onProgress = (v) => typeof v === 'number' && report(v);
    }
    const info = await this.request({ type: 'indexBuild', store: store.handleFor(this) }, o);
    return new RemoteSearchIndex(this, info, this.generation);
  }

  /**
   * `old` brought up to date with `store`: the same index when nothing changed, a new one with
   * the changed runs read again, or `'rebuild'` when that would cost as much as building anew.
   */
  async updateIndex(
    old: RemoteSearchIndex,
    store: RemoteTraceStore,
    signal?: AbortSignal,
  ): Promise<{ index: RemoteSearchIndex; changedRuns: number } | 'rebuild'> {
    if (old.generation !== this.generation) return 'rebuild';
    const r = await this.request({ type: 'indexUpdate', store: store.handleFor(this), index: old.handle }, signal ? { signal } : {});
    if (r.kind === 'rebuild') return 'rebuild';
    if (r.kind === 'same') return { index: old, changedRuns: 0 };
    return { index: new RemoteSearchIndex(this, r.index, this.generation), changedRuns: r.changedRuns };
  }

  /**
   * Starts the OTLP/HTTP receiver in the engine (src/receiver): decoding and writing what apps
   * send never runs on this thread. Rejects with a ReceiverStartError (by name) when it cannot
   * listen; `onStored` hears the counts as requests are stored.
   */
  async startReceiver(options: { dir: string; host?: string; port?: number }, onStored: (stats: ReceiverStats) => void): Promise<RemoteReceiver> {
    const info = await this.request({ type: 'receiverStart', ...options });
    const r = new RemoteReceiver(this, info, onStored);
    this.receivers.set(info.handle, r);
    return r;
  }

  /** Stops a receiver (requests in flight are stored first); its final counts. */
  async stopReceiver(r: RemoteReceiver): Promise<ReceiverStats> {
    if (!this.receivers.delete(r.handle)) return r.stats;
    return this.request({ type: 'receiverStop', receiver: r.handle });
  }

  /** One query over several indexes, merged by rank (analysis/search searchIndexes, in the engine). */
  searchIndexes(indexes: readonly RemoteSearchIndex[], query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    const live = indexes.filter((ix) => ix.generation === this.generation && !ix.dropped).map((ix) => ix.handle);
    const request: Extract<Request, { type: 'indexSearch' }> = { type: 'indexSearch', indexes: live, query };
    if (opts.limit !== undefined) request.limit = opts.limit;
    return this.request(request, opts.signal ? { signal: opts.signal } : {});
  }

  async dispose(): Promise<void> {
    // A receiver stores what is in flight before the worker ends (as long as the host lets us).
    const receivers = [...this.receivers.values()];
    this.receivers.clear();
    await Promise.all(receivers.map((r) => this.request({ type: 'receiverStop', receiver: r.handle }).catch(() => undefined)));
    this.disposed = true;
    const t = this.transport;
    this.transport = undefined;
    const err = new StoreError('Spanlens is shutting down');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    await t?.terminate();
  }
}

/**
 * A store open in the engine, seen as a TraceStore: every call is a message. Its optional
 * methods exist exactly where the reader's do, so callers' `store.runVersions &&` checks hold.
 */
export class RemoteTraceStore implements TraceStore {
  readonly id: string;
  readonly format: StoreFormat;
  skippedLines?: number;
  skippedFiles?: readonly string[];
  readonly spanGroups?: (query?: SpanSummaryQuery) => Promise<SpanNameGroup[]>;
  readonly runVersions?: () => Promise<Map<string, string>>;
  readonly hiddenByWindow?: TraceStore['hiddenByWindow'];
  readonly countRuns?: (query?: RunQuery) => Promise<number>;
  readonly refresh?: () => Promise<void>;
  readonly scanSpans?: TraceStore['scanSpans'];
  private readonly handle: number;
  private closed = false;

  constructor(
    /** The engine it lives in: its search indexes are built there too. */
    readonly engine: EngineClient,
    opened: OpenResult,
    private readonly generation: number,
  ) {
    const client = engine;
    this.id = opened.id;
    this.format = opened.format;
    this.handle = opened.handle;
    this.setProps(opened.props);
    const has = new Set<StoreMethod>(opened.methods);
    if (has.has('spanGroups')) this.spanGroups = (q) => this.call('spanGroups', [q]) as Promise<SpanNameGroup[]>;
    if (has.has('runVersions')) this.runVersions = () => this.call('runVersions', []) as Promise<Map<string, string>>;
    if (has.has('hiddenByWindow')) this.hiddenByWindow = (q) => this.call('hiddenByWindow', [q]) as ReturnType<NonNullable<TraceStore['hiddenByWindow']>>;
    if (has.has('countRuns')) this.countRuns = (q) => this.call('countRuns', [q]) as Promise<number>;
    if (has.has('refresh')) this.refresh = async () => void (await this.call('refresh', []));
    if (opened.scan) {
      this.scanSpans = async (onBatch, signal, runIds) => {
        const request: Extract<Request, { type: 'scan' }> = { type: 'scan', store: this.handleFor(client) };
        if (runIds) request.runIds = [...runIds];
        const o: RequestOptions = { onProgress: (v) => typeof v !== 'number' && onBatch(v) };
        if (signal) o.signal = signal;
        await client.request(request, o);
      };
    }
  }

  private setProps(p: StoreProps): void {
    if (p.skippedLines !== undefined) this.skippedLines = p.skippedLines;
    if (p.skippedFiles !== undefined) this.skippedFiles = p.skippedFiles;
  }

  /** Whether the engine that opened it still holds it (not closed, the engine not restarted since). */
  get alive(): boolean {
    return !this.closed && this.engine.generation === this.generation;
  }

  /** Its handle, as long as the engine that opened it runs. */
  handleFor(client: EngineClient): number {
    if (client !== this.engine || this.closed || client.generation !== this.generation) {
      throw new StoreError(`${this.id}: the store was closed — refresh it to read it again`, this.id);
    }
    return this.handle;
  }

  private call(method: StoreMethod, args: unknown[]): Promise<unknown> {
    try {
      return this.engine.request({ type: 'call', store: this.handleFor(this.engine), method, args }, { onProps: (p) => this.setProps(p) });
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  listRuns(query?: RunQuery): Promise<Run[]> {
    return this.call('listRuns', [query]) as Promise<Run[]>;
  }

  findRuns(partial: string): Promise<Run[]> {
    return this.call('findRuns', [partial]) as Promise<Run[]>;
  }

  getSpans(runId: string): Promise<Span[]> {
    return this.call('getSpans', [runId]) as Promise<Span[]>;
  }

  spanSummaries(query?: SpanSummaryQuery): Promise<SpanSummary[]> {
    return this.call('spanSummaries', [query]) as Promise<SpanSummary[]>;
  }

  /** Engine work on this store, done in the engine (StoreOps). */
  op<K extends StoreOp>(op: K, args: Parameters<StoreOps[K]>): Promise<ReturnType<StoreOps[K]>> {
    try {
      return this.engine.request({ type: 'op', store: this.handleFor(this.engine), op, args }) as Promise<ReturnType<StoreOps[K]>>;
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.engine.generation !== this.generation || this.engine.isDisposed) return;
    try {
      await this.engine.request({ type: 'close', store: this.handle });
    } catch (e) {
      // Shut down meanwhile (the window closing): the worker's end freed it.
      if (!this.engine.isDisposed) throw e;
    }
  }
}

/**
 * Engine work on `store` (StoreOps): in the engine for a store opened there, else here. Callers
 * need not know where a store lives.
 */
export function storeOp<K extends StoreOp>(store: TraceStore, op: K, args: Parameters<StoreOps[K]>): Promise<ReturnType<StoreOps[K]>> {
  if (store instanceof RemoteTraceStore) return store.op(op, args);
  return runStoreOp(store, op, args) as Promise<ReturnType<StoreOps[K]>>;
}

/**
 * Two runs read and aligned (analysis/diff): in the engine when both stores live in the same one,
 * else here. A run no longer in its store keeps `fallback` (as it was when picked).
 */
export function compareStoredRuns(
  a: { store: TraceStore; runId: string; fallback?: Run },
  b: { store: TraceStore; runId: string; fallback?: Run },
): Promise<RunsCompared> {
  if (a.store instanceof RemoteTraceStore && b.store instanceof RemoteTraceStore && a.store.engine === b.store.engine) {
    const engine = a.store.engine;
    try {
      return engine.request({ type: 'diff', a: { ...a, store: a.store.handleFor(engine) }, b: { ...b, store: b.store.handleFor(engine) } });
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  return compareRuns(a, b);
}

/** The OTLP receiver listening in the engine: where it listens, and its counts as last heard. */
export class RemoteReceiver {
  readonly handle: number;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  private current: ReceiverStats;
  /** Why it stopped on its own (the engine stopped), once it did. */
  endedBecause: string | undefined;

  constructor(
    private readonly engine: EngineClient,
    info: ReceiverInfo,
    private readonly onStored: (stats: ReceiverStats) => void,
  ) {
    this.handle = info.handle;
    this.host = info.host;
    this.port = info.port;
    this.url = info.url;
    this.dir = info.dir;
    this.current = info.stats;
  }

  get stats(): Readonly<ReceiverStats> {
    return this.current;
  }

  /** Requests in flight are stored, then it stops listening. */
  async stop(): Promise<void> {
    if (this.endedBecause !== undefined) return;
    this.current = await this.engine.stopReceiver(this);
  }

  /** @internal the engine's event */
  stored(stats: ReceiverStats): void {
    this.current = stats;
    this.onStored(stats);
  }

  /** @internal the engine stopped, and the receiver with it */
  ended(why: string): void {
    this.endedBecause = why;
  }
}

/** A search index living in the engine: its counts here, its contents there. */
export class RemoteSearchIndex {
  readonly handle: number;
  readonly store: string;
  readonly format: string;
  readonly spanCount: number;
  readonly runCount: number;
  private readonly byteCount: number;
  dropped = false;

  constructor(
    readonly engine: EngineClient,
    info: IndexInfo,
    readonly generation: number,
  ) {
    this.handle = info.handle;
    this.store = info.store;
    this.format = info.format;
    this.spanCount = info.spanCount;
    this.runCount = info.runCount;
    this.byteCount = info.bytes;
  }

  bytes(): number {
    return this.byteCount;
  }

  /** Frees it in the engine (a newer index replaced it, or its store went away). */
  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    if (this.engine.generation === this.generation) void this.engine.request({ type: 'indexDrop', index: this.handle }).catch(() => undefined);
  }
}

