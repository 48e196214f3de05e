import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/sources/detect';
import { expectUserError, runCli } from '../cli/run-cli';
import { makeOtlpFiles } from './helpers';
import type { OtlpFixture } from './helpers';

/** Every CLI verb on OTLP/JSON files from the real SDK, main() in-process, format detected. */
let fx: OtlpFixture;
const env = { TZ: 'UTC' };

beforeAll(() => {
  fx = makeOtlpFiles();
});
afterAll(() => fx?.cleanup());

async function json<T>(...args: string[]): Promise<T> {
  const r = await runCli([...args, '--json'], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface JRun { id: string; name: string; status: string; spanCount: number }
interface JSpan { id: string; name: string; status: string; children?: JSpan[]; error?: { type?: string; message: string; stack?: string } }

describe('detecting OTLP/JSON', () => {
  it('JSON lines, a pretty .json, protobuf-mapped lines, a torn file', async () => {
    for (const f of [fx.jsonl, fx.single, fx.protojson, fx.torn]) {
      expect(await detectFormat(f), f).toEqual({ kind: 'store', format: 'otlp' });
    }
  });

  it('a first line longer than what detection reads is judged by how it starts', async () => {
    const f = path.join(fx.dir, 'big.jsonl');
    const big = { resourceSpans: [{ resource: { attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(200_000) } }] }, scopeSpans: [] }] };
    fs.writeFileSync(f, `${JSON.stringify(big)}\n`);
    expect(await detectFormat(f)).toEqual({ kind: 'store', format: 'otlp' });
  });
});

describe('spanlens on an OTLP/JSON file', () => {
  it('list', async () => {
    const runs = await json<JRun[]>('list', fx.jsonl);
    expect(runs.map((r) => r.id)).toEqual([fx.m.traces.worker, fx.m.traces.handled, fx.m.traces.ok, fx.m.traces.failed]);
    expect(runs.map((r) => r.name)).toEqual(['inventory-worker', 'checkout', 'checkout', 'checkout']);
    const r = await runCli(['list', fx.jsonl, '--pipeline', 'checkout', '--status', 'error'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(fx.m.traces.failed);
    expect(r.stdout).toContain(`Error: ${fx.m.failed.message}`);
    expect(r.stderr).toBe('');
  });

  it('get', async () => {
    expect((await json<JRun[]>('get', fx.jsonl, fx.m.traces.ok!.slice(5, 15))).map((r) => r.id)).toEqual([fx.m.traces.ok]);
    const r = await runCli(['get', fx.jsonl, fx.m.traces.worker!], { env });
    expect(r.stdout).toContain('inventory-worker');
    expect(r.stdout).toContain('Started   2026-01-09 10:00:00');
  });

  it('show: the exception with its V8 stack', async () => {
    const j = await json<{ run: JRun; spans: JSpan[] }>('show', fx.jsonl, fx.m.traces.failed!);
    expect(j.spans).toHaveLength(fx.m.spans.failed!);
    const r = await runCli(['show', fx.jsonl, fx.m.traces.failed!], { env });
    expect(r.stdout).toContain('type: Error');
    expect(r.stdout).toMatch(/at chargeCard \(.*otlp_write\.mjs:\d+:\d+\)/);
  });

  it('trace: one root, nested children', async () => {
    const j = await json<{ run: JRun; root: JSpan & { synthetic?: boolean } }>('trace', fx.jsonl, fx.m.traces.failed!);
    expect(j.root.synthetic).toBeUndefined();
    expect(j.root.name).toBe('POST /api/checkout');
    expect(j.root.children!.map((c) => c.name)).toEqual(['cart.load', 'payment.charge']);
    expect(j.root.children![1]!.children!.map((c) => c.name)).toEqual(['fraud.check']);
    const r = await runCli(['trace', fx.jsonl, fx.m.traces.ok!], { env });
    expect(r.stdout).toMatch(/GET \/api\/cart[\s\S]*cache\.get[\s\S]*cache\.miss/);
  });

  it('spans', async () => {
    const spans = await json<JSpan[]>('spans', fx.jsonl, fx.m.traces.worker!, '--name', 'reserve');
    expect(spans.map((s) => s.name)).toEqual(['inventory.reserve', 'reserve.sku-1', 'reserve.sku-2']);
  });

  it('stats: skippedLines 0 on a clean file, 2 on a torn one; the note on stderr', async () => {
    const clean = await json<{ totalSpans: number; skippedLines: number }>('stats', fx.jsonl);
    expect(clean).toMatchObject({ totalSpans: fx.m.spanCount, skippedLines: 0 });
    const torn = await json<{ totalSpans: number; skippedLines: number }>('stats', fx.torn);
    expect(torn).toMatchObject({ totalSpans: fx.m.spanCount - fx.m.torn.lostSpans, skippedLines: fx.m.torn.skippedLines });
    const r = await runCli(['list', fx.torn], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`spanlens: note: 2 lines of ${fx.torn} skipped (torn or not JSON)\n`);
  });

  it('a pretty .json and --format otlp on a file detection cannot tell', async () => {
    expect((await json<JRun[]>('list', fx.single)).map((r) => r.id)).toEqual([fx.m.traces.failed]);
    const garbage = path.join(fx.dir, 'garbage.txt');
    fs.writeFileSync(garbage, 'GET / HTTP/1.1\nHost: x\n');
    expect(expectUserError(await runCli(['list', garbage], { env }))).toMatch(/is not a store spanlens can read/);
    const r = await runCli(['list', garbage, '--format', 'otlp'], { env });
    expect(r).toMatchObject({ code: 0, stdout: `no runs in ${garbage}\n` });
    expect(r.stderr).toBe(`spanlens: note: 2 lines of ${garbage} skipped (torn or not JSON)\n`);
  });
});
