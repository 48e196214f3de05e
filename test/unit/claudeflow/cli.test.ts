import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run, Span, SpanNode } from '../../../src/model/types';
import { createClaudeFlowDatabase, type ClaudeFlowFixture } from '../../fixtures/claudeflow';
import { expectUserError, runCli } from '../cli/run-cli';

/**
 * The spanlens CLI, in-process (main(argv, io)), with a postgres:// URL as <store>:
 * detection picks the claude-flow reader; the URL's password never reaches the output.
 */
let fx: ClaudeFlowFixture;
let url: string;
const PW = 'cli-Secret-42';

beforeAll(async () => {
  fx = await createClaudeFlowDatabase();
  url = fx.url.replace('postgres@', `postgres:${PW}@`);
});

afterAll(async () => {
  await fx?.drop();
});

async function cli(...argv: string[]) {
  const r = await runCli(argv, { now: () => fx.now });
  expect(r.stdout + r.stderr).not.toContain(PW);
  return r;
}

describe('spanlens <verb> postgres://…', () => {
  it('list: a table of the newest runs, the store named without its password', async () => {
    const r = await cli('list', url, '--limit', '5');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^RUN ID\s+PIPELINE\s+STATUS/);
    expect(lines[1]).toMatch(/^0b9e4d3c-2a1f-4e6d-8c7b-5a4f3e2d1c04\s+test-runner\s+● running/);
    expect(r.stdout).toContain('connection timeout to registry.example.com:443');
    expect(r.stdout).toContain(`spanlens list ${fx.url} --limit 0`);
  });

  it('list --json with --status and --pipeline, filtered by the database', async () => {
    const r = await cli('list', url, '--status', 'error', '--pipeline', 'docker-build', '--json');
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.stdout) as Run[];
    expect(runs.map((x) => [x.id, x.rawStatus])).toEqual([
      ['6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02', 'failed'],
      ['6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c03', 'timeout'],
    ]);
    expect(runs.every((x) => x.store === fx.url)).toBe(true);
    const recent = JSON.parse((await cli('list', url, '--since-hours', '1.5', '--json')).stdout) as Run[];
    expect(recent.map((x) => x.id)).toEqual(['0b9e4d3c-2a1f-4e6d-8c7b-5a4f3e2d1c04', '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01']);
  });

  it('get: by a part of the id; %, _ are text', async () => {
    const one = await cli('get', url, 'x_y');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Run\s+trace-1763700000-x_y1$/m);
    expect(one.stdout).toMatch(/^Pipeline\s+id-lab$/m);
    const many = await cli('get', url, '6f1c2a7e', '--json');
    expect((JSON.parse(many.stdout) as Run[]).length).toBe(3);
  });

  it('show: the run and its spans, errors last', async () => {
    const r = await cli('show', url, '5c02');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Run\s+6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02$/m);
    expect(r.stdout).toMatch(/^Status\s+✗ error \(failed\)$/m);
    expect(r.stdout).toMatch(/^\s+user\s+bob$/m);
    expect(r.stdout).toContain('3 spans:');
    expect(r.stdout).toMatch(/build-image\s+step-2\s+root\s+connection timeout/);
    const json = JSON.parse((await cli('show', url, '5c02', '--json')).stdout) as { run: Run; spans: Span[] };
    expect(json.spans.map((s) => s.name)).toEqual(['docker-build', 'validate-input', 'build-image']);
  });

  it('trace: the tree under the skill\'s root span', async () => {
    const r = await cli('trace', url, '5c01');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ docker-build\s/m);
    expect(r.stdout).toMatch(/^├─ ✓ validate-input/m);
    expect(r.stdout).toMatch(/^└─ ✓ push-image/m);
    const json = JSON.parse((await cli('trace', url, '5c01', '--json')).stdout) as { root: SpanNode };
    expect(json.root.children.map((c) => c.name)).toEqual(['validate-input', 'build-image', 'push-image']);
  });

  it('spans: filtered by status', async () => {
    const r = await cli('spans', url, '5c02', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Span[]).map((s) => s.id)).toEqual(['root', 'step-1', 'step-2']);
    const failed = await cli('spans', url, '5c02', '--status', 'error', '--json');
    expect((JSON.parse(failed.stdout) as Span[]).map((s) => [s.id, s.error?.message])).toEqual([
      ['root', 'connection timeout to registry.example.com:443'],
      ['step-2', 'connection timeout to registry.example.com:443'],
    ]);
  });

  it('stats: per span name, from the database\'s summaries', async () => {
    const r = await cli('stats', url, '--pipeline', 'docker-build', '--json');
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout) as { totalSpans: number; byStatus: Record<string, number>; byName: Array<{ name: string; count: number }> };
    expect(stats.totalSpans).toBe(9);
    expect(stats.byStatus).toMatchObject({ ok: 6, error: 3 });
    expect(Object.fromEntries(stats.byName.map((n) => [n.name, n.count]))).toEqual({
      'docker-build': 3,
      'validate-input': 3,
      'build-image': 2,
      'push-image': 1,
    });
    const human = await cli('stats', url);
    expect(human.stdout).toMatch(new RegExp(`^\\d+ spans in ${fx.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('bad input: one line on stderr, exit 2, no password', async () => {
    const down = expectUserError(await cli('list', `postgres://cfn:${PW}@127.0.0.1:1/cfn`));
    expect(down).toBe('spanlens: postgres://cfn@127.0.0.1:1/cfn: cannot reach PostgreSQL at 127.0.0.1:1 (connection refused) — is the server running? Refresh to retry');
    const noDb = expectUserError(await cli('stats', url.replace(fx.database, 'spanlens_no_such_db')));
    expect(noDb).toMatch(/: no database 'spanlens_no_such_db' on 127\.0\.0\.1:5432 — check the database name in the URL$/);
    const noRun = expectUserError(await cli('show', url, 'nope'));
    expect(noRun).toBe(`spanlens: no run matches 'nope' in ${fx.url} — run \`spanlens list ${fx.url}\``);
    const ambiguous = expectUserError(await cli('trace', url, '6f1c2a7e'));
    expect(ambiguous).toMatch(/run id '6f1c2a7e' is ambiguous .* 3 runs match/);
  });
});
