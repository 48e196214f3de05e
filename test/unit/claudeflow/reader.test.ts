import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../../src/analysis/tree';
import type { Run, Span } from '../../../src/model/types';
import { openClaudeFlowStore, MAX_PARTIAL_MATCHES } from '../../../src/sources/claudeflow/reader';
import { ROOT_SPAN_ID, STEP_INDEX_KEY } from '../../../src/sources/claudeflow/steps';
import { detectFormat } from '../../../src/sources/detect';
import { openStore } from '../../../src/sources/open';
import { StoreError, type TraceStore } from '../../../src/sources/types';
import { adminQuery, createClaudeFlowDatabase, type ClaudeFlowFixture } from '../../fixtures/claudeflow';

/**
 * The claude-flow reader against a real PostgreSQL: a fresh database holding
 * execution_traces exactly as claude-flow's migration makes it, rows written as
 * claude-flow writes them (test/fixtures/claudeflow.ts), dropped afterwards.
 */
let fx: ClaudeFlowFixture;
let store: TraceStore;
const DAY = 86_400_000;

beforeAll(async () => {
  fx = await createClaudeFlowDatabase();
  store = await openClaudeFlowStore(fx.url, fx.url);
});

afterAll(async () => {
  await store?.close();
  await fx?.drop();
});

/** Ids of the fixture's traces started within the last 30 days, newest first. */
function expectedRecent(filter: (t: ClaudeFlowFixture['traces'][number]) => boolean = () => true): string[] {
  return fx.traces
    .filter((t) => t.startMs >= fx.now - 30 * DAY && filter(t))
    .sort((a, b) => b.startMs - a.startMs || (a.id < b.id ? 1 : -1))
    .map((t) => t.id);
}

