import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOtlpStore } from '../../../src/sources/otlp/reader';
import type { OtlpTraceStore } from '../../../src/sources/otlp/reader';
import { fallbackDocs, movedIds, scanDocs, versions } from '../../fixtures/scanDocs';
import { makeOtlpFiles, otlpLine } from './helpers';
import type { OtlpFixture } from './helpers';

/**
 * The OTLP reader's bulk scan and run versions (TraceStore.scanSpans / runVersions): the
 * same docs as the per-run fallback in every file shape, and a version that moves with its
 * trace only. Tests that append work on their own copy of traces.jsonl.
 */
let fx: OtlpFixture;
let n = 0;

beforeAll(() => {
  fx = makeOtlpFiles();
});

afterAll(() => fx?.cleanup());

/** A fresh copy of traces.jsonl, opened. */
async function openCopy(): Promise<{ file: string; store: OtlpTraceStore }> {
  const file = path.join(fx.dir, `copy-${n++}.jsonl`);
  fs.copyFileSync(fx.jsonl, file);
  return { file, store: await openOtlpStore(file) };
}

const START_NS = 1_767_952_900_000_000_000n;

describe('OTLP scanSpans', () => {
  it('yields exactly the fallback docs, for JSON lines, protobuf-style JSON, one .json document and a torn file', async () => {
    for (const file of [fx.jsonl, fx.protojson, fx.single, fx.torn]) {
      const s = await openOtlpStore(file);
      try {
        const want = await fallbackDocs(s);
        expect(want.length, file).toBeGreaterThan(0);
        expect((await scanDocs(s)).docs, file).toEqual(want);
      } finally {
        await s.close();
      }
    }
  });

  it('leaves torn lines counted as before', async () => {
    const s = await openOtlpStore(fx.torn);
    try {
      const docs = (await scanDocs(s)).docs;
      expect(docs).toHaveLength(fx.m.spanCount - fx.m.torn.lostSpans);
      expect(s.skippedLines).toBe(fx.m.torn.skippedLines);
    } finally {
      await s.close();
    }
  });

  it('with runIds: exactly those runs\' docs; an id typed in capitals still matches, unknown ids are skipped', async () => {
    const s = await openOtlpStore(fx.jsonl);
    try {
      const { failed, worker } = fx.m.traces;
      const got = await scanDocs(s, new Set([failed!.toUpperCase(), worker!, 'ffffffffffffffffffffffffffffffff']));
      expect(got.docs).toEqual(await fallbackDocs(s, new Set([failed!, worker!])));
      expect(got.docs).toHaveLength(fx.m.spans.failed! + fx.m.spans.worker!);
      // the same trace asked for twice (two spellings) is scanned once
      expect((await scanDocs(s, new Set([failed!, failed!.toUpperCase()]))).docs).toHaveLength(fx.m.spans.failed!);
    } finally {
      await s.close();
    }
  });

  it('an aborted signal rejects with AbortError', async () => {
    const s = await openOtlpStore(fx.jsonl);
    try {
      const ac = new AbortController();
      ac.abort();
      let called = false;
      await expect(s.scanSpans!(() => (called = true), ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
      expect(called).toBe(false);
    } finally {
      await s.close();
    }
  });
});

describe('OTLP runVersions', () => {
  it('has one version per listed run, and the same map twice when nothing changed', async () => {
    const { store } = await openCopy();
    try {
      const v = await versions(store);
      expect([...v.keys()].sort()).toEqual((await store.listRuns()).map((r) => r.id).sort());
      expect(await versions(store)).toEqual(v);
    } finally {
      await store.close();
    }
  });

  it('a span appended to one trace moves that trace only; a new trace comes with its own; a retried export moves nothing', async () => {
    const { file, store } = await openCopy();
    try {
      const failed = fx.m.traces.failed!;
      const v0 = await versions(store);
      const late = otlpLine({ traceId: failed, spanId: 'aaaaaaaaaaaaaaaa', parentSpanId: fx.m.failed.rootSpanId, name: 'late.audit', service: 'checkout', startNs: START_NS, endNs: START_NS + 2_000_000n });
      fs.appendFileSync(file, late);
      const v1 = await versions(store);
      expect(movedIds(v0, v1)).toEqual([failed]);
      const fresh = 'abcdefabcdefabcdefabcdefabcdef01';
      fs.appendFileSync(file, otlpLine({ traceId: fresh, spanId: 'bbbbbbbbbbbbbbbb', name: 'new.root', startNs: START_NS, endNs: START_NS + 1_000_000n }));
      const v2 = await versions(store);
      expect(movedIds(v1, v2)).toEqual([fresh]);
      expect([...v2.keys()].sort()).toEqual((await store.listRuns()).map((r) => r.id).sort());
      // an exporter's retry writes the same span again: the reader drops it, nothing changed
      fs.appendFileSync(file, late);
      expect(movedIds(v2, await versions(store))).toEqual([]);
      // the span ends later than first written (same id, new times): a change
      fs.appendFileSync(file, otlpLine({ traceId: fresh, spanId: 'bbbbbbbbbbbbbbbb', name: 'new.root', startNs: START_NS, endNs: START_NS + 5_000_000n }));
      const v3 = await versions(store);
      expect(movedIds(v2, v3)).toEqual([fresh]);
      const moved = new Set(movedIds(v0, v3));
      expect((await scanDocs(store, moved)).docs).toEqual(await fallbackDocs(store, moved));
      expect((await scanDocs(store)).docs).toEqual(await fallbackDocs(store));
    } finally {
      await store.close();
    }
  });

  it('half a line moves nothing; the finished line moves its trace', async () => {
    const { file, store } = await openCopy();
    try {
      const worker = fx.m.traces.worker!;
      const v0 = await versions(store);
      const line = otlpLine({ traceId: worker, spanId: 'cccccccccccccccc', name: 'late.job', service: 'inventory-worker', startNs: START_NS, endNs: START_NS + 1n });
      const cut = Math.floor(line.length / 2);
      fs.appendFileSync(file, line.slice(0, cut));
      expect(movedIds(v0, await versions(store))).toEqual([]);
      expect(store.skippedLines).toBe(1);
      expect((await scanDocs(store)).docs).toEqual(await fallbackDocs(store));
      fs.appendFileSync(file, line.slice(cut));
      expect(movedIds(v0, await versions(store))).toEqual([worker]);
      expect(store.skippedLines).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('a file rewritten shorter is read again: every version moves', async () => {
    const { file, store } = await openCopy();
    try {
      const v0 = await versions(store);
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
      fs.writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`);
      const v1 = await versions(store);
      expect(v1.size).toBeGreaterThan(0);
      for (const [id, v] of v1) expect(v, id).not.toBe(v0.get(id));
      expect((await scanDocs(store)).docs).toEqual(await fallbackDocs(store));
    } finally {
      await store.close();
    }
  });
});
