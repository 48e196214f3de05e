import { execFile } from 'child_process';
import { build } from 'esbuild';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CliResult } from './run-cli';
import { expectUserError, runCli } from './run-cli';

/**
 * `spanlens` end to end: the CLI bundled the way esbuild.js bundles it, run as
 * a child process on the Flujo fixture store (test/fixtures/global-setup.ts).
 * Bundled into a temp folder rather than dist/ so a concurrent `npm run build`
 * or a half-edited extension cannot break these tests.
 */
const store = inject('flujoStore');
const m = inject('flujoManifest');
const sc = m.scenarios as Record<string, string>;
const ROOT = path.resolve(__dirname, '../../..');
let dir: string;
let cli: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-cli-'));
  cli = path.join(dir, 'cli.js');
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
    external: ['vscode', 'pg-native'],
    logLevel: 'silent',
  });
  const req = createRequire(path.join(ROOT, 'package.json'));
  fs.copyFileSync(req.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function spanlens(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      // UTC: start times print in local time; fixed here so the assertions can name them.
      { env: { ...process.env, TZ: 'UTC', SPANLENS_DEBUG: '' }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err && typeof err.code === 'number' ? err.code : err ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** JSON checks run main() in-process against the real store: same code, no node start-up per call. */
async function json<T>(...args: string[]): Promise<T> {
  const r = await runCli([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface JRun { id: string; name: string; status: string; rawStatus: string; spanCount: number; startMs?: number; store: string }
interface JSpan { id: string; name: string; status: string; parentId: string | null; startOffsetMs: number; children?: JSpan[]; error?: { message: string } }

describe('spanlens on a Flujo store: JSON', () => {
  it('list → runs newest first, filtered', async () => {
    const runs = await json<JRun[]>('list', store);
    expect(runs).toHaveLength(m.runCount);
    expect(runs[0]).toMatchObject({ store, id: expect.stringMatching(/^run_/), status: expect.any(String), rawStatus: expect.any(String) });
    const starts = runs.map((r) => r.startMs ?? -Infinity);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    // the newest runs exist only in the -wal file
    expect(runs.slice(0, 2).map((r) => r.id).sort()).toEqual([...m.walRunIds].sort());
    expect((await json<JRun[]>('list', store, '--status', 'paused')).map((r) => r.id)).toEqual([sc.paused]);
    const score = await json<JRun[]>('list', store, '--pipeline', 'score_loans');
    expect(score.length).toBeGreaterThan(1);
    expect(score.every((r) => r.name === 'score_loans')).toBe(true);
    expect(await json<JRun[]>('list', store, '--limit', '3')).toHaveLength(3);
    // the fixture's runs are from 2025: none in the last hour, all in the last million
    expect(await json<JRun[]>('list', store, '--since-hours', '1')).toEqual([]);
    expect(await json<JRun[]>('list', store, '--since-hours', '1000000')).toHaveLength(m.runCount);
  });

  it('get → array of matching runs', async () => {
    expect((await json<JRun[]>('get', store, sc.strange!.slice(8, 18))).map((r) => r.id)).toEqual([sc.strange]);
    expect(await json<JRun[]>('get', store, 'run_')).toHaveLength(m.runCount);
  });

  it('show → {run, spans}', async () => {
    const j = await json<{ run: JRun; spans: JSpan[] }>('show', store, sc.failedTraceback!.slice(-8));
    expect(Object.keys(j)).toEqual(['run', 'spans']);
    expect(j.run.id).toBe(sc.failedTraceback);
    expect(j.spans).toHaveLength(j.run.spanCount);
    const failed = j.spans.find((s) => s.name === 'score_risk')!;
    expect(failed.status).toBe('error');
    expect(failed.error?.message).toBeTruthy();
  });

  it('trace → {run, root} with children, every span once', async () => {
    const j = await json<{ run: JRun; root: JSpan & { synthetic?: boolean } }>('trace', store, sc.enrichOk!);
    expect(Object.keys(j)).toEqual(['run', 'root']);
    expect(j.root.name).toBe('pipeline_run');
    let count = 0;
    const walk = (n: JSpan) => {
      count++;
      n.children!.forEach(walk);
    };
    walk(j.root);
    expect(count).toBe(j.run.spanCount);

    const strange = await json<{ run: JRun; root: JSpan & { synthetic?: boolean } }>('trace', store, sc.strange!);
    expect(strange.root).toMatchObject({ id: sc.strange, synthetic: true });
    expect(strange.root.children!.map((c) => c.name)).toEqual(expect.arrayContaining(['pipeline_run', 'orphan']));
  });

  it('spans → array, filtered by status and name', async () => {
    const all = await json<JSpan[]>('spans', store, sc.failedLoop!);
    const errors = await json<JSpan[]>('spans', store, sc.failedLoop!, '--status', 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThan(all.length);
    expect(errors.every((s) => s.status === 'error')).toBe(true);
    expect((await json<JSpan[]>('spans', store, sc.failedLoop!, '--name', 'CALL_MODEL')).map((s) => s.name)).toEqual(['call_model', 'call_model']);
    expect(await json<JSpan[]>('spans', store, sc.failedLoop!, '--name', "loop 'retry_scoring' - *")).toHaveLength(2);
  });

  it('stats → {totalSpans, byStatus, byName}', async () => {
    const st = await json<{ totalSpans: number; byStatus: Record<string, number>; byName: Array<Record<string, unknown>> }>('stats', store);
    expect(Object.keys(st)).toEqual(['totalSpans', 'byStatus', 'byName']);
    expect(Object.keys(st.byStatus).sort()).toEqual(['error', 'ok', 'paused', 'running', 'unset']);
    const runs = await json<JRun[]>('list', store, '--limit', '0');
    expect(st.totalSpans).toBe(runs.reduce((n, r) => n + r.spanCount, 0));
    expect(Object.keys(st.byName[0]!)).toEqual(['name', 'count', 'avgMs', 'p50Ms', 'p95Ms']);
    const score = await json<{ totalSpans: number }>('stats', store, '--pipeline', 'score_loans');
    expect(score.totalSpans).toBeLessThan(st.totalSpans);
    expect((await json<{ totalSpans: number }>('stats', store, '--since-hours', '1')).totalSpans).toBe(0);
  });
});

describe('spanlens on a Flujo store: human output', () => {
  it('list prints aligned columns with marks', async () => {
    const r = await spanlens('list', store);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(m.runCount + 1);
    expect(lines[0]).toMatch(/^RUN ID {2,}PIPELINE {2,}STATUS {2,}STARTED {2,}DURATION {2,}SPANS {2,}ERROR$/);
    const paused = lines.find((l) => l.startsWith(sc.paused!))!;
    expect(paused).toMatch(/ ‖ paused +2025-11-20 \d\d:\d\d:\d\d /);
    const failed = lines.find((l) => l.startsWith(sc.failedTraceback!))!;
    expect(failed).toMatch(/✗ error .* KeyError: 'income'$/);
    const pipelineCol = lines[0]!.indexOf('PIPELINE');
    for (const l of lines.slice(1)) expect(l[pipelineCol - 1]).toBe(' ');
  });

  it('get lists candidates for a short id and summarizes a unique one', async () => {
    const many = await spanlens('get', store, 'run_');
    expect(many.code).toBe(0);
    expect(many.stdout).toMatch(new RegExp(`^${m.runCount} runs match 'run_'`));
    const one = await spanlens('get', store, sc.paused!.slice(-10));
    expect(one.stdout).toMatch(new RegExp(`^Run\\s+${sc.paused}$`, 'm'));
    expect(one.stdout).toMatch(/^Status\s+‖ paused/m);
  });

  it('show marks a parent the reader cut loose', async () => {
    const r = await spanlens('show', store, sc.strange!);
    expect(r.stdout).toMatch(/✓ ok +orphan +\S+… +0f0e0d0c… \(missing\)$/m);
    expect(r.stdout).toMatch(/✓ ok +cycle_[ab] +\S+… +\S+… \(cycle\)$/m);
    expect(r.stdout).toMatch(/^Attributes$/m);
  });

  it('show prints the traceback of the failed step', async () => {
    const r = await spanlens('show', store, sc.failedTraceback!);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Errors \(\d+\):$/m);
    expect(r.stdout).toContain('    Traceback (most recent call last):');
    expect(r.stdout).toMatch(/^\s+KeyError: 'income'$/m);
    // the span table keeps errors to one line
    expect(r.stdout).toMatch(/^\d+\s+\+\S+\s+\S+\s+✗ error\s+score_risk\s+\S+…\s+\S+…\s+KeyError: 'income'$/m);
  });

  it('trace draws the loop run as a box tree with the error on failed spans', async () => {
    const r = await spanlens('trace', store, sc.failedLoop!);
    const tree = r.stdout.slice(r.stdout.indexOf('\n\n') + 2).trimEnd().split('\n');
    expect(tree[0]).toMatch(/^✗ pipeline_run +error +\S+ +\+0ms$/);
    expect(tree).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^├─ ✓ fetch_applications +ok +\S+ +\+\S+$/),
        expect.stringMatching(/^└─ ✗ retry_scoring +error .*Loop body failed: ValueError: model returned an empty response$/),
        expect.stringMatching(/^ {3}├─ ✓ Loop 'retry_scoring' - Iteration 1 +ok/),
        expect.stringMatching(/^ {3}│ {2}└─ ✓ call_model +ok/),
        expect.stringMatching(/^ {6}└─ ✗ call_model +error .*ValueError: model returned an empty response$/),
      ]),
    );
  });

  it('trace shows strange data as it is: orphan, cycle, HTML name', async () => {
    const r = await spanlens('trace', store, sc.strange!);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^├─ ✓ orphan .*parent 0f0e0d0c-dead-4bee-8000-000000000000 not in this run$/m);
    expect(r.stdout).toMatch(/^[├└]─ ✓ cycle_[ab] .*parent cycle broken here \(parent [0-9a-f-]{36}\)$/m);
    expect(r.stdout).toContain('✓ <img src=x onerror=alert(1)>');
    expect(r.stdout).not.toContain('&lt;');
  });

  it('trace shows events recorded in the trace JSON', async () => {
    const r = await spanlens('trace', store, sc.tracesOnly!);
    expect(r.stdout).toMatch(/◦ flujo\.retry {2}reason=retry delay_seconds=0$/m);
    expect(r.stdout).toMatch(/◦ agent\.prompt {2}rendered_history=user: summarize ticket 7$/m);
  });

  it('trace marks a still-running run', async () => {
    const r = await spanlens('trace', store, sc.running!);
    expect(r.stdout).toMatch(/^● pipeline_run +running +- +\+0ms$/m);
  });

  it('spans prints a filtered table', async () => {
    const r = await spanlens('spans', store, sc.failedLoop!, '--status', 'error');
    expect(r.stdout).toMatch(/^\d+ of 7 spans in run run_\w+ \(status error\):$/m);
    expect(r.stdout).toMatch(/^ *START +DURATION +STATUS +NAME +SPAN +PARENT +ERROR$/m);
    expect(r.stdout).not.toMatch(/✓ ok/);
  });

  it('stats prints totals, statuses and per-name percentiles', async () => {
    const r = await spanlens('stats', store);
    expect(r.stdout).toMatch(/^\d+ spans in .*flujo_ops\.db$/m);
    expect(r.stdout).toMatch(/^‖ paused +1$/m);
    expect(r.stdout).toMatch(/^NAME +COUNT +AVG +P50 +P95$/m);
    expect(r.stdout).toMatch(/^<img src=x onerror=alert\(1\)> +1 /m);
  });
});

describe('spanlens on bad input: one line, exit 2, no stack', () => {
  let bad: string;
  beforeAll(() => {
    bad = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-bad-'));
    fs.writeFileSync(path.join(bad, 'notes.txt'), 'this is not a database\n'.repeat(100));
    fs.writeFileSync(path.join(bad, 'empty.db'), '');
    const bytes = fs.readFileSync(store);
    fs.writeFileSync(path.join(bad, 'truncated.db'), bytes.subarray(0, 1500));
    fs.writeFileSync(path.join(bad, 'half.db'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const corrupt = Buffer.from(bytes);
    for (let i = 4096; i < corrupt.length; i++) corrupt[i] = (i * 7919) & 0xff;
    fs.writeFileSync(path.join(bad, 'corrupt.db'), corrupt);
    fs.mkdirSync(path.join(bad, 'a-directory'));
  });
  afterAll(() => {
    if (bad) fs.rmSync(bad, { recursive: true, force: true });
  });

  const cases: Array<[string, () => string]> = [
    ['a missing file', () => path.join(bad, 'missing.db')],
    ['a text file', () => path.join(bad, 'notes.txt')],
    ['an empty file', () => path.join(bad, 'empty.db')],
    ['a database cut after its header', () => path.join(bad, 'truncated.db')],
    ['a database cut in half', () => path.join(bad, 'half.db')],
    ['a corrupt database', () => path.join(bad, 'corrupt.db')],
    ['a SQLite database without Flujo tables', () => inject('notFlujoStore')],
    ['a directory', () => path.join(bad, 'a-directory')],
  ];

  // The binary once per case (exit code, real stderr); the other verbs in-process (same code, no node start-up).
  it.each(cases)('%s names the file, for every verb', async (_what, target) => {
    const file = target();
    const results = [await spanlens('list', file), await runCli(['stats', file, '--json']), await runCli(['trace', file, 'run_x'])];
    for (const r of results) {
      const line = expectUserError(r);
      expect(line).toContain(file);
      expect(line).not.toMatch(/\bat .*\.js:\d+/);
    }
  });

  it('an unknown run id names the id and store and says what to do', async () => {
    const expected = `spanlens: no run matches 'no-such-run' in ${store} — run \`spanlens list ${store}\``;
    expect(expectUserError(await spanlens('show', store, 'no-such-run'))).toBe(expected);
    for (const verb of ['get', 'trace', 'spans']) expect(expectUserError(await runCli([verb, store, 'no-such-run']))).toBe(expected);
  });

  it('an ambiguous run id lists the candidates', async () => {
    const results = [await spanlens('trace', store, 'run_'), await runCli(['show', store, 'run_', '--json']), await runCli(['spans', store, 'run_'])];
    for (const r of results) {
      const line = expectUserError(r);
      expect(line).toContain(`'run_' is ambiguous in ${store}: ${m.runCount} runs match (run_`);
      expect(line).toContain(`and ${m.runCount - 10} more`);
    }
  });

  it('in-process main() gives the same answers as the binary', async () => {
    const file = path.join(bad, 'notes.txt');
    const [a, b] = await Promise.all([spanlens('list', file), runCli(['list', file])]);
    expect(b).toEqual(a);
  });
});