describe('listRuns', () => {
  it('lists the last 30 days by default, newest first; the 45-day-old trace is not listed', async () => {
    const runs = await store.listRuns();
    expect(runs.map((r) => r.id)).toEqual(expectedRecent());
    expect(runs.map((r) => r.id)).not.toContain('a7d0c1b2-3e4f-4a5b-9c6d-7e8f9a0b1c07');
    // The 25-day-old one sits in an earlier monthly partition and is listed.
    expect(runs.map((r) => r.id)).toContain('a7d0c1b2-3e4f-4a5b-9c6d-7e8f9a0b1c06');
  });

  it('reads an older window when asked (sinceMs), and all of it with sinceMs 0', async () => {
    const runs = await store.listRuns({ sinceMs: fx.now - 60 * DAY });
    expect(runs.map((r) => r.id)).toContain('a7d0c1b2-3e4f-4a5b-9c6d-7e8f9a0b1c07');
    expect((await store.listRuns({ sinceMs: 0 })).length).toBe(fx.traces.length);
    const recent = await store.listRuns({ sinceMs: fx.now - 90 * 60_000 });
    expect(recent.map((r) => r.id)).toEqual(['0b9e4d3c-2a1f-4e6d-8c7b-5a4f3e2d1c04', '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01']);
  });

  it('maps a run: id, skill as name, statuses, UTC start, duration, metadata, error, span count', async () => {
    const runs = await store.listRuns({ sinceMs: 0 });
    const byId = new Map(runs.map((r) => [r.id, r]));
    const ok = byId.get('6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01')!;
    const t = fx.byId[ok.id]!;
    expect(ok).toEqual<Run>({
      id: t.id,
      store: fx.url,
      name: 'docker-build',
      status: 'ok',
      rawStatus: 'success',
      startMs: t.startMs,
      durationMs: 1575,
      spanCount: 4,
      attributes: { user: 'alice', execution_id: 'exec-001', env: { ci: true, runner: 'gh' }, tags: ['nightly'] },
    });
    expect(byId.get('6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02')).toMatchObject({
      status: 'error',
      rawStatus: 'failed',
      error: 'connection timeout to registry.example.com:443',
      durationMs: 530,
      spanCount: 3,
    });
    // timeout is an error that keeps its own word; claude-flow stores no message for it.
    expect(byId.get('6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c03')).toMatchObject({
      status: 'error',
      rawStatus: 'timeout',
      error: 'timed out',
    });
    const running = byId.get('0b9e4d3c-2a1f-4e6d-8c7b-5a4f3e2d1c04')!;
    expect(running).toMatchObject({ status: 'running', rawStatus: 'running', attributes: { shard: 2 } });
    expect(running.durationMs).toBeUndefined();
    expect(running.error).toBeUndefined();
    // No total_duration_ms: completed_at (the writer's NOW() in the server's New York time) minus
    // started_at (UTC) — right only when each is read in its own zone.
    const noTotal = byId.get('c0ffee00-0000-4000-8000-00000000c0de')!;
    const t2 = fx.byId[noTotal.id]!;
    expect(noTotal.durationMs).toBeCloseTo(t2.endMs - t2.startMs, 0);
    for (const r of runs) {
      expect(r.startMs).toBe(fx.byId[r.id]!.startMs);
      expect(r.store).toBe(fx.url);
    }
  });

  it('cuts at exactly sinceMs, in UTC, whatever the server\'s zone', async () => {
    const t = fx.byId['6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02']!;
    const at = await store.listRuns({ sinceMs: t.startMs, pipeline: 'docker-build' });
    expect(at.map((r) => r.id)).toContain(t.id);
    const after = await store.listRuns({ sinceMs: t.startMs + 1, pipeline: 'docker-build' });
    expect(after.map((r) => r.id)).not.toContain(t.id);
  });

  it('filters by skill and by status in the database (ok, error = failed|timeout, running, paused, unset)', async () => {
    const build = await store.listRuns({ pipeline: 'docker-build' });
    expect(build.map((r) => r.id)).toEqual(expectedRecent((t) => t.skill === 'docker-build'));
    const errors = await store.listRuns({ status: 'error' });
    expect(errors.map((r) => r.id)).toEqual(expectedRecent((t) => t.status === 'failed' || t.status === 'timeout'));
    expect(errors.some((r) => r.rawStatus === 'timeout')).toBe(true);
    expect((await store.listRuns({ status: 'ok', pipeline: 'docker-build' })).map((r) => r.id)).toEqual([
      '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01',
    ]);
    expect((await store.listRuns({ status: 'running' })).map((r) => r.id)).toEqual(['0b9e4d3c-2a1f-4e6d-8c7b-5a4f3e2d1c04']);
    expect(await store.listRuns({ status: 'paused' })).toEqual([]);
    expect(await store.listRuns({ status: 'unset' })).toEqual([]);
    expect(await store.listRuns({ pipeline: 'no-such-skill' })).toEqual([]);
  });

  it('pages with limit and offset in the database', async () => {
    const all = expectedRecent((t) => t.skill === 'bulk');
    expect(all.length).toBe(30);
    const page2 = await store.listRuns({ pipeline: 'bulk', limit: 10, offset: 10 });
    expect(page2.map((r) => r.id)).toEqual(all.slice(10, 20));
    expect((await store.listRuns({ limit: 3 })).map((r) => r.id)).toEqual(expectedRecent().slice(0, 3));
    expect(await store.listRuns({ limit: 0 })).toEqual([]);
    expect((await store.listRuns({ pipeline: 'bulk', offset: 28 })).map((r) => r.id)).toEqual(all.slice(28));
  });

  it('sends the filters, order and limit to the server (the plan reads only the partitions in the window)', async () => {
    // EXPLAIN the reader's own query shape: the cut-off prunes the older monthly partitions.
    const since = new Date(fx.now - 3_600_000).toISOString();
    const plan = await adminQuery(
      `EXPLAIN (COSTS OFF) SELECT trace_id FROM execution_traces WHERE started_at >= ($1::timestamptz AT TIME ZONE 'UTC') ` +
        `AND skill_name = $2 ORDER BY started_at DESC LIMIT 5`,
      [since, 'bulk'],
      fx.url,
    );
    const text = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Limit/);
    expect(text).not.toMatch(/execution_traces_2025_11/);
  });
});

