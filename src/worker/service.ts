/**
 * The engine's side of the worker protocol: holds the stores and search indexes opened for the
 * extension host, by handle, and answers its requests. Knows nothing of threads (main.ts wires it
 * to one; the tests and an in-process fallback call it directly).
 */
import { applyUpdate, buildIndex, planUpdate, searchIndexes, type SearchIndex } from '../analysis/search/search';
import { startReceiver, type Receiver, type ReceiverOptions } from '../receiver/server';
import { openStore } from '../sources/open';
import { throwIfAborted } from '../sources/scanTurn';
import type { RunQuery, SpanSummaryQuery, TraceStore } from '../sources/types';
import { compareRuns, runStoreOp, SpanTreeCache } from './ops';
import {
  OPTIONAL_METHODS,
  type FromWorker,
  type IndexInfo,
  type OpenResult,
  type ReceiverInfo,
  type Request,
  type StoreMethod,
  type StoreProps,
  type ToWorker,
  type UpdateOutcome,
  type WireError,
} from './protocol';

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const out: WireError = { name: e.name, message: e.message };
    const store = (e as { store?: unknown }).store;
    if (typeof store === 'string') out.store = store;
    if (e.stack) out.stack = e.stack;
    return out;
  }
  return { name: 'Error', message: String(e) };
}

/** At most this often a receiver's counts go to the host while requests keep arriving. */
const RECEIVER_EVENT_MS = 50;

function propsOf(store: TraceStore): StoreProps {
  const p: StoreProps = {};
  if (store.skippedLines !== undefined) p.skippedLines = store.skippedLines;
  if (store.skippedFiles !== undefined) p.skippedFiles = [...store.skippedFiles];
  return p;
}

function infoOf(handle: number, ix: SearchIndex): IndexInfo {
  return { handle, store: ix.store, format: ix.format, spanCount: ix.spanCount, runCount: ix.runCount, bytes: ix.bytes() };
}

export class EngineService {
  private readonly stores = new Map<number, TraceStore>();
  private readonly indexes = new Map<number, SearchIndex>();
  private readonly running = new Map<number, AbortController>();
  private readonly receivers = new Map<number, Receiver>();
  /** Span trees the Runs view pages through (treePage), per store, until the store changes. */
  private readonly trees = new SpanTreeCache();
  private nextHandle = 1;
  private hideLlmContent = false;

  constructor(private readonly post: (m: FromWorker) => void) {}

  /** One message from the host. Answers come through `post`, in any order. */
  handle(msg: ToWorker): void {
    if (msg.kind === 'cancel') {
      this.running.get(msg.id)?.abort();
      return;
    }
    const abort = new AbortController();
    this.running.set(msg.id, abort);
    this.answer(msg.id, msg.request, abort.signal)
      .then(
        ({ value, props }) => this.post(props ? { kind: 'result', id: msg.id, value, props } : { kind: 'result', id: msg.id, value }),
        (e: unknown) => this.post({ kind: 'error', id: msg.id, error: toWireError(e) }),
      )
      // An answer that cannot be sent (cloning it failed) is an error for that request, never an
      // unhandled rejection that would end the worker and every store in it.
      .catch((e: unknown) => this.post({ kind: 'error', id: msg.id, error: toWireError(e) }))
      .catch(() => undefined)
      .finally(() => this.running.delete(msg.id));
  }

  private store(handle: number): TraceStore {
    const s = this.stores.get(handle);
    if (!s) throw Object.assign(new Error('the store was closed — refresh it to read it again'), { name: 'StoreError' });
    return s;
  }

  private index(handle: number): SearchIndex {
    const ix = this.indexes.get(handle);
    if (!ix) throw new Error(`search index ${handle} was dropped`);
    return ix;
  }

  private keepIndex(ix: SearchIndex): IndexInfo {
    const handle = this.nextHandle++;
    this.indexes.set(handle, ix);
    return infoOf(handle, ix);
  }

