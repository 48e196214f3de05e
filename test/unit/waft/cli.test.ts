import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../cli/run-cli';
import { makeWaftStore } from './helpers';
import type { WaftFixture } from './helpers';

/** Every CLI verb on a waft store, main() in-process, format detected from the folder. */
let fx: WaftFixture;
const env = { TZ: 'UTC' };

beforeAll(() => {
  fx = makeWaftStore();
});
afterAll(() => fx?.cleanup());

async function json<T>(...args: string[]): Promise<T> {
  const r = await runCli([...args, '--json'], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface JRun { id: string; name: string; status: string; rawStatus: string; spanCount: number; store: string; error?: string }
interface JSpan { id: string; name: string; status: string; parentId: string | null; children?: JSpan[]; error?: { type?: string; message: string; stack?: string }; source?: { path: string; line: number } }

describe('spanlens on a waft store', () => {
  it('list: --json is the runs array; human mode notes the skipped lines on stderr', async () => {
    const runs = await json<JRun[]>('list', fx.root);
    expect(runs).toHaveLength(fx.m.runCount);
    expect(runs[0]).toMatchObject({ store: fx.root, id: fx.m.scenarios.pending, status: 'running', rawStatus: 'pending' });
    expect((await json<JRun[]>('list', fx.root, '--status', 'error')).map((r) => r.name).sort()).toEqual(['export.report', 'pipeline.score_loans']);
    expect(await json<JRun[]>('list', fx.root, '--pipeline', 'nightly.rollup')).toHaveLength(1);
    expect(await json<JRun[]>('list', fx.root, '--limit', '2')).toHaveLength(2);

    const r = await runCli(['list', fx.root], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pipeline.score_loans');
    expect(r.stdout).toContain('render.<img src=x onerror=alert(1)>');
    expect(r.stdout).toContain(`ValueError: ${fx.m.failedMessage}`);
    expect(r.stderr).toBe(`spanlens: note: ${fx.m.skippedLines} lines of ${fx.root} skipped (torn or not JSON)\n`);
  });

  it('get: by part of a trace id', async () => {
    const id = fx.m.scenarios.midnight!;
    expect((await json<JRun[]>('get', fx.root, id.slice(9, 18))).map((r) => r.id)).toEqual([id]);
    const r = await runCli(['get', fx.root, id.slice(0, 8)], { env });
    expect(r.stdout).toContain('nightly.rollup');
    expect(r.stdout).toContain('Started   2026-01-08 23:59:59');
  });

  it('show: the run, its spans, the error with its traceback', async () => {
    const j = await json<{ run: JRun; spans: JSpan[] }>('show', fx.root, fx.m.scenarios.failed!);
    expect(Object.keys(j)).toEqual(['run', 'spans']);
    expect(j.spans).toHaveLength(3);
    const norm = j.spans.find((s) => s.name === 'score.normalize')!;
    expect(norm.error).toMatchObject({ type: 'ValueError', message: fx.m.failedMessage });
    expect(norm.source).toEqual({ path: 'pipeline/score.py', line: 24 });
    const r = await runCli(['show', fx.root, fx.m.scenarios.failed!], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Errors (2):');
    expect(r.stdout).toContain('Traceback (most recent call last):');
    expect(r.stdout).toContain(`ValueError: ${fx.m.failedMessage}`);
  });

  it("trace: waft's several top-level spans hang under a synthetic run node", async () => {
    const j = await json<{ run: JRun; root: JSpan & { synthetic?: boolean } }>('trace', fx.root, fx.m.scenarios.ok!);
    expect(j.root.synthetic).toBe(true);
    expect(j.root.children!.map((c) => c.name)).toEqual(['api.decision.analyze', 'input_transformer.transform_input', 'decision_matrix.calculate_wsm']);
    const one = await json<{ run: JRun; root: JSpan & { synthetic?: boolean } }>('trace', fx.root, fx.m.scenarios.midnight!);
    expect(one.root).toMatchObject({ name: 'nightly.rollup' });
    expect(one.root.children!.map((c) => c.name)).toEqual(['rollup.collect']);
    const r = await runCli(['trace', fx.root, fx.m.scenarios.failed!], { env });
    expect(r.stdout).toMatch(/pipeline\.score_loans[\s\S]*score\.normalize/);
  });

  it('spans: filtered by status and name', async () => {
    const failed = await json<JSpan[]>('spans', fx.root, fx.m.scenarios.failed!, '--status', 'error');
    expect(failed.map((s) => s.name).sort()).toEqual(['pipeline.score_loans', 'score.normalize']);
    const r = await runCli(['spans', fx.root, fx.m.scenarios.pending!], { env });
    expect(r.stdout).toContain('jobs.process');
  });

  it('stats: --json carries skippedLines', async () => {
    const j = await json<{ totalSpans: number; byStatus: Record<string, number>; skippedLines: number }>('stats', fx.root);
    expect(j.totalSpans).toBe(Object.values(fx.m.spans).reduce((a, b) => a + b, 0));
    expect(j.byStatus).toMatchObject({ error: 3, running: 1 });
    expect(j.skippedLines).toBe(fx.m.skippedLines);
    const r = await runCli(['stats', fx.root], { env });
    expect(r.stdout).toContain('api.decision.analyze');
    expect(r.stderr).toContain('lines of');
  });

  it('the traces folder and one daily file work too; --format forces a file detection cannot tell', async () => {
    expect(await json<JRun[]>('list', fx.tracesDir)).toHaveLength(fx.m.runCount);
    const day = path.join(fx.tracesDir, '2026-01-07.jsonl');
    expect((await json<JRun[]>('list', day)).map((r) => r.name).sort()).toEqual(['api.decision.analyze', 'pipeline.score_loans']);
    const empty = path.join(fx.dir, 'today.jsonl');
    fs.writeFileSync(empty, '');
    expect(expectUserError(await runCli(['list', empty], { env }))).toBe(
      `spanlens: ${empty}: is empty — if a waft or OTLP file is just being started, name its format with --format`,
    );
    const r = await runCli(['list', empty, '--format', 'waft'], { env });
    expect(r).toMatchObject({ code: 0, stdout: `no runs in ${empty}\n`, stderr: '' });
    expect(await json<JRun[]>('list', empty, '--format=waft')).toEqual([]);
  });

  it('bad --format and mismatched formats are one-line errors', async () => {
    expect(expectUserError(await runCli(['list', fx.root, '--format', 'zipkin'], { env }))).toBe(
      "spanlens list: unknown format 'zipkin' — use one of flujo, waft, otlp, claude-flow",
    );
    expect(expectUserError(await runCli(['list', fx.root, '--format', 'otlp'], { env }))).toBe(
      `spanlens: ${fx.root}: no OTLP .jsonl files in this folder — point spanlens at an OTLP/JSON file (.jsonl or .json) or a folder of them`,
    );
    const nothing = fs.mkdtempSync(path.join(fx.dir, 'empty-'));
    expect(expectUserError(await runCli(['list', nothing], { env }))).toMatch(/is a folder with no trace store spanlens knows/);
    expect(expectUserError(await runCli(['list', nothing, '--format', 'waft'], { env }))).toMatch(/no waft traces here/);
  });

  it('--help names --format and the store kinds', async () => {
    const r = await runCli(['--help'], { env });
    expect(r.stdout).toContain('--format F');
    expect(r.stdout).toContain('_pyrite/analytics/traces');
    expect(r.stdout).toContain('OTLP/JSON');
  });
});
