// The search index slots (src/extension/search/indexSlots.ts) over a real engine in this thread
// and real waft stores on disk. The wire between the slots and the engine is watched (which
// requests were sent, which were cancelled, which index handles the engine holds) and, where a
// test needs a build or an update to be under way, its answer is held back until released.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SearchIndexSlots } from '../../../src/extension/search/indexSlots';
import { IDLE_SNAPSHOT, StoreEntry } from '../../../src/extension/stores/storeEntry';
import type { TraceStore } from '../../../src/sources/types';
import { EngineClient, inProcessTransport, RemoteTraceStore, type Transport } from '../../../src/worker/client';
import type { IndexInfo, Request, UpdateOutcome } from '../../../src/worker/protocol';
import { settle } from './fakeStore';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-indexslots-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** One span as waft's TraceStorage writes it (as test/unit/worker/engine.test.ts writes them). */
function waftLine(trace: string, span: string, operation: string, status = 'success', error: string | null = null): string {
  return `${JSON.stringify({ trace_id: trace, span_id: span, operation, layer: 'core', parent_span_id: null, timestamp: '2026-12-01T10:00:00.000000', duration_ms: 1000, status, data: {}, metadata: {}, error })}\n`;
}

/** A waft project `name` with `runs` one-span runs whose operations are `<name>_step_<i>`; its traces folder is the store. */
function waftStore(name: string, runs = 10): { traces: string; file: string } {
  const traces = path.join(fs.mkdtempSync(path.join(dir, 'p-')), name, '_pyrite', 'analytics', 'traces');
  fs.mkdirSync(traces, { recursive: true });
  const file = path.join(traces, '2026-12-01.jsonl');
  let lines = '';
  for (let i = 0; i < runs; i++) lines += waftLine(`${name}-t${i}`, `${name}-s${i}`, `${name}_step_${i}`);
  fs.writeFileSync(file, lines);
  return { traces, file };
}

/** The in-process engine, with its messages watched and chosen answers held back. */
class Wire {
  readonly sent: Array<{ id: number; request: Request }> = [];
  readonly cancelled: number[] = [];
  /** Index handles the engine made and was not told to drop, as seen on the wire. */
  readonly liveIndexes = new Set<number>();
  /** Answers to requests of these types wait in `held` until released. */
  readonly hold = new Set<Request['type']>();
  private held: Array<() => void> = [];

  count(type: Request['type']): number {
    return this.sent.filter((s) => s.request.type === type).length;
  }

  get heldCount(): number {
    return this.held.length;
  }

  releaseAll(): void {
    this.hold.clear();
    const held = this.held;
    this.held = [];
    for (const h of held) h();
  }

  transport(): Transport {
    const inner = inProcessTransport();
    const requests = new Map<number, Request>();
    return {
      post: (m) => {
        if (m.kind === 'request') {
          requests.set(m.id, m.request);
          this.sent.push({ id: m.id, request: m.request });
          if (m.request.type === 'indexDrop') this.liveIndexes.delete(m.request.index);
        } else {
          this.cancelled.push(m.id);
        }
        inner.post(m);
      },
      start: (onMessage, onExit) =>
        inner.start((m) => {
          if (m.kind === 'event') return onMessage(m);
          const request = requests.get(m.id);
          if (m.kind === 'result' && request?.type === 'indexBuild') this.liveIndexes.add((m.value as IndexInfo).handle);
          if (m.kind === 'result' && request?.type === 'indexUpdate') {
            const out = m.value as UpdateOutcome;
            if (out.kind === 'updated') this.liveIndexes.add(out.index.handle);
          }
          if (m.kind !== 'progress' && request && this.hold.has(request.type)) {
            this.held.push(() => onMessage(m));
            return;
          }
          onMessage(m);
        }, onExit),
      terminate: () => inner.terminate(),
    };
  }
}