describe('getSpans', () => {
  it('builds a root span for the trace (named by the skill) with one child per step, offsets from the step timestamps', async () => {
    const id = '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01';
    const spans = await store.getSpans(id);
    expect(spans.map((s) => [s.id, s.parentId, s.name])).toEqual([
      [ROOT_SPAN_ID, null, 'docker-build'],
      ['step-1', ROOT_SPAN_ID, 'validate-input'],
      ['step-2', ROOT_SPAN_ID, 'build-image'],
      ['step-3', ROOT_SPAN_ID, 'push-image'],
    ]);
    const [root, a, b, c] = spans as [Span, Span, Span, Span];
    expect(root).toMatchObject({ runId: id, status: 'ok', rawStatus: 'success', startOffsetMs: 0, attributes: { user: 'alice' } });
    // Each step started duration_ms before its timestamp (taken when it ended).
    expect(a.startOffsetMs).toBeCloseTo(0.25, 3);
    expect(b.startOffsetMs).toBeCloseTo(75 + 0.25 + 5 + 0.25, 3);
    expect(c.startOffsetMs).toBeCloseTo(75 + 0.25 + 5 + 0.25 + 1200 + 10 + 0.25, 3);
    expect([a.durationMs, b.durationMs, c.durationMs]).toEqual([75, 1200, 300]);
    // The root covers its steps (total_duration_ms, 1575, is their sum without the gaps).
    expect(root.durationMs).toBeCloseTo(c.startOffsetMs + 300, 3);
    expect(a).toMatchObject({ status: 'ok', rawStatus: 'success', events: [] });
    expect(a.attributes[STEP_INDEX_KEY]).toBe(0);
    expect(a.attributes['timestamp']).toBe(fx.byId[id]!.stepsJson[0]!['timestamp']);
    const tree = buildSpanTree(spans);
    expect(tree.length).toBe(1);
    expect(tree[0]!.children.map((n) => n.name)).toEqual(['validate-input', 'build-image', 'push-image']);
  });

  it('carries a failed step\'s error_message and the trace\'s error on the root', async () => {
    const spans = await store.getSpans('6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02');
    expect(spans[0]).toMatchObject({ status: 'error', rawStatus: 'failed', error: { message: 'connection timeout to registry.example.com:443' } });
    expect(spans[2]).toMatchObject({
      name: 'build-image',
      status: 'error',
      rawStatus: 'failed',
      error: { message: 'connection timeout to registry.example.com:443' },
    });
    expect(spans[2]!.attributes['error_message']).toBeUndefined();
    expect(spans[1]!.error).toBeUndefined();
  });

  it('leaves a running trace\'s root open', async () => {
    const spans = await store.getSpans('0b9e4d3c-2a1f-4e6d-8c7b-5a4f3e2d1c04');
    expect(spans[0]).toMatchObject({ status: 'running', name: 'test-runner' });
    expect(spans[0]!.durationMs).toBeUndefined();
    expect(spans[1]).toMatchObject({ name: 'collect', durationMs: 40, status: 'ok' });
  });

  it('reads steps in the shape the migration comment describes ({step, started_at, completed_at})', async () => {
    const id = 'c0ffee00-0000-4000-8000-00000000c0de';
    const spans = await store.getSpans(id);
    expect(spans.map((s) => s.name)).toEqual(['comment-shape', 'fetch', 'parse']);
    expect(spans[1]!.durationMs).toBeCloseTo(200, 3);
    expect(spans[2]!.startOffsetMs).toBeCloseTo(200.5, 3);
    expect(spans[2]).toMatchObject({ status: 'error', error: { message: 'unexpected token' } });
  });

  it('finds a trace older than the window by its id', async () => {
    const spans = await store.getSpans('a7d0c1b2-3e4f-4a5b-9c6d-7e8f9a0b1c07');
    expect(spans.map((s) => s.name)).toEqual(['deploy', 'apply']);
  });

  it('says which id is unknown, as a StoreError naming the store', async () => {
    const err = await store.getSpans('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toBe(`${fx.url}: no run with id 'nope' — list the runs to see which ids exist`);
  });

  it('agrees with spanCount', async () => {
    for (const r of await store.listRuns({ pipeline: 'docker-build' })) {
      expect((await store.getSpans(r.id)).length).toBe(r.spanCount);
    }
  });
});

describe('findRuns', () => {
  it('prefers an exact id, else matches any part case-insensitively', async () => {
    expect((await store.findRuns('6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01')).map((r) => r.id)).toEqual([
      '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01',
    ]);
    const some = await store.findRuns('6F1C2A7E');
    expect(some.map((r) => r.id).sort()).toEqual([
      '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01',
      '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02',
      '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c03',
    ]);
    expect(await store.findRuns('zzzz')).toEqual([]);
    expect(await store.findRuns('  ')).toEqual([]);
    // Any age: the 45-day-old trace is found.
    expect((await store.findRuns('9a0b1c07')).map((r) => r.id)).toEqual(['a7d0c1b2-3e4f-4a5b-9c6d-7e8f9a0b1c07']);
  });

  it('treats %, _ and ! the user types as text, not wildcards', async () => {
    expect((await store.findRuns('x_y')).map((r) => r.id)).toEqual(['trace-1763700000-x_y1']);
    expect((await store.findRuns('x%y')).map((r) => r.id)).toEqual(['trace-1763700000-x%y2']);
    expect((await store.findRuns('%')).map((r) => r.id)).toEqual(['trace-1763700000-x%y2']);
    expect((await store.findRuns('_')).map((r) => r.id)).toEqual(['trace-1763700000-x_y1']);
    expect(await store.findRuns('x!y')).toEqual([]);
    expect((await store.findRuns('1763700000-x')).length).toBe(3);
    expect(MAX_PARTIAL_MATCHES).toBeGreaterThan(100);
  });
});

describe('spanSummaries', () => {
  it('summarizes root and step spans of the last 30 days, the same spans getSpans builds', async () => {
    const sums = await store.spanSummaries();
    const runs = await store.listRuns();
    expect(sums.length).toBe(runs.reduce((a, r) => a + r.spanCount, 0));
    expect(new Set(sums.map((s) => s.runId))).toEqual(new Set(runs.map((r) => r.id)));
    const id = '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02';
    const spans = await store.getSpans(id);
    expect(sums.filter((s) => s.runId === id)).toEqual(
      spans.map((s) => ({ runId: s.runId, name: s.name, status: s.status, ...(s.durationMs === undefined ? {} : { durationMs: s.durationMs }) })),
    );
  });

  it('takes the skill and time window', async () => {
    const build = await store.spanSummaries({ pipeline: 'docker-build' });
    expect(build.map((s) => s.name).sort()).toEqual(
      ['docker-build', 'docker-build', 'docker-build', 'validate-input', 'validate-input', 'validate-input', 'build-image', 'build-image', 'push-image'].sort(),
    );
    expect(build.filter((s) => s.status === 'error').map((s) => s.name).sort()).toEqual(['build-image', 'docker-build', 'docker-build']);
    const old = await store.spanSummaries({ pipeline: 'deploy', sinceMs: 0 });
    expect(old.length).toBe(4);
    expect(await store.spanSummaries({ pipeline: 'deploy', sinceMs: fx.now })).toEqual([]);
  });
});

describe('openStore and detection', () => {
  it('detects postgres:// and postgresql:// URLs as claude-flow', async () => {
    expect(await detectFormat('postgres://u@h/db')).toEqual({ kind: 'store', format: 'claude-flow' });
    expect(await detectFormat('POSTGRESQL://u@h/db')).toEqual({ kind: 'store', format: 'claude-flow' });
  });

  it('opens a claude-flow store through openStore, with the password option', async () => {
    const s = await openStore(fx.url, { password: 'from-secret-storage' });
    try {
      expect(s.format).toBe('claude-flow');
      expect(s.id).toBe(fx.url);
      expect((await s.listRuns({ limit: 1 })).length).toBe(1);
    } finally {
      await s.close();
    }
    const forced = await openStore(fx.url, { format: 'claude-flow' });
    await forced.close();
  });

  it('drops a password in the URL from the store id and Run.store', async () => {
    const withPw = fx.url.replace('postgres@', 'postgres:hunter2-secret@');
    const s = await openClaudeFlowStore(withPw, withPw);
    try {
      expect(s.id).toBe(fx.url);
      const [run] = await s.listRuns({ limit: 1 });
      expect(run!.store).toBe(fx.url);
      expect(JSON.stringify(run)).not.toContain('hunter2');
    } finally {
      await s.close();
    }
  });

  it('reads a table in another schema with ?schema= (and ?search_path=)', async () => {
    await adminQuery('CREATE SCHEMA cfn; ALTER TABLE execution_traces SET SCHEMA cfn', [], fx.url);
    try {
      const err = await openClaudeFlowStore(fx.url).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/no execution_traces table in spanlens_test_\w+\/public/);
      for (const q of ['?schema=cfn', '?search_path=cfn']) {
        const s = await openClaudeFlowStore(fx.url + q);
        try {
          expect((await s.listRuns()).length).toBe(expectedRecent().length);
        } finally {
          await s.close();
        }
      }
    } finally {
      await adminQuery('ALTER TABLE cfn.execution_traces SET SCHEMA public; DROP SCHEMA cfn', [], fx.url);
    }
  });

  it('connects read-only, as application_name spanlens', async () => {
    const s = await openClaudeFlowStore(fx.url);
    try {
      await s.listRuns({ limit: 1 });
      const res = await adminQuery(
        `SELECT application_name FROM pg_stat_activity WHERE datname = $1 AND application_name = 'spanlens'`,
        [fx.database],
      );
      expect(res.rowCount).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
