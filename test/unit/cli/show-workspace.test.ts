import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listWorkspaceFiles, workspaceSources } from '../../../src/cli/workspace';
import type { Span } from '../../../src/model/types';
import { expectUserError, runCli } from './run-cli';

/**
 * `spanlens show --workspace DIR` on the Flujo fixture store: its failed score_risk's traceback
 * was recorded on CI (/home/ci/project/pipelines/enrich.py, line 24); DIR is a checkout of that
 * project somewhere else, so the path maps by its suffix.
 */
const store = inject('flujoStore');
const sc = inject('flujoManifest').scenarios as Record<string, string>;
let ws: string;

const ENRICH = [
  '"""enrich_customers"""',
  'from flujo import Step, step',
  '',
  '',
  '@step',
  'async def load_customers(batch):',
  '    return []',
  ...Array.from({ length: 16 }, () => ''),
  'def score_risk(rows):',
  '    ratio = row["debt"] / row["income"]', // line 24
  '',
].join('\n');

beforeAll(() => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-ws-'));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), text);
  };
  write('pipelines/enrich.py', ENRICH);
  write('pipelines/__init__.py', '');
  // Never looked at: a dependency with the same file name and a virtual environment.
  write('node_modules/x/pipelines/enrich.py', 'def score_risk(): pass\n');
  write('.venv/lib/python3.12/site-packages/flujo/application/core/agents/agent_execution_runner.py', '# flujo\n');
});

afterAll(() => {
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

interface JSpan {
  name: string;
  status: string;
  source?: { path: string; line: number; column?: number; guess?: boolean };
}

describe('spanlens show --workspace', () => {
  it('lists the workspace without dependencies or virtual environments', () => {
    expect(listWorkspaceFiles(ws)).toEqual(['pipelines/__init__.py', 'pipelines/enrich.py']);
  });

  it('--json: the failed span carries its source relative to DIR, mapped from the CI path', async () => {
    const r = await runCli(['show', store, sc.failedTraceback!, '--workspace', ws, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const spans = (JSON.parse(r.stdout) as { spans: JSpan[] }).spans;
    const failed = spans.find((s) => s.name === 'score_risk')!;
    expect(failed.status).toBe('error');
    expect(failed.source).toEqual({ path: 'pipelines/enrich.py', line: 24 });
    // A span with no recorded location: found by its step name, and said to be a guess.
    expect(spans.find((s) => s.name === 'load_customers')?.source).toEqual({ path: 'pipelines/enrich.py', line: 6, column: 11, guess: true });
    // Nothing in DIR defines the pipeline's root span.
    expect(spans.find((s) => s.name === 'pipeline_run')?.source).toBeUndefined();
  });

  it('without --workspace nothing changes', async () => {
    const r = await runCli(['show', store, sc.failedTraceback!, '--json']);
    const spans = (JSON.parse(r.stdout) as { spans: JSpan[] }).spans;
    expect(spans.some((s) => 'source' in s)).toBe(false);
    const text = await runCli(['show', store, sc.failedTraceback!]);
    expect(text.stdout).not.toMatch(/SOURCE|source:/i);
  });

  it('human output: a source column and a source line under the error', async () => {
    const r = await runCli(['show', store, sc.failedTraceback!, '--workspace', ws]);
    expect(r.code).toBe(0);
    const header = r.stdout.split('\n').find((l) => /^\s*#\s/.test(l))!;
    expect(header).toMatch(/\bsource\s*$/i);
    const row = r.stdout.split('\n').find((l) => l.includes('score_risk') && l.includes('pipelines/enrich.py:24'));
    expect(row).toBeDefined();
    expect(r.stdout).toContain('    source: pipelines/enrich.py:24\n');
    expect(r.stdout).toContain('pipelines/enrich.py:6:11 (guess)');
  });

  it('a DIR that is not a folder is one line on stderr, exit 2', async () => {
    const msg = expectUserError(await runCli(['show', store, sc.failedTraceback!, '--workspace', path.join(ws, 'missing')]));
    expect(msg).toMatch(/--workspace .*missing: not a folder/);
    expectUserError(await runCli(['show', store, sc.failedTraceback!, '--workspace', path.join(ws, 'pipelines', 'enrich.py')]));
  });

  it('a path that matches two files equally is left unresolved rather than guessed', () => {
    const two = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-ws2-'));
    try {
      for (const d of ['a', 'b']) {
        fs.mkdirSync(path.join(two, d, 'pipelines'), { recursive: true });
        fs.writeFileSync(path.join(two, d, 'pipelines', 'enrich.py'), '\n');
      }
      const span: Span = {
        id: 's', runId: 'r', parentId: null, name: 'x-not-a-step', status: 'error', rawStatus: 'failed', startOffsetMs: 0,
        attributes: {}, events: [],
        error: { message: 'boom', stack: 'Traceback (most recent call last):\n  File "/ci/pipelines/enrich.py", line 3, in f\nValueError: boom' },
      };
      expect(workspaceSources(two).locate(span)).toBeUndefined();
      expect(workspaceSources(path.join(two, 'a')).locate(span)).toEqual({ path: 'pipelines/enrich.py', line: 3 });
    } finally {
      fs.rmSync(two, { recursive: true, force: true });
    }
  });
});
