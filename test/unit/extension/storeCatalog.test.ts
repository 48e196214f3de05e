import { describe, expect, it } from 'vitest';
import type { PostgresConnection } from '../../../src/extension/stores/postgresConnections';
import { ADDED_KEY, HIDDEN_KEY, StoreCatalog, type MementoLike, type SearchResult } from '../../../src/extension/stores/storeCatalog';
import { StoreEntry } from '../../../src/extension/stores/storeEntry';

class FakeMemento implements MementoLike {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}

function conn(name: string, url: string, sinceDays?: number): PostgresConnection {
  const c: PostgresConnection = { name, url, hadPassword: false };
  if (sinceDays !== undefined) c.sinceDays = sinceDays;
  return c;
}

/** A catalog whose workspace search answers what `found` holds, or waits when `gate` is set. */
function harness(memento = new FakeMemento()) {
  let found: SearchResult = { ids: [], connections: new Map() };
  const gates: Array<{ result: SearchResult; go: () => void }> = [];
  let gated = false;
  const dropped: string[] = [];
  let changes = 0;
  const catalog = new StoreCatalog<StoreEntry>({
    memento,
    createEntry: (id, pg) => new StoreEntry(id, pg),
    search: async () => {
      const result = found;
      if (gated) await new Promise<void>((go) => gates.push({ result, go }));
      return result;
    },
    dropped: async (e) => {
      dropped.push(e.id);
    },
    changed: () => changes++,
    compare: (a, b) => a.id.localeCompare(b.id),
  });
  return {
    catalog,
    memento,
    dropped,
    gates,
    changes: () => changes,
    find: (ids: string[], connections: Array<[string, PostgresConnection]> = []) => {
      found = { ids, connections: new Map(connections) };
    },
    gate: (on: boolean) => {
      gated = on;
    },
  };
}

describe('StoreCatalog', () => {
  it('lists the stores the user added (from the memento) before any search, in the given order', () => {
    const m = new FakeMemento();
    m.values.set(ADDED_KEY, ['/z/flujo_ops.db', 42, '/a/flujo_ops.db']);
    const h = harness(m);
    expect(h.catalog.list().map((e) => e.id)).toEqual(['/a/flujo_ops.db', '/z/flujo_ops.db']);
    expect(h.catalog.get('/a/flujo_ops.db')?.added).toBe(true);
    expect(h.catalog.get('/nope')).toBeUndefined();
  });

  it('a search lists what it found; a store no longer found is dropped unless the user added it', async () => {
    const h = harness();
    h.find(['/w/a.db', '/w/b.db']);
    await h.catalog.whenDiscovered();
    expect(h.catalog.list().map((e) => e.id)).toEqual(['/w/a.db', '/w/b.db']);
    expect(h.changes()).toBe(1);
    // whenDiscovered searches once.
    await h.catalog.whenDiscovered();
    expect(h.changes()).toBe(1);

    const b = h.catalog.get('/w/b.db')!;
    await h.catalog.add('/w/b.db');
    h.find([]);
    await h.catalog.rediscover();
    expect(h.dropped).toEqual(['/w/a.db']);
    expect(h.catalog.list().map((e) => e.id)).toEqual(['/w/b.db']);
    // The same entry object: views holding it keep it.
    expect(h.catalog.get('/w/b.db')).toBe(b);
    expect(b.discovered).toBe(false);
    expect(h.catalog.holds(b)).toBe(true);
  });

  it('a removed store found in the workspace stays hidden until added again', async () => {
    const h = harness();
    h.find(['/w/a.db']);
    await h.catalog.whenDiscovered();
    const a = h.catalog.get('/w/a.db')!;
    await h.catalog.remove(a);
    expect(h.memento.values.get(HIDDEN_KEY)).toEqual(['/w/a.db']);
    expect(h.dropped).toEqual(['/w/a.db']);
    expect(h.catalog.holds(a)).toBe(false);
    await h.catalog.rediscover();
    expect(h.catalog.list()).toEqual([]);
    const again = await h.catalog.add('/w/a.db');
    expect(again).not.toBe(a);
    expect(h.memento.values.get(HIDDEN_KEY)).toEqual([]);
    expect(h.memento.values.get(ADDED_KEY)).toEqual(['/w/a.db']);
    await h.catalog.rediscover();
    expect(h.catalog.get('/w/a.db')).toMatchObject({ added: true, discovered: true });
  });

  it('of two searches under way, only the newer one applies', async () => {
    const h = harness();
    h.gate(true);
    h.find(['/old.db']);
    const older = h.catalog.rediscover();
    h.find(['/new.db']);
    const newer = h.catalog.rediscover();
    // The newer answers first; the older, answering late, changes nothing.
    h.gates[1]!.go();
    await newer;
    h.gates[0]!.go();
    await older;
    expect(h.catalog.list().map((e) => e.id)).toEqual(['/new.db']);
  });

  it('a PostgreSQL connection whose setting changed is a new entry; the old one is dropped', async () => {
    const h = harness();
    h.find([], [['pg://x/db', conn('prod', 'pg://x/db', 7)]]);
    await h.catalog.whenDiscovered();
    const first = h.catalog.get('pg://x/db')!;
    expect(first.postgres?.sinceDays).toBe(7);
    expect(first.basename).toBe('prod');
    h.find([], [['pg://x/db', conn('prod', 'pg://x/db', 30)]]);
    await h.catalog.rediscover();
    const second = h.catalog.get('pg://x/db')!;
    expect(second).not.toBe(first);
    expect(second.postgres?.sinceDays).toBe(30);
    expect(h.dropped).toEqual(['pg://x/db']);
  });
});
