import { describe, expect, it } from 'vitest';
import { SpanTreeCache } from '../../../src/extension/stores/spanTreeCache';
import { StoreEntry, type StoreChange } from '../../../src/extension/stores/storeEntry';
import { StoreLoader } from '../../../src/extension/stores/storeLoader';
import { StoreError } from '../../../src/sources/types';
import { FakeDisk, FakeStore, settle } from './fakeStore';

/** A loader over a fake disk, wired as the registry wires it (the span-tree cache invalidated on each change). */
function harness(options: { limit?: number; gapMs?: number } = {}) {
  const disk = new FakeDisk();
  const listed = new Set<StoreEntry>();
  const changes: Array<{ id: string; version: number; kind: string; snapshot: StoreChange['snapshot'] }> = [];
  const errors: string[] = [];
  const trees = new SpanTreeCache();
  const loader = new StoreLoader<StoreEntry>({
    open: (entry) => disk.open(entry.id),
    signature: (entry) => disk.signature(entry.id),
    sizeLimitBytes: () => options.limit ?? Number.POSITIVE_INFINITY,
    reloadGapMs: () => options.gapMs ?? 0,
    isListed: (entry) => listed.has(entry),
    changed: ({ entry, snapshot }) => {
      trees.invalidate(entry.id, snapshot.state.kind === 'open' ? snapshot.version : undefined);
      changes.push({ id: entry.id, version: snapshot.version, kind: snapshot.state.kind, snapshot });
    },
    log: { debug: () => undefined, error: (what) => errors.push(what) },
  });
  const entry = (id: string): StoreEntry => {
    const e = new StoreEntry(id);
    e.setListed({ added: true });
    listed.add(e);
    return e;
  };
  const tree = (e: StoreEntry, runId: string) => trees.get(e.id, e.version, runId, () => loader.query(e, (s) => s.getSpans(runId)));
  return { disk, listed, changes, errors, loader, entry, trees, tree };
}

const RUNS = [{ id: 'r1', status: 'error' as const, spans: [{ id: 's1', name: 'step' }] }, { id: 'r2' }];

