/**
 * Keeping a search index up to date (planUpdate / applyUpdate / updateIndex): after any change
 * to a store, the updated index answers every query exactly as an index built from scratch
 * on the changed store does — on a generated store changed at random, on a real Flujo store
 * that a live Flujo appends to and finishes runs in, and on a real waft store being appended to.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { filterRuns } from '../../../src/analysis/runs';
import { buildIndex, planUpdate, updateIndex, type SearchIndex } from '../../../src/analysis/search/search';
import type { SearchHit } from '../../../src/analysis/search/rank';
import type { Run } from '../../../src/model/types';
import { openStore } from '../../../src/sources/open';
import type { RunQuery, SearchDoc, TraceStore } from '../../../src/sources/types';
import { copyStore } from '../flujo/helpers';
import { makeWaftStore, waftLine, type WaftFixture } from '../waft/helpers';
import { generate, NOW } from './gen';

const QUERIES = [
  'keyerror', 'score_risk', 'call_', 'run_', 'loopstep', 'income', 'status:error', 'status:error name:call_*', 'name:score_*',
  'pipeline:enrich', 'dur>500ms', 'since:24h', 'attr.flujo.step.type=LoopStep', 'attr.latency_s>0.5', 'attr.nested.model:income',
  'is:run keyerror', 'is:span status:running', '"empty response"', 'attr.success=true', 'x',
];

function key(h: SearchHit): string {
  return `${h.kind}|${h.runId}|${h.spanId ?? ''}|${h.name}|${h.status}|${h.score}|${h.field}|${h.snippet}|${h.durationMs ?? ''}|${h.startMs ?? ''}`;
}

/** Same matches, same totals, same best scores (ties may order differently: documents sit in other segments). */
async function expectSameAnswers(updated: SearchIndex, fresh: SearchIndex, queries: readonly string[]): Promise<void> {
  expect(updated.spanCount).toBe(fresh.spanCount);
  expect(updated.runCount).toBe(fresh.runCount);
  for (const q of queries) {
    const a = await updated.search(q, { limit: 1_000_000, now: NOW });
    const b = await fresh.search(q, { limit: 1_000_000, now: NOW });
    expect({ q, runs: a.totalRuns, spans: a.totalSpans }).toEqual({ q, runs: b.totalRuns, spans: b.totalSpans });
    expect(a.runs.map(key).sort()).toEqual(b.runs.map(key).sort());
    expect(a.spans.map(key).sort()).toEqual(b.spans.map(key).sort());
    const top = async (ix: SearchIndex): Promise<number[]> => (await ix.search(q, { limit: 10, now: NOW })).spans.map((h) => h.score);
    expect(await top(updated)).toEqual(await top(fresh));
  }
}

/** A store over arrays that a test changes at will; versions are the runs' and their spans' JSON. */
class ChangingStore implements TraceStore {
  readonly id = '/data/gen/flujo_ops.db';
  readonly format = 'flujo' as const;
  scans: Array<ReadonlySet<string> | undefined> = [];

  constructor(
    public runs: Run[],
    public docs: SearchDoc[],
  ) {}

  async listRuns(q: RunQuery = {}): Promise<Run[]> {
    return filterRuns(this.runs, q);
  }
  async findRuns(): Promise<Run[]> {
    return [];
  }
  async getSpans(): Promise<never[]> {
    return [];
  }
  async spanSummaries(): Promise<never[]> {
    return [];
  }
  async scanSpans(onBatch: (docs: SearchDoc[]) => void, _signal?: AbortSignal, runIds?: ReadonlySet<string>): Promise<void> {
    this.scans.push(runIds);
    onBatch(runIds ? this.docs.filter((d) => runIds.has(d.runId)) : [...this.docs]);
  }
  async runVersions(): Promise<Map<string, string>> {
    const v = new Map<string, string>();
    for (const r of this.runs) v.set(r.id, JSON.stringify(r));
    for (const d of this.docs) v.set(d.runId, (v.get(d.runId) ?? '') + JSON.stringify(d));
    return v;
  }
  async close(): Promise<void> {}
}

