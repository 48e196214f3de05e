import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../../src/analysis/tree';
import { resolveSpanSourceRecorded } from '../../../src/resolve';
import type { Span, SpanNode } from '../../../src/model/types';
import { openOtlpStore } from '../../../src/sources/otlp/reader';
import type { OtlpTraceStore } from '../../../src/sources/otlp/reader';
import { StoreError } from '../../../src/sources/types';
import { makeOtlpFiles, otlpLine } from './helpers';
import type { OtlpFixture } from './helpers';

let fx: OtlpFixture;
let store: OtlpTraceStore;

beforeAll(async () => {
  fx = makeOtlpFiles();
  store = await openOtlpStore(fx.jsonl);
});

afterAll(async () => {
  await store?.close();
  fx?.cleanup();
});

function byName(spans: Span[], name: string): Span {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(', ')}`);
  return s;
}

function shape(n: SpanNode): unknown {
  return n.children.length ? { [n.name]: n.children.map(shape) } : n.name;
}

describe('OTLP/JSON lines written by the OpenTelemetry JS SDK', () => {
  it('one run per traceId, named by service.name, newest first', async () => {
    expect(store.format).toBe('otlp');
    const runs = await store.listRuns();
    expect(runs.map((r) => r.id)).toEqual([fx.m.traces.worker, fx.m.traces.handled, fx.m.traces.ok, fx.m.traces.failed]);
    for (const r of runs) {
      const scenario = Object.keys(fx.m.traces).find((k) => fx.m.traces[k] === r.id)!;
      expect(r.name).toBe(fx.m.services[scenario]);
      expect(r.spanCount).toBe(fx.m.spans[scenario]);
      expect(r.id).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(store.skippedLines).toBe(0);
  });

  it('joins the spans of one trace spread over several lines into one tree', async () => {
    // the failed checkout's spans were exported in two batches, with the worker's between them
    const lines = fs.readFileSync(fx.jsonl, 'utf8').trim().split('\n');
    const holding = lines.map((l, i) => (l.includes(fx.m.traces.failed!) ? i : -1)).filter((i) => i >= 0);
    expect(holding.length).toBeGreaterThan(1);
    const spans = await store.getSpans(fx.m.traces.failed!);
    expect(spans).toHaveLength(4);
    expect(buildSpanTree(spans).map(shape)).toEqual([
      { 'POST /api/checkout': ['cart.load', { 'payment.charge': ['fraud.check'] }] },
    ]);
    expect(spans[0]!.id).toBe(fx.m.failed.rootSpanId);
  });

  it('status code 2 is an error; the exception event gives type, message and the V8 stack', async () => {
    const run = (await store.findRuns(fx.m.traces.failed!))[0]!;
    expect(run).toMatchObject({ status: 'error', rawStatus: 'STATUS_CODE_ERROR', error: `Error: ${fx.m.failed.message}` });
    expect(run.durationMs).toBe(fx.m.failed.durationMs);
    const spans = await store.getSpans(run.id);
    const pay = byName(spans, 'payment.charge');
    expect(pay.id).toBe(fx.m.failed.paySpanId);
    expect(pay).toMatchObject({ status: 'error', rawStatus: 'STATUS_CODE_ERROR' });
    expect(pay.error).toMatchObject({ type: 'Error', message: fx.m.failed.message });
    const stack = pay.error!.stack!.split('\n');
    expect(stack[0]).toBe(fx.m.failed.stackFirstLine);
    expect(stack[1]).toMatch(/^\s+at chargeCard \(.*otlp_write\.mjs:\d+:\d+\)$/);
    expect(pay.attributes['otel.status_description']).toBe('card declined');
    // code.filepath / code.lineno recorded on the span → its source
    expect(pay.source).toEqual({ path: fx.m.failed.file, line: fx.m.failed.line });
    expect(resolveSpanSourceRecorded(pay)).toMatchObject({ via: 'code-attributes', path: fx.m.failed.file, line: fx.m.failed.line });
    const root = byName(spans, 'POST /api/checkout');
    expect(root.error).toEqual({ message: 'payment failed' });
    expect(root.source).toEqual({ path: '/srv/checkout/src/routes/checkout.ts', line: 42 });
    const ev = pay.events.find((e) => e.name === 'exception')!;
    expect(ev.offsetMs).toBe(11);
    expect(ev.attributes['exception.type']).toBe('Error');
  });

  it('an exception recorded on a span left UNSET is its error; the run did not fail', async () => {
    const run = (await store.findRuns(fx.m.traces.handled!))[0]!;
    expect(run).toMatchObject({ status: 'ok', rawStatus: 'STATUS_CODE_UNSET' });
    const attempt = byName(await store.getSpans(run.id), 'attempt.1');
    // no code.* attributes: resolve/ finds the place in the V8 stack of the exception
    expect(resolveSpanSourceRecorded(attempt)).toMatchObject({ via: 'stack', path: fx.m.failed.file, line: fx.m.failed.line, function: 'chargeCard' });
    expect(attempt).toMatchObject({ status: 'unset', rawStatus: 'STATUS_CODE_UNSET' });
    expect(attempt.error).toMatchObject({ type: 'Error', message: 'card declined: insufficient funds for 100 cents' });
  });

  it('typed attribute values, kind, scope and resource', async () => {
    const spans = await store.getSpans(fx.m.traces.failed!);
    const cart = byName(spans, 'cart.load');
    expect(cart.attributes).toMatchObject({
      'cart.items': ['sku-1', 'sku-<2>'],
      'cart.quantities': [1, 2],
      'cart.total': 59.9,
      'cart.gift': false,
      'service.name': 'checkout',
      'otel.span.kind': 'INTERNAL',
      'otel.scope.name': 'checkout-http',
      'otel.scope.version': '0.9.0',
    });
    expect(cart.events).toEqual([{ name: 'cart.validated', offsetMs: 3, attributes: { items: 2 } }]);
    const root = byName(spans, 'POST /api/checkout');
    expect(root.attributes).toMatchObject({ 'http.response.status_code': 500, 'http.request.method': 'POST', 'otel.span.kind': 'SERVER' });
    const run = (await store.findRuns(fx.m.traces.failed!))[0]!;
    expect(run.attributes).toMatchObject({ 'service.name': 'checkout', 'host.name': 'web-1', 'otel.root_span.name': 'POST /api/checkout' });
    const worker = (await store.getSpans(fx.m.traces.worker!)).find((s) => s.parentId === null)!;
    expect(worker.attributes).toMatchObject({
      'otel.span.kind': 'CONSUMER',
      'messaging.batch.message_count': 3,
      'otel.links': [{ traceId: fx.m.traces.failed, spanId: fx.m.failed.rootSpanId }],
    });
  });

  it('nanosecond times: offsets and durations exact, start in epoch ms', async () => {
    const run = (await store.findRuns(fx.m.traces.ok!))[0]!;
    expect(run).toMatchObject({ status: 'ok', rawStatus: 'STATUS_CODE_OK', startMs: fx.m.ok.startMs });
    const cache = byName(await store.getSpans(run.id), 'cache.get');
    expect(cache.startOffsetMs).toBe(fx.m.ok.cacheOffsetMs);
    expect(cache.durationMs).toBe(fx.m.ok.cacheDurationMs);
    expect(cache).toMatchObject({ status: 'unset', rawStatus: 'STATUS_CODE_UNSET' });
  });

  it('filters, pages, finds; unknown ids are a StoreError', async () => {
    expect((await store.listRuns({ status: 'error' })).map((r) => r.id)).toEqual([fx.m.traces.failed]);
    expect((await store.listRuns({ pipeline: 'inventory-worker' })).map((r) => r.id)).toEqual([fx.m.traces.worker]);
    expect((await store.listRuns({ sinceMs: fx.m.ok.startMs })).map((r) => r.id)).toEqual([fx.m.traces.worker, fx.m.traces.handled, fx.m.traces.ok]);
    expect((await store.listRuns({ limit: 1, offset: 1 })).map((r) => r.id)).toEqual([fx.m.traces.handled]);
    expect((await store.findRuns(fx.m.traces.ok!.toUpperCase())).map((r) => r.id)).toEqual([fx.m.traces.ok]);
    expect((await store.findRuns(fx.m.traces.ok!.slice(3, 13))).map((r) => r.id)).toEqual([fx.m.traces.ok]);
    await expect(store.getSpans('00ff')).rejects.toBeInstanceOf(StoreError);
    const sums = await store.spanSummaries();
    expect(sums).toHaveLength(fx.m.spanCount);
    expect(await store.spanSummaries({ pipeline: 'inventory-worker' })).toHaveLength(fx.m.spans.worker!);
    expect(sums.find((s) => s.name === 'cache.get')!.durationMs).toBe(fx.m.ok.cacheDurationMs);
  });
});

describe('other spellings of OTLP/JSON', () => {
  it('one pretty-printed request in a .json file', async () => {
    const s = await openOtlpStore(fx.single);
    try {
      expect((await s.listRuns()).map((r) => r.id)).toEqual([fx.m.traces.failed]);
      expect(s.skippedLines).toBe(0);
      expect(await s.getSpans(fx.m.traces.failed!)).toEqual(await store.getSpans(fx.m.traces.failed!));
    } finally {
      await s.close();
    }
  });

  it('protobuf JSON mapping: base64 ids become hex, int64 strings numbers, kvlist an object', async () => {
    const s = await openOtlpStore(fx.protojson);
    try {
      expect((await s.listRuns()).map((r) => r.id)).toEqual((await store.listRuns()).map((r) => r.id));
      const spans = await s.getSpans(fx.m.traces.failed!);
      const hexSpans = await store.getSpans(fx.m.traces.failed!);
      expect(spans.map((x) => [x.id, x.parentId, x.status, x.startOffsetMs, x.durationMs])).toEqual(
        hexSpans.map((x) => [x.id, x.parentId, x.status, x.startOffsetMs, x.durationMs]),
      );
      const cart = byName(spans, 'cart.load');
      expect(cart.attributes).toMatchObject({
        'cart.quantities': [1, 2],
        // past 2^53: kept as the digits written
        'cart.owner': { id: '9007199254740993', vip: true, tags: ['a'] },
        'cart.digest': Buffer.from('cafe').toString('base64'),
        'cart.ratio': 'NaN',
        'cart.empty': null,
        'otel.span.kind': 'INTERNAL',
      });
      expect(byName(spans, 'POST /api/checkout').attributes['http.response.status_code']).toBe(500);
      expect(byName(spans, 'payment.charge').error?.type).toBe('Error');
      const worker = (await s.getSpans(fx.m.traces.worker!)).find((x) => x.parentId === null)!;
      expect(worker.attributes['otel.links']).toEqual([{ traceId: fx.m.traces.failed, spanId: fx.m.failed.rootSpanId }]);
    } finally {
      await s.close();
    }
  });
});

describe('torn and bad OTLP input', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(fx.dir, 'bad-'));
  });

  it('a crashed writer: a stray line and a torn last request are skipped and counted', async () => {
    const s = await openOtlpStore(fx.torn);
    try {
      expect(s.skippedLines).toBe(fx.m.torn.skippedLines);
      const runs = await s.listRuns();
      // the handled trace's only request was the torn last line
      expect(runs.map((r) => r.id)).toEqual([fx.m.traces.worker, fx.m.traces.ok, fx.m.traces.failed]);
      expect(runs.reduce((n, r) => n + r.spanCount, 0)).toBe(fx.m.spanCount - fx.m.torn.lostSpans);
    } finally {
      await s.close();
    }
  });

  it('reads a growing file from where it left off; an unfinished line waits', async () => {
    const lines = fs.readFileSync(fx.jsonl, 'utf8').split('\n').filter((l) => l !== '').map((l) => `${l}\n`);
    const f = path.join(dir, 'growing.jsonl');
    fs.writeFileSync(f, lines[0]!);
    const s = await openOtlpStore(f);
    try {
      expect((await s.listRuns()).map((r) => [r.id, r.spanCount])).toEqual([[fx.m.traces.failed, 3]]);
      expect(s.bytesRead).toBe(Buffer.byteLength(lines[0]!));
      fs.appendFileSync(f, lines[1]! + lines[2]!);
      const before = s.bytesRead;
      const runs = await s.listRuns();
      expect(s.bytesRead - before).toBe(Buffer.byteLength(lines[1]! + lines[2]!));
      expect(runs.find((r) => r.id === fx.m.traces.failed)!.spanCount).toBe(4);
      expect(runs.find((r) => r.id === fx.m.traces.failed)!.name).toBe('checkout');
      const half = Math.floor(lines[3]!.length / 2);
      fs.appendFileSync(f, lines[3]!.slice(0, half));
      expect((await s.listRuns()).map((r) => r.id)).not.toContain(fx.m.traces.handled);
      expect(s.skippedLines).toBe(1);
      fs.appendFileSync(f, lines[3]!.slice(half));
      expect((await s.listRuns()).map((r) => r.id)).toContain(fx.m.traces.handled);
      expect(s.skippedLines).toBe(0);
      expect(s.bytesRead).toBe(fs.statSync(f).size + half);
      // an exporter retry writes the same spans again: not doubled
      fs.appendFileSync(f, lines[3]!);
      expect((await s.findRuns(fx.m.traces.handled!))[0]!.spanCount).toBe(fx.m.spans.handled);
    } finally {
      await s.close();
    }
  });

  it('an empty file, garbage, JSON that is not OTLP: no runs, never a throw', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    fs.writeFileSync(empty, '');
    const garbage = path.join(dir, 'garbage.jsonl');
    fs.writeFileSync(garbage, 'GET / HTTP/1.1\n{"resourceSpans": [\n\u0000\u0000\n{"hello": "world"}\n');
    const notOtlp = path.join(dir, 'other.json');
    fs.writeFileSync(notOtlp, JSON.stringify({ data: [1, 2, 3] }, null, 2));
    for (const [f, skipped] of [
      [empty, 0],
      [garbage, 4],
      [notOtlp, 1],
    ] as const) {
      const s = await openOtlpStore(f);
      expect(await s.listRuns(), f).toEqual([]);
      expect(await s.spanSummaries()).toEqual([]);
      expect(s.skippedLines, f).toBe(skipped);
      await s.close();
    }
  });

  it('a missing file: one clear StoreError', async () => {
    const missing = path.join(dir, 'missing.jsonl');
    await expect(openOtlpStore(missing)).rejects.toThrow(`${missing}: not found — check the path`);
  });
});

describe('the run error comes from where the run failed', () => {
  it('the innermost failed span, even when a parent with a bare ERROR status seems to end first', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-otlp-err-'));
    try {
      const trace = 'ab'.repeat(16);
      const t0 = 1_767_952_800_000_000_000n;
      const root = JSON.parse(otlpLine({ traceId: trace, spanId: '1'.repeat(16), name: 'GET /checkout', startNs: t0, endNs: t0 + 100_000_000n, code: 2 }));
      const child = JSON.parse(otlpLine({ traceId: trace, spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16), name: 'payment.charge', startNs: t0 + 10_000_000n, endNs: t0 + 150_000_000n, code: 2 }));
      child.resourceSpans[0].scopeSpans[0].spans[0].status = { code: 2, message: 'card declined' };
      const file = path.join(dir, 'traces.otlp.jsonl');
      fs.writeFileSync(file, `${JSON.stringify(root)}\n${JSON.stringify(child)}\n`);
      const store = await openOtlpStore(file);
      try {
        const [run] = await store.listRuns();
        expect(run!.status).toBe('error');
        expect(run!.error).toBe('card declined');
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
