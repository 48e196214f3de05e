import { describe, expect, it } from 'vitest';
import { StoreFailureReader, statsReuseMs, type FailureSource } from '../../../src/extension/source/storeFailures';
import type { TraceStore } from '../../../src/sources/types';
import { FakeStore, type FakeRun } from './fakeStore';

/** A store as the failure index sees it: a version the test moves, queries on the current FakeStore. */
class Source implements FailureSource {
  version = 1;
  failing = false;
  private readonly stores: FakeStore[];
  constructor(
    readonly id: string,
    runs: FakeRun[],
  ) {
    this.stores = [new FakeStore(id, 1, runs)];
  }
  get store(): FakeStore {
    return this.stores[this.stores.length - 1]!;
  }
  /** Span summaries read, over every reading of the store. */
  get summaryReads(): number {
    return this.stores.reduce((n, s) => n + s.spanSummariesCalls, 0);
  }
  /** A re-read of the store: a new store object and version. */
  reread(runs: FakeRun[]): void {
    this.stores.push(new FakeStore(this.id, this.store.generation + 1, runs));
    this.version++;
  }
  async query<T>(fn: (store: TraceStore) => Promise<T>): Promise<T> {
    if (this.failing) throw new Error('database is locked');
    return fn(this.store);
  }
}

const failed = (id: string, spans = 2, startMs = 1000): FakeRun => ({
  id,
  status: 'error',
  startMs,
  spans: [
    { id: `${id}-root`, name: 'pipeline_run', status: 'error', error: { message: 'wrapped' } },
    ...Array.from({ length: spans - 1 }, (_, i) => ({ id: `${id}-s${i}`, name: `step${i}`, parentId: `${id}-root`, status: 'error' as const, error: { message: 'boom' } })),
  ],
});

function reader(clock = { t: 0 }) {
  const errors: string[] = [];
  const r = new StoreFailureReader({ now: () => clock.t, error: (what) => errors.push(what), breathe: async () => undefined });
  return { r, errors, clock };
}

describe('StoreFailureReader (the failure index’s per-store reading)', () => {
  it('reads each store’s failed runs and their own failures once per version', async () => {
    const { r } = reader();
    const a = new Source('/a.db', [failed('r1'), { id: 'ok1', status: 'ok', spans: [{ id: 'x', name: 'fine' }] }]);
    await r.update([a]);
    const sf = r.stores.get('/a.db')!;
    expect(sf.runs.map((x) => x.run.id)).toEqual(['r1']);
    // The root only wraps its child's failure: the child's is the run's own.
    expect(sf.runs[0]!.spans.map((s) => s.name)).toEqual(['step0']);
    expect(sf.stats.get('fine')?.runs).toBe(1);
    expect(a.store.getSpansCalls).toBe(1);
    await r.update([a]);
    expect(a.store.getSpansCalls).toBe(1);
    expect(a.summaryReads).toBe(1);
  });

  it('after a re-read, reads spans only of runs that changed', async () => {
    const { r } = reader();
    const a = new Source('/a.db', [failed('r1'), failed('r2')]);
    await r.update([a]);
    a.reread([failed('r1'), failed('r2', 3), failed('r3')]);
    await r.update([a]);
    // r1 as it was (same status, span count, duration): kept; r2 grew and r3 is new.
    expect(a.store.getSpansCalls).toBe(2);
    expect(r.stores.get('/a.db')!.runs.map((x) => x.run.id).sort()).toEqual(['r1', 'r2', 'r3']);
  });

  it('a store that cannot be queried keeps what it had; the others go on', async () => {
    const { r, errors } = reader();
    const a = new Source('/a.db', [failed('r1')]);
    const b = new Source('/b.db', [failed('b1')]);
    await r.update([a, b]);
    a.failing = true;
    a.reread([failed('r1'), failed('r9')]);
    b.reread([failed('b1'), failed('b2')]);
    const catchUp = await r.update([a, b]);
    expect(errors).toEqual(['Reading failures of /a.db failed']);
    expect(r.stores.get('/a.db')!.runs.map((x) => x.run.id)).toEqual(['r1']);
    expect(r.stores.get('/b.db')!.runs.map((x) => x.run.id).sort()).toEqual(['b1', 'b2']);
    // A failing store asks for no catch-up round (no rebuild loop while it stays broken).
    expect(catchUp).toBeUndefined();
    // A store never read and failing is simply absent.
    const c = new Source('/c.db', [failed('c1')]);
    c.failing = true;
    await r.update([a, b, c]);
    expect(r.stores.has('/c.db')).toBe(false);
  });

  it('forgets stores no longer open', async () => {
    const { r } = reader();
    const a = new Source('/a.db', [failed('r1')]);
    const b = new Source('/b.db', [failed('b1')]);
    await r.update([a, b]);
    await r.update([b]);
    expect([...r.stores.keys()]).toEqual(['/b.db']);
    // Its runs' spans were forgotten too: open again, they are read again.
    await r.update([a, b]);
    expect(a.store.getSpansCalls).toBe(2);
  });

  it('re-reads the totals of a busy store only every ~20× what they cost, and says when they are due', async () => {
    const clock = { t: 0 };
    const { r } = reader(clock);
    const a = new Source('/a.db', [failed('r1')]);
    // Totals that take 100 ms to read.
    const slow = a.query.bind(a);
    a.query = async (fn) => {
      const out = await slow(fn);
      clock.t += 100;
      return out;
    };
    await r.update([a]);
    const cost = r.stores.get('/a.db')!.statsCostMs;
    expect(cost).toBe(100);
    const reuse = statsReuseMs(cost);
    expect(reuse).toBe(2000);

    a.reread([failed('r1'), failed('r2')]);
    clock.t += 500;
    const due = await r.update([a]);
    expect(a.summaryReads).toBe(1);
    expect(r.stores.get('/a.db')!.runs).toHaveLength(2);
    expect(due).toBeGreaterThan(0);
    expect(due).toBeLessThanOrEqual(reuse);

    // Broken meanwhile: no catch-up round is asked for a store whose reading fails (no rebuild loop).
    a.failing = true;
    a.reread([failed('r1'), failed('r2')]);
    expect(await r.update([a])).toBeUndefined();
    a.failing = false;

    clock.t += due!;
    expect(await r.update([a])).toBeUndefined();
    expect(a.summaryReads).toBe(2);
    expect(r.stores.get('/a.db')!.statsVersion).toBe(a.version);
  });
});