describe('an index kept up to date agrees with one built from scratch', () => {
  it('through rounds of random changes: runs added, finished, failed, spans appended, runs deleted', async () => {
    const base = generate(80, 12, 3);
    const extra = generate(40, 12, 11);
    const store = new ChangingStore([...base.runs], base.docs.filter((d) => d.runId !== 'run_orphan'));
    let ix = await buildIndex(store);
    let x = 5;
    const rnd = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return Math.floor((x / 2 ** 32) * n);
    };
    let incremental = 0;
    for (let round = 0; round < 8; round++) {
      // A new run with its spans.
      const add = extra.runs[round]!;
      store.runs.push(add);
      store.docs.push(...extra.docs.filter((d) => d.runId === add.id));
      // A running run finishes with an error: its record changes and a span is appended.
      const r = store.runs[rnd(store.runs.length)]!;
      store.runs = store.runs.map((o) => (o === r ? { ...o, status: 'error', error: 'ValueError: model returned an empty response', durationMs: 1234 } : o));
      store.docs.push({ runId: r.id, spanId: `${r.id}-late-${round}`, name: 'call_model', status: 'error', error: "KeyError: 'income'", attributes: { latency_s: 0.75 }, startMs: NOW - 1000 });
      // A span changes in place (same count): its status and error.
      const i = rnd(store.docs.length);
      store.docs[i] = { ...store.docs[i]!, status: 'error', error: 'TimeoutError: call_model exceeded 30s' };
      // Every third round a run is deleted with its spans.
      if (round % 3 === 2) {
        const gone = store.runs[rnd(store.runs.length)]!.id;
        store.runs = store.runs.filter((o) => o.id !== gone);
        store.docs = store.docs.filter((d) => d.runId !== gone);
      }
      const plan = await planUpdate(ix, store);
      expect(plan).toBeDefined();
      const before = store.scans.length;
      const u = await updateIndex(ix, store);
      if (!u.rebuilt) {
        incremental++;
        // Only the changed runs were read: never the whole store.
        expect(store.scans.slice(before).every((ids) => ids !== undefined && ids.size <= 4)).toBe(true);
        expect(u.changedRuns).toBeLessThanOrEqual(4);
      }
      ix = u.index;
      await expectSameAnswers(ix, await buildIndex(store), QUERIES);
    }
    expect(incremental).toBeGreaterThanOrEqual(6);
    expect(ix.segmentCount).toBeGreaterThan(1);
    expect(ix.deadDocs).toBeGreaterThan(0);
    // Nothing changed: the same index, nothing read.
    const before = store.scans.length;
    expect((await updateIndex(ix, store)).index).toBe(ix);
    expect(store.scans.length).toBe(before);
  });

  it('rebuilds whole when most runs changed, and when segments pile up', async () => {
    const g = generate(20, 5, 9);
    const store = new ChangingStore([...g.runs], [...g.docs]);
    const ix = await buildIndex(store);
    store.runs = store.runs.map((r) => ({ ...r, name: `${r.name}_v2` }));
    expect(await planUpdate(ix, store)).toBe('rebuild');
    const u = await updateIndex(ix, store);
    expect(u.rebuilt).toBe(true);
    await expectSameAnswers(u.index, await buildIndex(store), ['pipeline:_v2', 'score_risk']);

    // One run changed at a time: dead documents pile up until a whole rebuild compacts them.
    let cur = u.index;
    let rebuilds = 0;
    for (let i = 0; i < 40; i++) {
      store.runs = store.runs.map((r, j) => (j === i % store.runs.length ? { ...r, durationMs: 1000 + i } : r));
      const next = await updateIndex(cur, store);
      if (next.rebuilt) rebuilds++;
      else expect(next.changedRuns).toBe(1);
      cur = next.index;
      expect(cur.segmentCount).toBeLessThanOrEqual(32);
      expect(cur.deadDocs).toBeLessThanOrEqual(0.25 * (cur.spanCount + cur.runCount) + 6);
    }
    expect(rebuilds).toBeGreaterThan(0);
    await expectSameAnswers(cur, await buildIndex(store), ['dur>1010', 'score_risk', 'status:error']);
  });

  it('an index built by an older process (no versions) or of another store is rebuilt', async () => {
    const g = generate(10, 3, 4);
    const store = new ChangingStore([...g.runs], [...g.docs]);
    const noVersions: TraceStore = { ...store, id: store.id, format: store.format, runVersions: undefined, listRuns: (q) => store.listRuns(q), scanSpans: (b, s, r) => store.scanSpans(b, s, r), findRuns: () => store.findRuns(), getSpans: () => store.getSpans(), spanSummaries: () => store.spanSummaries(), close: () => store.close() };
    const old = await buildIndex(noVersions);
    expect(old.versions).toBeUndefined();
    expect(await planUpdate(old, store)).toBe('rebuild');
  });
});

