import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run, Span } from '../../../src/model/types';
import { createClaudeFlowDatabase, type ClaudeFlowFixture } from '../../fixtures/claudeflow';
import { makeOtlpFiles, type OtlpFixture } from '../otlp/helpers';
import { makeWaftStore, type WaftFixture } from '../waft/helpers';
import { memStore, NOW } from './mem-store';
import { expectUserError, runCli } from './run-cli';

/** `spanlens similar`: in-memory stores for the output, the real waft and OTLP fixtures for the readers. */

function run(id: string, error: string, startMs: number, extra: Partial<Run> = {}): Run {
  return { id, store: 'mem.db', name: 'enrich', status: 'error', rawStatus: 'failed', spanCount: 2, attributes: {}, error, startMs, ...extra };
}

function span(runId: string, id: string, parentId: string | null, name: string, error?: Span['error']): Span {
  const s: Span = { id, runId, parentId, name, status: error ? 'error' : 'ok', rawStatus: error ? 'failed' : 'completed', startOffsetMs: 0, durationMs: 1, attributes: {}, events: [] };
  if (error) s.error = error;
  return s;
}

function failingStore() {
  const runs = [
    run('run_a1', 'Loop body failed: TimeoutError: call_model exceeded 30.0s', NOW - 3_000),
    run('run_b2', 'TimeoutError: call_model exceeded 45.5s on run 8f3a2b', NOW - 2_000),
    run('run_c3', "KeyError: 'income'", NOW - 1_000),
    run('run_ok', '', NOW, { status: 'ok', rawStatus: 'completed', error: undefined }),
  ];
  const spans = [
    span('run_a1', 'a-root', null, 'pipeline_run', { message: 'Loop body failed: TimeoutError: call_model exceeded 30.0s' }),
    span('run_a1', 'a-call', 'a-root', 'call_model', { type: 'TimeoutError', message: 'call_model exceeded 30.0s' }),
    span('run_b2', 'b-root', null, 'pipeline_run'),
    span('run_c3', 'c-root', null, 'pipeline_run', { type: 'KeyError', message: "'income'" }),
  ];
  return memStore('mem.db', runs, spans);
}

function cli(argv: string[]) {
  const store = failingStore();
  return runCli(argv, { now: () => NOW, open: async () => store });
}

interface JMatch {
  similarity: number;
  run: { id: string; store: string };
  span?: { id: string; name: string };
}

describe('spanlens similar', () => {
  it('--json: [{similarity, run, span?}], most similar first, spans for their own failures', async () => {
    const r = await cli(['similar', 'mem.db', 'TimeoutError: call_model exceeded 12s', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as JMatch[];
    expect(j.map((m) => [m.run.id, m.span?.id ?? null, m.similarity])).toEqual([
      ['run_a1', 'a-call', 1],
      ['run_b2', null, 0.57],
    ]);
    expect(Object.keys(j[0]!)).toEqual(['similarity', 'run', 'span']);
    expect(Object.keys(j[1]!)).toEqual(['similarity', 'run']);
  });

  it('human: a table with the similarity in percent, run, pipeline, span and error', async () => {
    const r = await cli(['similar', 'mem.db', 'TimeoutError: call_model exceeded 12s']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('2 failures like “TimeoutError: call_model exceeded 12s” in mem.db:');
    expect(lines[2]).toMatch(/^SIMILARITY\s+RUN ID\s+PIPELINE\s+SPAN\s+ERROR$/);
    expect(lines[3]).toMatch(/^\s+100%\s+run_a1\s+enrich\s+call_model\s+TimeoutError: call_model exceeded 30\.0s$/);
    expect(lines[4]).toMatch(/^\s+57%\s+run_b2\s+enrich\s+-\s+TimeoutError: call_model exceeded 45\.5s on run 8f3a2b$/);
  });

  it('--limit and --threshold', async () => {
    const one = await cli(['similar', 'mem.db', 'TimeoutError: call_model exceeded 12s', '--limit', '1']);
    expect(one.stdout).toContain('run_a1');
    expect(one.stdout).not.toContain('run_b2');
    expect(one.stdout).toContain('the 1 most similar — --limit 0 shows all 2');
    const strict = JSON.parse((await cli(['similar', 'mem.db', 'TimeoutError: call_model exceeded 12s', '--threshold', '90%', '--json'])).stdout) as JMatch[];
    expect(strict.map((m) => m.run.id)).toEqual(['run_a1']);
  });

  it('no match: one line saying what was compared, exit 0', async () => {
    const r = await cli(['similar', 'mem.db', 'disk full']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('no failures like “disk full” in mem.db (similarity > 30%; 3 failures of 3 failed runs compared)\n');
    expect(JSON.parse((await cli(['similar', 'mem.db', 'disk full', '--json'])).stdout)).toEqual([]);
  });

  it.each([
    [['similar', 'mem.db'], 'spanlens similar: missing <error-text>'],
    [['similar', 'mem.db', '  '], 'empty <error-text>'],
    [['similar', 'mem.db', 'x', '--limit', 'ten'], '--limit takes a whole number'],
    [['similar', 'mem.db', 'x', '--threshold', '2'], '--threshold takes a number from 0 to 1'],
  ])('%j is a usage error', async (argv, text) => {
    expect(expectUserError(await cli(argv))).toContain(text);
  });
});

describe('spanlens similar on real stores', () => {
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

  it('waft: the failed score with another number is the same failure; skipped lines noted on stderr', async () => {
    const r = await runCli(['similar', waft.root, 'ValueError: score must be within 0..10, got 99', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as JMatch[];
    expect(j[0]).toMatchObject({ similarity: 1, run: { id: waft.m.scenarios.failed, store: waft.root }, span: { name: 'score.normalize' } });
    const human = await runCli(['similar', waft.root, 'ValueError: score must be within 0..10, got 99']);
    expect(human.stderr).toBe(`spanlens: note: ${waft.m.skippedLines} lines of ${waft.root} skipped (torn or not JSON)\n`);
  });

  it('OTLP: a declined card for another amount matches the payment span', async () => {
    const r = await runCli(['similar', otlp.jsonl, 'card declined: insufficient funds for 12 cents', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as JMatch[];
    expect(j.map((m) => m.span?.id)).toEqual([otlp.m.failed.paySpanId]);
    expect(j[0]!.similarity).toBeGreaterThan(0.8);
  });
});

describe('spanlens similar on claude-flow (PostgreSQL)', () => {
  let fx: ClaudeFlowFixture;
  beforeAll(async () => {
    fx = await createClaudeFlowDatabase();
  });
  afterAll(async () => {
    await fx?.drop();
  });

  it('every bulk failure "boom <n>" is like "boom 77", from its failed step', async () => {
    const r = await runCli(['similar', fx.url, 'boom 77', '--json'], { now: () => fx.now });
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout) as JMatch[];
    const bulkFailed = fx.traces.filter((t) => t.skill === 'bulk' && t.status === 'failed');
    expect(j.map((m) => m.run.id).sort()).toEqual(bulkFailed.map((t) => t.id).sort());
    for (const m of j) expect(m).toMatchObject({ similarity: 1, run: { store: fx.url }, span: { name: 'work' } });
  });

  it('the registry timeout, for another host and port', async () => {
    const r = await runCli(['similar', fx.url, 'connection timeout to registry.internal:5000'], { now: () => fx.now });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+\d+%\s+6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02\s+docker-build\s+build-image\s+connection timeout to registry\.example\.com:443$/m);
  });
});