describe('StoreLoader', () => {
  it('opens a store once, through the injected open function; each change is a new snapshot with its version', async () => {
    const h = harness();
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    expect(a.state.kind).toBe('idle');
    const idle = a.snapshot;
    await Promise.all([h.loader.ensureOpen(a, 'none'), h.loader.ensureOpen(a, 'none')]);
    expect(h.disk.opened).toHaveLength(1);
    expect(a.state.kind).toBe('open');
    expect(a.store).toBe(h.disk.opened[0]);
    expect(a.version).toBe(1);
    expect(h.changes.map((c) => [c.kind, c.version])).toEqual([
      ['opening', 0],
      ['open', 1],
    ]);
    // Snapshots are replaced, never edited: the idle one and the opening one are as they were.
    expect(idle.state.kind).toBe('idle');
    expect(h.changes[0]!.snapshot.state.kind).toBe('opening');
    expect(a.snapshot).toBe(h.changes[1]!.snapshot);
    // Opened: ensureOpen asks nothing more.
    await h.loader.ensureOpen(a, 'none');
    expect(h.disk.opened).toHaveLength(1);
  });

  it('reloads asked for while a read is under way make exactly one more read', async () => {
    const h = harness();
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    h.disk.gated = true;
    const first = h.loader.ensureOpen(a, 'none');
    await settle();
    expect(h.disk.pending).toHaveLength(1);
    expect(h.loader.isLoading(a)).toBe(true);
    const reloads = [1, 2, 3, 4, 5].map(() => h.loader.reload(a, 'none'));
    await settle();
    expect(h.disk.pending).toHaveLength(1);
    h.disk.release('/a.db');
    await settle();
    // The second (and last) read waits its turn.
    expect(h.disk.pending).toHaveLength(1);
    h.disk.release('/a.db');
    await Promise.all([first, ...reloads]);
    expect(h.disk.opened).toHaveLength(2);
    expect(h.loader.isLoading(a)).toBe(false);
    expect(a.version).toBe(2);
    expect(a.store).toBe(h.disk.opened[1]);
    // The store it replaced is closed once the new one shows.
    expect(h.disk.opened[0]!.closed).toBe(true);
    expect(h.disk.opened[1]!.closed).toBe(false);
  });

  it('waits the gap the last read asks for before a read asked for meanwhile', async () => {
    const h = harness({ gapMs: 80 });
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    h.disk.gated = true;
    const first = h.loader.ensureOpen(a, 'none');
    await settle();
    void h.loader.reload(a, 'none');
    h.disk.release();
    await settle();
    expect(h.disk.pending).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(h.disk.pending).toHaveLength(1);
    h.disk.release();
    await first;
    expect(h.disk.opened).toHaveLength(2);
  });

  it('a reload asked for while the gap runs joins it instead of cutting it short', async () => {
    const h = harness({ gapMs: 80 });
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    h.disk.gated = true;
    const first = h.loader.ensureOpen(a, 'none');
    await settle();
    void h.loader.reload(a, 'none');
    h.disk.release();
    await settle();
    // In the gap now: the watcher's next look asks again; the gap still stands.
    const joined = h.loader.reload(a, 'none');
    await settle();
    expect(h.disk.pending).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(h.disk.pending).toHaveLength(1);
    h.disk.release();
    await first;
    await joined;
    expect(h.disk.opened).toHaveLength(2);
  });

  it('a store that cannot be read is in error; the others open as ever', async () => {
    const h = harness();
    h.disk.put('/good.db', RUNS);
    h.disk.put('/bad.db', RUNS);
    h.disk.broken.set('/bad.db', new Error('file is not a database'));
    h.disk.put('/gone.db', RUNS);
    h.disk.broken.set('/gone.db', new StoreError('/gone.db: no Flujo tables (runs, spans) found — is this a flujo_ops.db?', '/gone.db'));
    const [good, bad, gone] = [h.entry('/good.db'), h.entry('/bad.db'), h.entry('/gone.db')];
    await Promise.all([h.loader.ensureOpen(bad, 'none'), h.loader.ensureOpen(good, 'none'), h.loader.ensureOpen(gone, 'none')]);
    expect(good.state.kind).toBe('open');
    expect(bad.state).toEqual({
      kind: 'error',
      message: '/bad.db: could not read the store (file is not a database) — see Output › Spanlens for details',
    });
    // A StoreError is already the one line to show.
    expect(gone.state).toEqual({ kind: 'error', message: '/gone.db: no Flujo tables (runs, spans) found — is this a flujo_ops.db?' });
    expect(bad.version).toBe(1);
    expect(h.errors).toEqual(expect.arrayContaining(['Reading /bad.db failed', 'Reading /gone.db failed']));
    await expect(h.loader.query(bad, (s) => s.listRuns())).rejects.toThrow(/not open/);
    expect(await h.loader.query(good, (s) => s.listRuns())).toHaveLength(2);
    // Fixed on disk: the next read opens it.
    h.disk.broken.delete('/bad.db');
    await h.loader.reload(bad, 'none');
    expect(bad.state.kind).toBe('open');
    expect(bad.version).toBe(2);
  });

  it('retain keeps a replaced store open until the last lease is released', async () => {
    const h = harness();
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    await h.loader.ensureOpen(a, 'none');
    const old = a.store as FakeStore;
    const release1 = h.loader.retain(old);
    const release2 = h.loader.retain(old);
    await h.loader.reload(a, 'none');
    expect(a.store).not.toBe(old);
    expect(old.closed).toBe(false);
    release1();
    release1(); // twice is once
    await settle();
    expect(old.closed).toBe(false);
    release2();
    await settle();
    expect(old.closed).toBe(true);
    // A store retained and released while current stays open.
    const current = a.store as FakeStore;
    h.loader.retain(current)();
    await settle();
    expect(current.closed).toBe(false);
  });

  it('span trees are cached per version: a re-read reads them anew, a failed read is not kept', async () => {
    const h = harness();
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    await h.loader.ensureOpen(a, 'none');
    const t1 = await h.tree(a, 'r1');
    expect(t1.map((n) => n.name)).toEqual(['step']);
    await h.tree(a, 'r1');
    expect((a.store as FakeStore).getSpansCalls).toBe(1);
    expect(h.trees.size).toBe(1);

    h.disk.put('/a.db', [{ id: 'r1', spans: [{ id: 's1', name: 'step' }, { id: 's2', name: 'more', parentId: 's1' }] }]);
    await h.loader.reload(a, 'none');
    // The old version's tree is gone with the change, and the new version reads anew.
    expect(h.trees.size).toBe(0);
    const t2 = await h.tree(a, 'r1');
    expect(t2[0]!.children.map((n) => n.name)).toEqual(['more']);
    expect((a.store as FakeStore).getSpansCalls).toBe(1);

    await expect(h.tree(a, 'nope')).rejects.toThrow(/no run/);
    await settle();
    expect(h.trees.size).toBe(1);
  });

  it('a store over the size limit is not read until the user says so', async () => {
    const h = harness({ limit: 1000 });
    h.disk.put('/big.db', RUNS);
    h.disk.sizes.set('/big.db', 5000);
    const big = h.entry('/big.db');
    await h.loader.ensureOpen(big, 'none');
    expect(h.disk.opened).toHaveLength(0);
    expect(big.state).toEqual({ kind: 'tooLarge', sizeBytes: 5000, limitBytes: 1000 });
    expect(big.sizeBytes).toBe(5000);
    await h.loader.loadAnyway(big);
    expect(big.state.kind).toBe('open');
    expect(big.allowLarge).toBe(true);
  });

  it('a line-based store is refreshed in place, not reopened; a failed refresh is an error', async () => {
    const h = harness();
    h.disk.put('/t.jsonl', [{ id: 'r1' }], 'otlp');
    const t = h.entry('/t.jsonl');
    await h.loader.ensureOpen(t, 'none');
    const store = t.store as FakeStore;
    h.disk.put('/t.jsonl', [{ id: 'r1' }, { id: 'r2' }], 'otlp');
    await h.loader.reload(t, 'none');
    expect(h.disk.opened).toHaveLength(1);
    expect(store.refreshCalls).toBe(1);
    expect(t.store).toBe(store);
    expect(t.version).toBe(2);
    expect(t.loadedSig).toBe(h.disk.keys.get('/t.jsonl'));
    expect(await h.loader.query(t, (s) => s.listRuns())).toHaveLength(2);
    store.failRefresh = new Error('EACCES');
    await h.loader.reload(t, 'none');
    expect(t.state.kind).toBe('error');
    expect(store.closed).toBe(true);
  });

  it('leaves untouched stores alone unless forced; a dropped store’s read is thrown away', async () => {
    const h = harness();
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    await h.loader.reload(a, 'none');
    expect(h.disk.opened).toHaveLength(0);
    await h.loader.reload(a, 'none', true);
    expect(h.disk.opened).toHaveLength(1);

    const b = h.entry('/b.db');
    h.disk.put('/b.db', RUNS);
    h.disk.gated = true;
    const reading = h.loader.ensureOpen(b, 'none');
    await settle();
    h.listed.delete(b);
    await h.loader.close(b);
    h.disk.release('/b.db');
    await reading;
    await settle();
    expect(h.disk.opensOf('/b.db')[0]!.closed).toBe(true);
    expect(b.state.kind).toBe('idle');
    expect(h.changes.filter((c) => c.id === '/b.db').map((c) => c.kind)).toEqual(['opening']);
  });

  it('query retries on the new store when a re-read swapped it mid-query', async () => {
    const h = harness();
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    await h.loader.ensureOpen(a, 'none');
    let calls = 0;
    const seen = await h.loader.query(a, async (s) => {
      calls++;
      if (calls === 1) {
        await h.loader.reload(a, 'none'); // closes `s`
        return s.listRuns();
      }
      return s.listRuns();
    });
    expect(calls).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it('contentChanged moves the version of open stores only, with the same state', async () => {
    const h = harness();
    h.disk.put('/a.db', RUNS);
    const [a, idle] = [h.entry('/a.db'), h.entry('/idle.db')];
    await h.loader.ensureOpen(a, 'none');
    const state = a.state;
    h.loader.contentChanged([a, idle]);
    expect(a.version).toBe(2);
    expect(a.state).toBe(state);
    expect(idle.version).toBe(0);
    expect(h.changes.at(-1)).toMatchObject({ id: '/a.db', version: 2, kind: 'open' });
  });

  it('dispose closes every store and stops the reads queued', async () => {
    const h = harness({ gapMs: 10 });
    h.disk.put('/a.db', RUNS);
    const a = h.entry('/a.db');
    await h.loader.ensureOpen(a, 'none');
    h.loader.dispose([a]);
    await settle();
    expect(h.disk.opened[0]!.closed).toBe(true);
    await h.loader.reload(a, 'none', true);
    expect(h.disk.opened).toHaveLength(1);
  });
});
