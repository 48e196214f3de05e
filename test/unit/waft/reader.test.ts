import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../../src/analysis/tree';
import { resolveSpanSourceRecorded, spanFileRefs } from '../../../src/resolve';
import type { Span } from '../../../src/model/types';
import { StoreError } from '../../../src/sources/types';
import { openWaftStore } from '../../../src/sources/waft/reader';
import type { WaftTraceStore } from '../../../src/sources/waft/reader';
import { fingerprintDir, makeWaftStore, waftLine } from './helpers';
import type { WaftFixture } from './helpers';

let fx: WaftFixture;
let store: WaftTraceStore;

beforeAll(async () => {
  fx = makeWaftStore();
  store = await openWaftStore(fx.root);
});

afterAll(async () => {
  await store?.close();
  fx?.cleanup();
});

const sc = (): Record<string, string> => fx.m.scenarios;

function byName(spans: Span[], name: string): Span {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(', ')}`);
  return s;
}

describe('waft store as waft writes it', () => {
  it('reads every daily file of the project folder: one run per trace_id, newest first', async () => {
    expect(store.format).toBe('waft');
    expect(store.id).toBe(fx.root);
    expect(store.files.map((f) => path.basename(f))).toEqual(['2026-01-07.jsonl', '2026-01-08.jsonl', '2026-01-09.jsonl']);
    const runs = await store.listRuns();
    expect(runs).toHaveLength(fx.m.runCount);
    const starts = runs.map((r) => r.startMs!);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    for (const [scenario, count] of Object.entries(fx.m.spans)) {
      const run = runs.find((r) => r.id === sc()[scenario]);
      expect(run, scenario).toBeDefined();
      expect(run!.spanCount, scenario).toBe(count);
      expect(run!.store).toBe(fx.root);
    }
    // the crashed trace's only line is torn: no run
    expect(runs.find((r) => r.id === sc().crashed)).toBeUndefined();
  });

  it('counts torn and non-JSON lines without failing', () => {
    // a line torn by json.dump (its appended span kept), 3 merge-conflict markers, the torn last line
    expect(store.skippedLines).toBe(fx.m.skippedLines);
    expect(store.skippedLines).toBe(5);
  });

  it('opens the traces folder itself and a single daily file the same way', async () => {
    const viaDir = await openWaftStore(fx.tracesDir);
    const oneFile = await openWaftStore(path.join(fx.tracesDir, '2026-01-07.jsonl'));
    try {
      expect((await viaDir.listRuns()).map((r) => r.id)).toEqual((await store.listRuns()).map((r) => r.id));
      expect((await oneFile.listRuns()).map((r) => r.id).sort()).toEqual([sc().ok, sc().failed].sort());
      expect(oneFile.skippedLines).toBe(0);
    } finally {
      await viaDir.close();
      await oneFile.close();
    }
  });

  it('maps success/error/pending to ok/error/running and keeps the word', async () => {
    const runs = await store.listRuns();
    const get = (k: string) => runs.find((r) => r.id === sc()[k])!;
    expect(get('ok')).toMatchObject({ status: 'ok', rawStatus: 'success', name: 'api.decision.analyze' });
    expect(get('failed')).toMatchObject({ status: 'error', rawStatus: 'error', name: 'pipeline.score_loans' });
    expect(get('pending')).toMatchObject({ status: 'running', rawStatus: 'pending', name: 'jobs.enqueue' });
    expect(get('pending').durationMs).toBeUndefined();
    const pending = await store.getSpans(sc().pending!);
    expect(byName(pending, 'jobs.process')).toMatchObject({ status: 'running', rawStatus: 'pending' });
    expect(byName(pending, 'jobs.process').durationMs).toBeUndefined();
    expect(byName(pending, 'jobs.enqueue')).toMatchObject({ status: 'ok', rawStatus: 'success' });
  });

  it('names the run after the earliest parentless span, keeping waft\'s several roots as written', async () => {
    const run = (await store.findRuns(sc().ok!))[0]!;
    expect(run.startMs).toBe(Date.UTC(2026, 0, 7, 9, 15, 2, 250));
    expect(run.attributes).toMatchObject({ layer: 'api', metadata: { problem: 'Which language?', methodology: 'WSM' } });
    const spans = await store.getSpans(run.id);
    expect(spans[0]!.name).toBe('api.decision.analyze');
    expect(spans.map((s) => s.startOffsetMs)).toEqual([...spans.map((s) => s.startOffsetMs)].sort((a, b) => a - b));
    // waft starts children of start_trace with no parent: three roots, as in its own trace files
    const roots = buildSpanTree(spans);
    expect(roots.map((r) => r.name)).toEqual(['api.decision.analyze', 'input_transformer.transform_input', 'decision_matrix.calculate_wsm']);
    expect(roots[1]!.children.map((c) => c.name)).toEqual([
      'input_transformer.validate_schema',
      'input_transformer.extract_alternatives',
      'input_transformer.extract_criteria',
    ]);
    // microseconds kept: the transform starts 0.4 ms after the root
    expect(byName(spans, 'input_transformer.transform_input').startOffsetMs).toBeCloseTo(0.4, 6);
    expect(byName(spans, 'input_transformer.extract_alternatives').attributes).toMatchObject({
      layer: 'core',
      data: { output: { count: 3, names: ['Python', 'JavaScript', 'Go'] } },
    });
    expect(run.durationMs).toBeCloseTo(2.01, 2);
  });

  it('a failed span: str(e) as message, the traceback kept in data as stack, file.py:24 from metadata', async () => {
    const run = (await store.findRuns(sc().failed!))[0]!;
    expect(run.error).toBe(`ValueError: ${fx.m.failedMessage}`);
    const spans = await store.getSpans(run.id);
    const norm = byName(spans, 'score.normalize');
    expect(norm.status).toBe('error');
    expect(norm.error).toMatchObject({ type: 'ValueError', message: fx.m.failedMessage });
    expect(norm.error!.stack).toMatch(/^Traceback \(most recent call last\):/);
    expect(norm.error!.stack).toContain('in check_score');
    expect(norm.source).toEqual({ path: 'pipeline/score.py', line: 24 });
    // resolve/ reads the same span: the traceback's innermost user frame first, the metadata reference after it
    expect(resolveSpanSourceRecorded(norm)).toMatchObject({ via: 'stack', function: 'check_score', path: expect.stringMatching(/waft_store\.py$/) });
    expect(spanFileRefs(norm)[0]).toMatchObject({ path: 'pipeline/score.py', line: 24, key: 'metadata.source' });
    const root = byName(spans, 'pipeline.score_loans');
    expect(root.error).toEqual({ message: fx.m.failedMessage });
    expect(root.source).toBeUndefined();
    expect(byName(spans, 'loans.load').durationMs).toBeCloseTo(12.25, 3);
  });

  it('joins a trace whose spans are in two daily files (it crossed midnight UTC)', async () => {
    const run = (await store.findRuns(sc().midnight!))[0]!;
    expect(run).toMatchObject({ name: 'nightly.rollup', spanCount: 2, status: 'ok' });
    expect(run.startMs).toBe(Date.UTC(2026, 0, 8, 23, 59, 59, 500));
    expect(run.durationMs).toBeCloseTo(1250, 3);
    const spans = await store.getSpans(run.id);
    expect(spans.map((s) => [s.name, s.parentId === null])).toEqual([
      ['nightly.rollup', true],
      ['rollup.collect', false],
    ]);
    expect(spans[1]!.startOffsetMs).toBeCloseTo(100, 3);
  });

  it('keeps the span appended onto a line that json.dump tore', async () => {
    const run = (await store.findRuns(sc().tornMidLine!))[0]!;
    expect(run).toMatchObject({ name: 'export.report', status: 'error', spanCount: 1 });
    expect(run.error).toBe('Object of type datetime is not JSON serializable');
  });

  it('keeps HTML and non-ASCII as text; a timestamp without fraction is read', async () => {
    const run = (await store.findRuns(sc().html!))[0]!;
    expect(run.name).toBe('render.<img src=x onerror=alert(1)>');
    expect(run.startMs).toBe(Date.UTC(2026, 0, 8, 8, 0, 0));
    expect(run.attributes['metadata']).toEqual({ page: '<b>report</b>', user: 'Zoë' });
    const fill = byName(await store.getSpans(run.id), 'template.fill');
    expect(fill.attributes['data']).toEqual({ input: "<script>alert('x')</script> café ✓", output: '<p>done</p>' });
  });

  it('filters, pages and finds runs as TraceStore says', async () => {
    expect((await store.listRuns({ status: 'error' })).map((r) => r.id).sort()).toEqual([sc().failed, sc().tornMidLine].sort());
    expect((await store.listRuns({ pipeline: 'api.decision.analyze' })).map((r) => r.id)).toEqual([sc().ok]);
    expect((await store.listRuns({ sinceMs: Date.UTC(2026, 0, 9) })).map((r) => r.id)).toEqual([sc().pending]);
    const all = await store.listRuns();
    expect(await store.listRuns({ limit: 2, offset: 1 })).toEqual(all.slice(1, 3));
    expect((await store.findRuns(sc().ok!.slice(4, 12).toUpperCase())).map((r) => r.id)).toEqual([sc().ok]);
    expect(await store.findRuns('   ')).toEqual([]);
    expect(await store.findRuns('zzzz-no-such')).toEqual([]);
    const err = await store.getSpans('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toBe(`${fx.root}: no run with id 'nope' — list the runs to see which ids exist`);
  });

  it('span summaries: every span, filtered by pipeline and time', async () => {
    const all = await store.spanSummaries();
    expect(all).toHaveLength(Object.values(fx.m.spans).reduce((a, b) => a + b, 0));
    const ok = await store.spanSummaries({ pipeline: 'api.decision.analyze' });
    expect(ok).toHaveLength(fx.m.spans.ok!);
    expect(ok.every((s) => s.runId === sc().ok && s.status === 'ok' && typeof s.durationMs === 'number')).toBe(true);
    expect(await store.spanSummaries({ sinceMs: Date.UTC(2030, 0, 1) })).toEqual([]);
    const pending = (await store.spanSummaries()).find((s) => s.name === 'jobs.process')!;
    expect(pending.durationMs).toBeUndefined();
  });

  it('never writes to the store', async () => {
    const before = fingerprintDir(fx.root);
    const s = await openWaftStore(fx.root);
    await s.listRuns();
    for (const r of await s.listRuns()) await s.getSpans(r.id);
    await s.spanSummaries();
    await s.close();
    expect(fingerprintDir(fx.root)).toEqual(before);
  });
});

describe('a waft store that grows', () => {
  let g: WaftFixture;
  beforeAll(() => {
    g = makeWaftStore();
  });
  afterAll(() => g?.cleanup());

  it('reads only what was appended, a new daily file, and waits for an unfinished last line', async () => {
    const s = await openWaftStore(g.root);
    try {
      const runs0 = await s.listRuns();
      const read0 = s.bytesRead;
      const total = g.m.files.reduce((n, f) => n + fs.statSync(path.join(g.tracesDir, f)).size, 0);
      expect(read0).toBe(total);

      // nothing changed: nothing read
      await s.listRuns();
      expect(s.bytesRead).toBe(read0);

      // a new day's file appears
      const day = path.join(g.tracesDir, '2026-01-10.jsonl');
      const a = waftLine({ trace_id: 'trace-new-1', span_id: 's1', operation: 'day10.first', timestamp: '2026-01-10T08:00:00.000500' });
      fs.writeFileSync(day, a);
      const runs1 = await s.listRuns();
      expect(runs1).toHaveLength(runs0.length + 1);
      expect(runs1[0]).toMatchObject({ id: 'trace-new-1', name: 'day10.first', spanCount: 1 });
      expect(s.bytesRead - read0).toBe(Buffer.byteLength(a));

      // half a line: not consumed, counted as torn while it is unfinished
      const b = waftLine({ trace_id: 'trace-new-1', span_id: 's2', parent_span_id: 's1', operation: 'day10.child', timestamp: '2026-01-10T08:00:00.001' });
      const cut = Math.floor(b.length / 2);
      fs.appendFileSync(day, b.slice(0, cut));
      const read1 = s.bytesRead;
      expect((await s.findRuns('trace-new-1'))[0]!.spanCount).toBe(1);
      expect(s.skippedLines).toBe(g.m.skippedLines + 1);
      expect(s.bytesRead - read1).toBe(Buffer.byteLength(b.slice(0, cut)));

      // the writer finishes the line: read from the line's start, the rest of the file untouched
      const read2 = s.bytesRead;
      fs.appendFileSync(day, b.slice(cut));
      expect((await s.findRuns('trace-new-1'))[0]!.spanCount).toBe(2);
      expect(s.skippedLines).toBe(g.m.skippedLines);
      expect(s.bytesRead - read2).toBe(Buffer.byteLength(b));
      const spans = await s.getSpans('trace-new-1');
      expect(spans.map((x) => [x.name, x.parentId])).toEqual([
        ['day10.first', null],
        ['day10.child', 's1'],
      ]);
    } finally {
      await s.close();
    }
  });

  it('a restarted writer appends onto the torn last line: the new span is kept', async () => {
    const s = await openWaftStore(g.root);
    try {
      const skipped = s.skippedLines;
      const file = path.join(g.tracesDir, '2026-01-09.jsonl');
      fs.appendFileSync(file, waftLine({ trace_id: 'after-crash', span_id: 'x1', operation: 'restart.ok', timestamp: '2026-01-09T12:01:00' }));
      const run = (await s.findRuns('after-crash'))[0]!;
      expect(run).toMatchObject({ name: 'restart.ok', status: 'ok' });
      // the torn tail is now a damaged complete line: still one skipped line
      expect(s.skippedLines).toBe(skipped);
    } finally {
      await s.close();
    }
  });

  it('a file rewritten shorter is read again from its start; a removed file drops its runs', async () => {
    const s = await openWaftStore(g.root);
    try {
      const file = path.join(g.tracesDir, '2026-01-07.jsonl');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      // keep only the failed trace's lines
      fs.writeFileSync(file, lines.filter((l) => l.includes(g.m.scenarios.failed!)).map((l) => `${l}\n`).join(''));
      const ids = (await s.listRuns()).map((r) => r.id);
      expect(ids).toContain(g.m.scenarios.failed);
      expect(ids).not.toContain(g.m.scenarios.ok);
      fs.rmSync(file);
      const after = (await s.listRuns()).map((r) => r.id);
      expect(after).not.toContain(g.m.scenarios.failed);
      expect(after).toContain(g.m.scenarios.html);
    } finally {
      await s.close();
    }
  });

  it('concurrent queries each see a consistent store', async () => {
    const s = await openWaftStore(g.root);
    try {
      const [a, b, c] = await Promise.all([s.listRuns(), s.spanSummaries(), s.findRuns('trace-new')]);
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      expect(c.map((r) => r.id)).toEqual(['trace-new-1']);
    } finally {
      await s.close();
    }
  });
});

describe('bad waft input', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(fx.dir, 'bad-'));
  });

  it('an empty file is an empty store', async () => {
    const f = path.join(dir, 'empty.jsonl');
    fs.writeFileSync(f, '');
    const s = await openWaftStore(f);
    expect(await s.listRuns()).toEqual([]);
    expect(await s.spanSummaries()).toEqual([]);
    expect(s.skippedLines).toBe(0);
    await s.close();
  });

  it('a file of garbage: every line skipped and counted, nothing thrown', async () => {
    const f = path.join(dir, 'garbage.jsonl');
    fs.writeFileSync(f, 'hello\n\u0000\u0001binary\n{"not": "a span"}\n[1,2]\n{"trace_id": "t", "span_id"\n\n   \n');
    const s = await openWaftStore(f);
    expect(await s.listRuns()).toEqual([]);
    expect(s.skippedLines).toBe(5);
    await s.close();
  });

  it('Python NaN and Infinity (json.dump writes them bare) are read as text', async () => {
    const f = path.join(dir, 'nan.jsonl');
    fs.writeFileSync(
      f,
      '{"trace_id": "n1", "span_id": "a", "operation": "score", "layer": "core", "parent_span_id": null, "timestamp": "2026-01-09T10:00:00.5", "duration_ms": 2.5, "status": "success", "data": {"output": {"score": NaN, "max": Infinity, "min": -Infinity, "label": "NaN stays"}}, "metadata": {}, "error": null}\n',
    );
    const s = await openWaftStore(f);
    const spans = await s.getSpans('n1');
    expect(spans[0]!.attributes['data']).toEqual({ output: { score: 'NaN', max: 'Infinity', min: '-Infinity', label: 'NaN stays' } });
    expect(s.skippedLines).toBe(0);
    await s.close();
  });

  it('a folder with no traces, a missing path: one clear StoreError', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'nothing-'));
    const e1 = await openWaftStore(empty).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(StoreError);
    expect((e1 as Error).message).toBe(`${empty}: no waft traces here — expected a _pyrite/analytics/traces folder or .jsonl files`);
    const missing = path.join(dir, 'missing');
    await expect(openWaftStore(missing)).rejects.toThrow(`${missing}: not found — check the path`);
  });

  it('an empty _pyrite/analytics/traces (waft made it, wrote nothing yet) is an empty store', async () => {
    const proj = fs.mkdtempSync(path.join(dir, 'proj-'));
    fs.mkdirSync(path.join(proj, '_pyrite', 'analytics', 'traces'), { recursive: true });
    const s = await openWaftStore(proj);
    expect(await s.listRuns()).toEqual([]);
    await s.close();
  });
});