/** Waits (a few turns of the event loop at a time) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await settle(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('SearchIndexSlots (the search index manager’s core) over a real engine', () => {
  let wire: Wire;
  let client: EngineClient;
  let listed: StoreEntry[];
  let slots: SearchIndexSlots<StoreEntry>;
  let changes: number;
  let errors: string[];
  let opened: string[];
  const leases = new Map<TraceStore, number>();
  const files = new Map<StoreEntry, string>();

  beforeEach(() => {
    wire = new Wire();
    client = new EngineClient(() => wire.transport());
    listed = [];
    changes = 0;
    errors = [];
    opened = [];
    leases.clear();
    files.clear();
    slots = new SearchIndexSlots<StoreEntry>({
      list: () => listed,
      open: (entry) => opened.push(entry.id),
      retain: (store) => {
        leases.set(store, (leases.get(store) ?? 0) + 1);
        return () => leases.set(store, leases.get(store)! - 1);
      },
      changed: () => changes++,
      log: { info: () => undefined, error: (what) => errors.push(what) },
      updateDelayMs: 20,
    });
  });

  afterEach(async () => {
    wire.releaseAll();
    slots.dispose();
    await settle();
    await client.dispose();
  });

  /** A listed store, open in the engine as the loader leaves it (version 1). */
  async function openStore(name: string, runs = 10): Promise<StoreEntry> {
    const { traces, file } = waftStore(name, runs);
    const entry = new StoreEntry(traces);
    const store = await client.openStore({ target: traces });
    entry.replaceSnapshot({ ...IDLE_SNAPSHOT, state: { kind: 'open', store, loadedAt: 0 }, version: 1 });
    listed.push(entry);
    files.set(entry, file);
    return entry;
  }

  function remote(entry: StoreEntry): RemoteTraceStore {
    return entry.store as RemoteTraceStore;
  }

  /** The pipeline wrote a run; the loader refreshed the store in place and moved its version, then told. */
  async function write(entry: StoreEntry, trace: string, operation: string, tell = true): Promise<void> {
    fs.appendFileSync(files.get(entry)!, waftLine(trace, `${trace}-s`, operation));
    await remote(entry).refresh!();
    entry.replaceSnapshot({ ...entry.snapshot, version: entry.version + 1 });
    if (tell) slots.storeChanged(entry);
  }

  async function spansFound(query: string): Promise<string[]> {
    const { result } = await slots.search(query, { limit: 50 });
    return result.spans.map((h) => h.runId).sort();
  }

  function leasesHeld(): number {
    let n = 0;
    for (const c of leases.values()) n += c;
    return n;
  }

  it('indexes nothing until search is wanted, then builds each store once and searches them all', async () => {
    const a = await openStore('alpha');
    const b = await openStore('beta');
    const idle = new StoreEntry(path.join(dir, 'not-read-yet'));
    listed.push(idle);
    slots.storeChanged(a);
    await settle();
    expect(wire.count('indexBuild')).toBe(0);

    slots.ensureAll();
    // A store nothing was asked of yet is opened (its change event then indexes it).
    expect(opened).toEqual([idle.id]);
    await slots.whenIdle();
    expect(wire.count('indexBuild')).toBe(2);
    expect(wire.count('indexUpdate')).toBe(0);
    expect(slots.ready().map((ix) => ix.store)).toEqual([a.id, b.id]);
    expect(slots.ready().map((ix) => ix.runCount)).toEqual([10, 10]);
    expect(await spansFound('alpha_step_3')).toEqual(['alpha-t3']);
    expect(await spansFound('beta_step_7')).toEqual(['beta-t7']);
    expect((await slots.search('step')).indexes).toBe(2);
    expect(slots.pending()).toEqual([]);
    expect(changes).toBeGreaterThanOrEqual(2);
    expect(leasesHeld()).toBe(0);

    // Asked again with nothing changed: nothing is sent.
    const sent = wire.sent.length;
    slots.ensureAll();
    slots.storeChanged(a);
    await slots.whenIdle();
    expect(wire.sent.length).toBe(sent);
  });

  it('a change while the first build runs gives exactly one catch-up update afterwards, not a rebuild', async () => {
    const a = await openStore('alpha');
    wire.hold.add('indexBuild');
    slots.ensure(a);
    await until(() => wire.heldCount === 1, 'the build to be under way');
    expect(slots.pending()).toEqual(['alpha']);
    expect(slots.ready()).toEqual([]);

    await write(a, 'late-1', 'late_one');
    await write(a, 'late-2', 'late_two');
    await write(a, 'late-3', 'late_three');
    slots.ensure(a);
    wire.releaseAll();
    await slots.whenIdle();

    expect(wire.count('indexBuild')).toBe(1);
    expect(wire.count('indexUpdate')).toBe(1);
    const [ix] = slots.ready();
    expect(ix?.runCount).toBe(13);
    expect(await spansFound('late_three')).toEqual(['late-3']);
    // The first build's index was dropped in the engine once its successor was ready.
    expect([...wire.liveIndexes]).toEqual([ix!.handle]);
    expect(leasesHeld()).toBe(0);
  });

  it('changes while idle wait for the store to settle: one update for several writes', async () => {
    const a = await openStore('alpha');
    slots.ensure(a);
    await slots.whenIdle();
    const first = slots.ready()[0]!;
    await write(a, 'w-1', 'written_one', false);
    await write(a, 'w-2', 'written_two', false);
    await write(a, 'w-3', 'written_three', false);
    // Told three times in a row (re-reads of a busy store): the wait restarts, one update follows.
    for (let i = 0; i < 3; i++) {
      a.replaceSnapshot({ ...a.snapshot, version: a.version + 1 });
      slots.storeChanged(a);
    }
    expect(wire.count('indexUpdate')).toBe(0);
    await slots.whenIdle();
    expect(wire.count('indexBuild')).toBe(1);
    expect(wire.count('indexUpdate')).toBe(1);
    expect(slots.ready()[0]).not.toBe(first);
    expect(first.dropped).toBe(true);
    expect(await spansFound('written_two')).toEqual(['w-2']);
  });

  it('the old index keeps answering while an update runs; it is dropped once the new one is ready', async () => {
    const a = await openStore('alpha');
    slots.ensure(a);
    await slots.whenIdle();
    const old = slots.ready()[0]!;
    const changesBefore = changes;

    wire.hold.add('indexUpdate');
    await write(a, 'late-1', 'late_step');
    await until(() => wire.heldCount === 1, 'the update to be under way');
    expect(slots.pending()).toEqual(['alpha']);
    expect(slots.ready()).toEqual([old]);
    expect(old.dropped).toBe(false);
    expect(await spansFound('alpha_step_4')).toEqual(['alpha-t4']);
    expect(await spansFound('late_step')).toEqual([]);

    wire.releaseAll();
    await slots.whenIdle();
    const now = slots.ready()[0]!;
    expect(now).not.toBe(old);
    expect(old.dropped).toBe(true);
    expect(changes).toBe(changesBefore + 1);
    expect(await spansFound('late_step')).toEqual(['late-1']);
    expect([...wire.liveIndexes]).toEqual([now.handle]);
    expect(wire.count('indexBuild')).toBe(1);
  });

  it('a store removed while its build runs: the build is cancelled in the engine, the others go on', async () => {
    const a = await openStore('alpha');
    const b = await openStore('beta');
    wire.hold.add('indexBuild');
    slots.ensureAll();
    await until(() => wire.heldCount === 2, 'both builds to be under way');
    const aBuild = wire.sent.find((s) => s.request.type === 'indexBuild' && s.request.store === storeHandle(a));
    listed = listed.filter((e) => e !== a);
    slots.storesChanged();
    expect(wire.cancelled).toEqual([aBuild!.id]);
    expect(slots.pending()).toEqual(['beta']);

    // The held answer means alpha's build finished in the engine before the cancel reached it:
    // the client drops the index that answer names, so the engine holds only beta's.
    wire.releaseAll();
    await slots.whenIdle();
    await settle();
    expect(slots.ready().map((ix) => ix.store)).toEqual([b.id]);
    expect([...wire.liveIndexes]).toEqual([slots.ready()[0]!.handle]);
    expect(await spansFound('alpha_step_1')).toEqual([]);
    expect(await spansFound('beta_step_1')).toEqual(['beta-t1']);
    expect(slots.errorOf(a.id)).toBeUndefined();
    expect(errors).toEqual([]);
    expect(leasesHeld()).toBe(0);
  });

  it('a store removed after it was indexed: its index is dropped in the engine and no longer searched', async () => {
    const a = await openStore('alpha');
    const b = await openStore('beta');
    slots.ensureAll();
    await slots.whenIdle();
    const [ixA, ixB] = slots.ready();
    expect(wire.liveIndexes.size).toBe(2);

    listed = listed.filter((e) => e !== a);
    slots.storesChanged();
    expect(ixA!.dropped).toBe(true);
    expect(wire.sent.at(-1)?.request).toEqual({ type: 'indexDrop', index: ixA!.handle });
    expect([...wire.liveIndexes]).toEqual([ixB!.handle]);
    expect(await spansFound('alpha_step_2')).toEqual([]);
    // Even asked for by hand, the engine leaves a dropped index out.
    expect((await client.searchIndexes([ixA!, ixB!], 'alpha_step_2')).spans).toEqual([]);
    expect(await spansFound('beta_step_2')).toEqual(['beta-t2']);
    expect(b.version).toBe(1);
  });

  it('a store removed while its update runs: the update is cancelled and its old index dropped', async () => {
    const a = await openStore('alpha');
    slots.ensure(a);
    await slots.whenIdle();
    const old = slots.ready()[0]!;
    wire.hold.add('indexUpdate');
    await write(a, 'late-1', 'late_step');
    await until(() => wire.heldCount === 1, 'the update to be under way');
    listed = [];
    slots.storesChanged();
    expect(old.dropped).toBe(true);
    expect(wire.cancelled.length).toBe(1);
    expect(slots.pending()).toEqual([]);
    expect(slots.ready()).toEqual([]);
    await settle();
    expect(leasesHeld()).toBe(0);
  });

  it('an error in one store is kept for it and leaves the other stores’ indexes', async () => {
    const a = await openStore('alpha');
    const b = await openStore('beta');
    // Closed in the engine behind the slots' back: its build fails.
    await remote(a).close();
    slots.ensureAll();
    await slots.whenIdle();
    expect(slots.errorOf(a.id)).toMatch(/closed/);
    expect(slots.errorOf(b.id)).toBeUndefined();
    expect(errors).toEqual([`Indexing ${a.id} for search failed`]);
    expect(slots.ready().map((ix) => ix.store)).toEqual([b.id]);
    expect(await spansFound('beta_step_5')).toEqual(['beta-t5']);

    // The loader reads it again (a new store in the engine): the next index clears the error.
    const again = await client.openStore({ target: a.id });
    a.replaceSnapshot({ ...a.snapshot, state: { kind: 'open', store: again, loadedAt: 1 }, version: 2 });
    slots.storeChanged(a);
    await slots.whenIdle();
    expect(slots.errorOf(a.id)).toBeUndefined();
    expect(slots.ready().map((ix) => ix.store)).toEqual([a.id, b.id]);
  });

  it('an update that fails keeps the old index; a store that fails to read drops it, and only it', async () => {
    const a = await openStore('alpha');
    await openStore('beta');
    slots.ensureAll();
    await slots.whenIdle();
    const [ixA, ixB] = slots.ready();

    await remote(a).close();
    a.replaceSnapshot({ ...a.snapshot, version: 2 });
    slots.storeChanged(a);
    await slots.whenIdle();
    expect(slots.errorOf(a.id)).toMatch(/closed/);
    expect(slots.ready()).toEqual([ixA, ixB]);
    expect(ixA!.dropped).toBe(false);

    a.replaceSnapshot({ ...a.snapshot, state: { kind: 'error', message: 'database is locked' }, version: 3 });
    slots.storeChanged(a);
    expect(ixA!.dropped).toBe(true);
    expect(slots.ready()).toEqual([ixB]);
    expect(ixB!.dropped).toBe(false);
    expect(await spansFound('alpha_step_1')).toEqual([]);
    expect(await spansFound('beta_step_1')).toEqual(['beta-t1']);
  });

  it('a changed setting drops every index; none is searched until it is built anew', async () => {
    await openStore('alpha');
    await openStore('beta');
    slots.ensureAll();
    await slots.whenIdle();
    const before = slots.ready();
    wire.hold.add('indexBuild');
    slots.dropAll();
    expect(before.every((ix) => ix.dropped)).toBe(true);
    expect(slots.ready()).toEqual([]);
    expect(await slots.search('alpha_step_1')).toMatchObject({ indexes: 0, result: { spans: [] } });
    // Search was wanted: both are built anew.
    await until(() => wire.heldCount === 2, 'both builds to be under way');
    wire.releaseAll();
    await slots.whenIdle();
    expect(wire.count('indexBuild')).toBe(4);
    expect(await spansFound('alpha_step_1')).toEqual(['alpha-t1']);
    expect(wire.liveIndexes.size).toBe(2);
  });

  /** The engine's handle of the entry's store, as the requests name it. */
  function storeHandle(entry: StoreEntry): number {
    return remote(entry).handleFor(client);
  }
});