describe('on a real Flujo store that a live Flujo keeps writing', () => {
  let dir: string;
  let file: string;
  const PY = process.env.PYTHON ?? 'python3';
  const APPEND = path.resolve(__dirname, '../../e2e/append_run.py');

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-update-'));
    file = copyStore(inject('flujoStore'), dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a run appended (only in the -wal) and a running run finished: just those two are read again', async () => {
    const m = inject('flujoManifest');
    const running = m.scenarios['running']!;
    let store = await openStore(file);
    const ix = await buildIndex(store);
    const v0 = await store.runVersions!();
    expect(await store.runVersions!()).toEqual(v0);
    await store.close();

    const added = JSON.parse(execFileSync(PY, [APPEND, file, '--status', 'failed', '--seed', '3'], { encoding: 'utf8' })) as { id: string };
    execFileSync(PY, [APPEND, file, '--finish', running, '--status', 'failed'], { encoding: 'utf8' });

    store = await openStore(file);
    try {
      const v1 = await store.runVersions!();
      const moved = [...new Set([...v0.keys(), ...v1.keys()])].filter((id) => v0.get(id) !== v1.get(id)).sort();
      expect(moved).toEqual([added.id, running].sort());
      // Just those runs, as listRuns() shows them.
      const all = await store.listRuns();
      expect(await store.listRuns({ ids: [running, added.id, 'no-such-run'] })).toEqual(all.filter((r) => r.id === running || r.id === added.id));

      const u = await updateIndex(ix, store);
      expect(u).toMatchObject({ rebuilt: false, changedRuns: 2 });
      expect(u.index.segmentCount).toBe(2);
      const fresh = await buildIndex(store);
      await expectSameAnswers(u.index, fresh, ['KeyError', 'score_risk', 'status:error', 'status:running', 'empty response', running, added.id, 'name:summarize', 'attr.latency_s>=0.25']);
      // The finished run is no longer found as running; the new failure is found by its error.
      const r = await u.index.search(`run:${running} status:running`, { now: NOW });
      expect(r.totalRuns + r.totalSpans).toBe(0);
      const k = await u.index.search(`KeyError run:${added.id}`);
      expect(k.spans.map((h) => h.name)).toContain('score_risk');
    } finally {
      await store.close();
    }
  });
});

describe('on a real waft store being appended to', () => {
  let fx: WaftFixture;
  beforeAll(() => {
    fx = makeWaftStore();
  });
  afterAll(() => fx.cleanup());

  it('a span appended to one trace and a new trace: the updated index equals a fresh one', async () => {
    const store = await openStore(fx.root);
    try {
      const ix = await buildIndex(store);
      const file = path.join(fx.tracesDir, fx.m.files[fx.m.files.length - 1]!);
      const okTrace = fx.m.scenarios['ok']!;
      fs.appendFileSync(file, waftLine({ trace_id: okTrace, span_id: 'late-span-1', operation: 'late_retry', timestamp: '2026-11-21T10:00:00', status: 'error', error: 'TimeoutError: late retry timed out' }));
      fs.appendFileSync(file, waftLine({ trace_id: 'brand-new-trace', span_id: 'new-root', operation: 'nightly_export', timestamp: '2026-11-21T10:01:00' }));
      const plan = await planUpdate(ix, store);
      expect(plan !== 'rebuild' && plan !== undefined ? [...plan.changed].sort() : plan).toEqual(['brand-new-trace', okTrace].sort());
      const u = await updateIndex(ix, store);
      expect(u.rebuilt).toBe(false);
      await expectSameAnswers(u.index, await buildIndex(store), ['late', 'TimeoutError', 'nightly_export', 'status:error', okTrace, 'brand-new']);
      expect((await u.index.search('late_retry')).spans.map((h) => h.spanId)).toEqual(['late-span-1']);
    } finally {
      await store.close();
    }
  });
});