  private async answer(id: number, r: Request, signal: AbortSignal): Promise<{ value: unknown; props?: StoreProps }> {
    switch (r.type) {
      case 'settings':
        this.hideLlmContent = r.hideLlmContent;
        return { value: undefined };
      case 'open': {
        const { target, ...options } = r.spec;
        const store = await openStore(target, { ...options, hideLlmContent: () => this.hideLlmContent });
        const handle = this.nextHandle++;
        this.stores.set(handle, store);
        const methods = OPTIONAL_METHODS.filter((m) => typeof store[m] === 'function');
        const value: OpenResult = { handle, id: store.id, format: store.format, methods, scan: typeof store.scanSpans === 'function', props: propsOf(store) };
        return { value };
      }
      case 'close': {
        const store = this.stores.get(r.store);
        this.stores.delete(r.store);
        if (store) this.trees.forget(store);
        await store?.close();
        return { value: undefined };
      }
      case 'call': {
        const store = this.store(r.store);
        // A refresh reads what was appended: trees built before may have grown.
        if (r.method === 'refresh') this.trees.forget(store);
        const value = await callStore(store, r.method, r.args);
        // And once more after it: a tree built while it read may hold the older lines.
        if (r.method === 'refresh') this.trees.forget(store);
        return { value, props: propsOf(store) };
      }
      case 'op':
        return { value: await runStoreOp(this.store(r.store), r.op, r.args, this.trees) };
      case 'scan': {
        const store = this.store(r.store);
        if (!store.scanSpans) throw new Error(`${store.id}: this store has no bulk scan`);
        await store.scanSpans((docs) => this.post({ kind: 'progress', id, value: docs }), signal, r.runIds ? new Set(r.runIds) : undefined);
        return { value: undefined };
      }
      case 'indexBuild': {
        const ix = await buildIndex(this.store(r.store), { signal, onProgress: (n) => this.post({ kind: 'progress', id, value: n }) });
        // Cancelled while it finished: nobody will hold it (the host drops one that still crosses the cancel).
        throwIfAborted(signal);
        return { value: this.keepIndex(ix) };
      }
      case 'indexUpdate': {
        const old = this.index(r.index);
        const store = this.store(r.store);
        const plan = await planUpdate(old, store, signal);
        let out: UpdateOutcome;
        if (plan === undefined) out = { kind: 'same' };
        else if (plan === 'rebuild') out = { kind: 'rebuild' };
        else {
          const ix = await applyUpdate(old, store, plan, { signal });
          throwIfAborted(signal);
          out = { kind: 'updated', index: this.keepIndex(ix), changedRuns: plan.replaced.size };
        }
        return { value: out };
      }
      case 'indexSearch': {
        // An index dropped meanwhile (its store re-read) is left out, not an error: the next search has the new one.
        const live: SearchIndex[] = [];
        for (const h of r.indexes) {
          const ix = this.indexes.get(h);
          if (ix) live.push(ix);
        }
        return { value: await searchIndexes(live, r.query, r.limit === undefined ? { signal } : { limit: r.limit, signal }) };
      }
      case 'indexDrop':
        this.indexes.delete(r.index);
        return { value: undefined };
      case 'receiverStart': {
        const handle = this.nextHandle++;
        // Counts go out at most every RECEIVER_EVENT_MS while a burst lasts, and once after it:
        // an exporter sending hundreds of requests a second must not flood the host with messages.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const announce = (): void => {
          timer = undefined;
          const r = this.receivers.get(handle);
          if (r) this.post({ kind: 'event', event: { type: 'receiverStored', receiver: handle, stats: { ...r.stats } } });
        };
        const options: ReceiverOptions = { dir: r.dir, onStored: () => void (timer ??= setTimeout(announce, RECEIVER_EVENT_MS)) };
        if (r.host !== undefined) options.host = r.host;
        if (r.port !== undefined) options.port = r.port;
        const receiver = await startReceiver(options);
        this.receivers.set(handle, receiver);
        const info: ReceiverInfo = { handle, host: receiver.host, port: receiver.port, url: receiver.url, dir: receiver.dir, stats: { ...receiver.stats } };
        return { value: info };
      }
      case 'receiverStop': {
        const receiver = this.receivers.get(r.receiver);
        if (!receiver) throw new Error('the receiver was already stopped');
        await receiver.stop();
        this.receivers.delete(r.receiver);
        return { value: { ...receiver.stats } };
      }
      case 'diff':
        return {
          value: await compareRuns({ ...r.a, store: this.store(r.a.store) }, { ...r.b, store: this.store(r.b.store) }),
        };
    }
  }

  /** Closes everything (the worker is shutting down). */
  async dispose(): Promise<void> {
    for (const a of this.running.values()) a.abort();
    const receivers = [...this.receivers.values()];
    this.receivers.clear();
    for (const r of receivers) await r.stop().catch(() => undefined);
    this.indexes.clear();
    const stores = [...this.stores.values()];
    this.stores.clear();
    for (const s of stores) await s.close().catch(() => undefined);
  }
}

function callStore(store: TraceStore, method: StoreMethod, args: readonly unknown[]): Promise<unknown> {
  const q = args[0] as RunQuery | undefined;
  const missing = (): never => {
    throw new Error(`${store.id}: the store has no ${method}`);
  };
  switch (method) {
    case 'listRuns':
      return store.listRuns(q);
    case 'findRuns':
      return store.findRuns(String(args[0]));
    case 'getSpans':
      return store.getSpans(String(args[0]));
    case 'spanSummaries':
      return store.spanSummaries(args[0] as SpanSummaryQuery | undefined);
    case 'spanGroups':
      return store.spanGroups ? store.spanGroups(args[0] as SpanSummaryQuery | undefined) : missing();
    case 'runVersions':
      return store.runVersions ? store.runVersions() : missing();
    case 'hiddenByWindow':
      return store.hiddenByWindow ? store.hiddenByWindow(q) : missing();
    case 'countRuns':
      return store.countRuns ? store.countRuns(q) : missing();
    case 'refresh':
      return store.refresh ? store.refresh() : missing();
  }
}
