import * as fs from 'fs';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWaftStore } from '../../../src/sources/waft/reader';
import type { WaftTraceStore } from '../../../src/sources/waft/reader';
import { fallbackDocs, movedIds, scanDocs, versions } from '../../fixtures/scanDocs';
import { makeWaftStore, waftLine } from './helpers';
import type { WaftFixture } from './helpers';

/**
 * waft's bulk scan and run versions (TraceStore.scanSpans / runVersions, what search indexes
 * from): the same docs as the per-run fallback, and a version that moves with its trace only.
 * Each test gets its own copy of the fixture store, since most append to it.
 */
let fx: WaftFixture;
let store: WaftTraceStore;

beforeEach(async () => {
  fx = makeWaftStore();
  store = await openWaftStore(fx.root);
});

afterEach(async () => {
  await store?.close();
  fx?.cleanup();
});

const day = (d: string): string => path.join(fx.tracesDir, `2026-01-0${d}.jsonl`);

describe('waft scanSpans', () => {
  it('yields exactly the fallback docs (listRuns, getSpans + spanToDoc per run)', async () => {
    const want = await fallbackDocs(store);
    const got = await scanDocs(store);
    expect(want.length).toBe(Object.values(fx.m.spans).reduce((a, b) => a + b, 0));
    expect(got.docs).toEqual(want);
  });

  it('with runIds: exactly those runs\' docs; unknown ids are skipped', async () => {
    const ids = new Set([fx.m.scenarios.ok!, fx.m.scenarios.midnight!, 'no-such-trace', fx.m.scenarios.crashed!]);
    const got = await scanDocs(store, ids);
    expect(got.docs).toEqual(await fallbackDocs(store, ids));
    expect(new Set(got.docs.map((d) => d.runId))).toEqual(new Set([fx.m.scenarios.ok, fx.m.scenarios.midnight]));
    expect(await scanDocs(store, new Set())).toEqual({ docs: [], batches: [] });
  });

  it('reads what was appended first, as every query does', async () => {
    fs.appendFileSync(day('8'), waftLine({ trace_id: 'late-trace', span_id: 'l1', operation: 'late.op', timestamp: '2026-01-08T20:00:00' }));
    const got = await scanDocs(store);
    expect(got.docs.filter((d) => d.runId === 'late-trace').map((d) => d.name)).toEqual(['late.op']);
    expect(got.docs).toEqual(await fallbackDocs(store));
  });

  it('keeps handling torn lines: half a line is neither scanned nor a change; finished, it is both', async () => {
    const okId = fx.m.scenarios.ok!;
    const before = await versions(store);
    const line = waftLine({ trace_id: okId, span_id: 'late-child', parent_span_id: null, operation: 'late.child', timestamp: '2026-01-07T09:15:03' });
    const cut = Math.floor(line.length / 2);
    fs.appendFileSync(day('7'), line.slice(0, cut));
    expect(movedIds(before, await versions(store))).toEqual([]);
    expect(store.skippedLines).toBe(fx.m.skippedLines + 1);
    const half = await scanDocs(store);
    expect(half.docs.some((d) => d.spanId === 'late-child')).toBe(false);
    expect(half.docs).toEqual(await fallbackDocs(store));
    fs.appendFileSync(day('7'), line.slice(cut));
    expect(movedIds(before, await versions(store))).toEqual([okId]);
    expect(store.skippedLines).toBe(fx.m.skippedLines);
    const whole = await scanDocs(store);
    expect(whole.docs.filter((d) => d.spanId === 'late-child')).toHaveLength(1);
    expect(whole.docs).toEqual(await fallbackDocs(store));
  });

  it('an aborted signal rejects with AbortError, before or during the scan', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(store.scanSpans!(() => undefined, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
    // a store large enough for several batches, aborted from the first batch's callback
    const big = path.join(fx.dir, 'big.jsonl');
    fs.writeFileSync(big, bigStore(1200, 10));
    const s = await openWaftStore(big);
    try {
      const ac2 = new AbortController();
      const batches: number[] = [];
      const scan = s.scanSpans!((b) => {
        batches.push(b.length);
        ac2.abort();
      }, ac2.signal);
      await expect(scan).rejects.toMatchObject({ name: 'AbortError' });
      expect(batches).toEqual([5000]);
    } finally {
      await s.close();
    }
  });

  it('yields batches of about 5000 spans and gives the event loop a turn between them', async () => {
    const big = path.join(fx.dir, 'big.jsonl');
    fs.writeFileSync(big, bigStore(1200, 10));
    const s = await openWaftStore(big);
    try {
      let ticks = 0;
      let on = true;
      const tick = (): void => {
        ticks++;
        if (on) setImmediate(tick);
      };
      setImmediate(tick);
      const seen: number[] = [];
      const sizes: number[] = [];
      await s.scanSpans!((b) => {
        sizes.push(b.length);
        seen.push(ticks);
      });
      on = false;
      expect(sizes).toEqual([5000, 5000, 2000]);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
      expect((await scanDocs(s)).docs).toEqual(await fallbackDocs(s));
    } finally {
      await s.close();
    }
  });
});

describe('waft runVersions', () => {
  it('has one version per listed run, and the same map twice when nothing changed', async () => {
    const v = await versions(store);
    expect([...v.keys()].sort()).toEqual((await store.listRuns()).map((r) => r.id).sort());
    expect(await versions(store)).toEqual(v);
  });

  it('a span appended to one trace moves that trace\'s version only; a new trace comes with its own', async () => {
    const v0 = await versions(store);
    const failedId = fx.m.scenarios.failed!;
    fs.appendFileSync(day('7'), waftLine({ trace_id: failedId, span_id: 'retry-1', operation: 'pipeline.retry', timestamp: '2026-01-07T14:03:00' }));
    const v1 = await versions(store);
    expect(movedIds(v0, v1)).toEqual([failedId]);
    fs.appendFileSync(day('8'), waftLine({ trace_id: 'brand-new', span_id: 'n1', operation: 'new.op', timestamp: '2026-01-08T21:00:00' }));
    const v2 = await versions(store);
    expect(movedIds(v1, v2)).toEqual(['brand-new']);
    expect(v2.get('brand-new')).toEqual(expect.any(String));
    expect([...v2.keys()].sort()).toEqual((await store.listRuns()).map((r) => r.id).sort());
    // the re-indexed runs' docs are what a full scan now has for them
    const moved = new Set(movedIds(v0, v2));
    expect((await scanDocs(store, moved)).docs).toEqual(await fallbackDocs(store, moved));
  });

  it('a file rewritten shorter is read again: every version moves, even of traces whose records are the same', async () => {
    const v0 = await versions(store);
    const file = day('7');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, lines.filter((l) => l.includes(fx.m.scenarios.failed!)).map((l) => `${l}\n`).join(''));
    const v1 = await versions(store);
    expect(v1.has(fx.m.scenarios.ok!)).toBe(false);
    for (const [id, v] of v1) expect(v, id).not.toBe(v0.get(id));
    expect((await scanDocs(store)).docs).toEqual(await fallbackDocs(store));
  });

  it('a store opened again never reuses the versions of an earlier one', async () => {
    const again = await openWaftStore(fx.root);
    try {
      const a = await versions(store);
      const b = await versions(again);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [id, v] of b) expect(v, id).not.toBe(a.get(id));
    } finally {
      await again.close();
    }
  });
});

/** `traces` traces of `spans` spans each, as one waft file. */
function bigStore(traces: number, spans: number): string {
  const out: string[] = [];
  for (let t = 0; t < traces; t++) {
    for (let s = 0; s < spans; s++) {
      const ms = String(s).padStart(3, '0');
      out.push(
        waftLine({
          trace_id: `big-${t}`,
          span_id: `big-${t}-${s}`,
          parent_span_id: s === 0 ? null : `big-${t}-0`,
          operation: `op.${s}`,
          timestamp: `2026-01-07T10:${String(t % 60).padStart(2, '0')}:00.${ms}`,
        }),
      );
    }
  }
  return out.join('');
}
