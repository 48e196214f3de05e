import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Run, Status } from '../../../src/model/types';
import { openClaudeFlowStore } from '../../../src/sources/claudeflow/reader';
import { countRuns, sliceCount } from '../../../src/sources/countRuns';
import { openFlujoStore } from '../../../src/sources/flujo/reader';
import { openStore } from '../../../src/sources/open';
import { openOtlpStore } from '../../../src/sources/otlp/reader';
import type { RunQuery, TraceStore } from '../../../src/sources/types';
import { openWaftStore } from '../../../src/sources/waft/reader';
import { createClaudeFlowDatabase, type ClaudeFlowFixture } from '../../fixtures/claudeflow';
import { makeOtlpFiles, type OtlpFixture } from '../otlp/helpers';
import { makeWaftStore, type WaftFixture } from '../waft/helpers';

/**
 * countRuns is listRuns(q).length without building the runs: checked on every reader's fixture
 * store over the queries the status bar and the CLI make (status, sinceMs, pipeline, paging, ids).
 */
const STATUSES: Status[] = ['ok', 'error', 'running', 'paused', 'unset'];

function queries(all: Run[]): RunQuery[] {
  const starts = all.map((r) => r.startMs).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const mid = starts[Math.floor(starts.length / 2)] ?? 0;
  const names = [...new Set(all.map((r) => r.name))];
  const out: RunQuery[] = [{}, { sinceMs: mid }, { sinceMs: Date.now() + 1 }, { sinceMs: 0 }, { pipeline: 'no such pipeline' }];
  for (const status of STATUSES) out.push({ status }, { status, sinceMs: mid });
  for (const pipeline of names) out.push({ pipeline }, { pipeline, status: 'error' }, { pipeline, sinceMs: mid });
  out.push({ limit: 2 }, { limit: 0 }, { offset: 1 }, { offset: 1, limit: 1 }, { offset: all.length + 5 }, { status: 'error', limit: 1 });
  out.push({ ids: all.slice(0, 3).map((r) => r.id) }, { ids: [...all.slice(0, 2).map((r) => r.id), 'unknown-id'], status: 'error' });
  out.push({ anyAge: true }, { anyAge: true, status: 'error' });
  return out;
}

async function expectCountsMatch(store: TraceStore): Promise<void> {
  expect(store.countRuns).toBeTypeOf('function');
  const all = await store.listRuns({ anyAge: true });
  expect(all.length).toBeGreaterThan(2);
  // The fixture has failed runs: the count the status bar shows is not trivially 0.
  expect(all.some((r) => r.status === 'error')).toBe(true);
  for (const q of queries(all)) {
    expect({ q, n: await store.countRuns!(q) }).toEqual({ q, n: (await store.listRuns(q)).length });
  }
}

describe('countRuns equals listRuns(q).length', () => {
  it('Flujo (SQL COUNT over runs and workflow_state)', async () => {
    for (const file of [inject('flujoStore'), inject('flujoLegacyStore'), inject('flujo06Store')]) {
      const store = await openFlujoStore(file);
      try {
        await expectCountsMatch(store);
      } finally {
        await store.close();
      }
    }
  });

  describe('line-based stores (the run table in memory)', () => {
    let waft: WaftFixture;
    let otlp: OtlpFixture;
    beforeAll(() => {
      waft = makeWaftStore();
      otlp = makeOtlpFiles();
    });
    afterAll(() => {
      waft?.cleanup();
      otlp?.cleanup();
    });

    it('waft', async () => {
      const store = await openWaftStore(waft.root);
      await expectCountsMatch(store);
      await store.close();
    });

    it('OTLP', async () => {
      const store = await openOtlpStore(otlp.jsonl);
      await expectCountsMatch(store);
      await store.close();
    });

    it('through the enrichment wrapper every opened store gets', async () => {
      const store = await openStore(otlp.jsonl);
      await expectCountsMatch(store);
      await store.close();
    });
  });

  describe('claude-flow (SELECT COUNT(*) with the same WHERE)', () => {
    let fx: ClaudeFlowFixture;
    let store: TraceStore;
    beforeAll(async () => {
      fx = await createClaudeFlowDatabase();
      store = await openClaudeFlowStore(fx.url, fx.url);
    });
    afterAll(async () => {
      await store?.close();
      await fx?.drop();
    });

    it('in and out of its 30-day default window', async () => {
      await expectCountsMatch(store);
      // The default window applies to the count as to the listing.
      expect(await store.countRuns!({})).toBeLessThan(fx.traces.length);
      expect(await store.countRuns!({ sinceMs: 0 })).toBe(fx.traces.length);
    });
  });
});

describe('countRuns (the helper)', () => {
  it('falls back to the listing for a store without its own count', async () => {
    const runs = [{ id: 'a', status: 'error' }, { id: 'b', status: 'ok' }] as Run[];
    const store = { listRuns: async (q: RunQuery = {}) => runs.filter((r) => q.status === undefined || r.status === q.status) } as unknown as TraceStore;
    expect(await countRuns(store, { status: 'error' })).toBe(1);
    expect(await countRuns({ ...store, countRuns: async () => 7 } as TraceStore, {})).toBe(7);
  });

  it('sliceCount pages as Array.slice does, odd offsets and limits included', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    for (const offset of [undefined, 0, 1, 3.7, 9, 10, 12, -2, -20])
      for (const limit of [undefined, 0, 2, 2.5, 15, -1, -30]) {
        const q: RunQuery = {};
        if (offset !== undefined) q.offset = offset;
        if (limit !== undefined) q.limit = limit;
        let expected = items;
        if (q.offset) expected = expected.slice(q.offset);
        if (q.limit !== undefined) expected = expected.slice(0, q.limit);
        expect({ q, n: sliceCount(items.length, q) }).toEqual({ q, n: expected.length });
      }
  });
});
