import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openClaudeFlowStore } from '../../../src/sources/claudeflow/reader';
import { SCAN_PAGE_ROWS } from '../../../src/sources/claudeflow/scan';
import { StoreError, type TraceStore } from '../../../src/sources/types';
import { adminQuery, createClaudeFlowDatabase, utcIso, type ClaudeFlowFixture } from '../../fixtures/claudeflow';
import { fallbackDocs, movedIds, scanDocs, versions } from '../../fixtures/scanDocs';

/**
 * claude-flow's bulk scan and run versions (TraceStore.scanSpans / runVersions) against a
 * real PostgreSQL holding execution_traces as claude-flow writes it: the same docs as the
 * per-run fallback, read in keyset pages, and a version that moves with its row only.
 */
let fx: ClaudeFlowFixture;
let store: TraceStore;
const DAY = 86_400_000;
const OK_ID = '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01';
const FAILED_ID = '6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02';
const RUNNING_ID = '0b9e4d3c-2a1f-4e6d-8c7b-5a4f3e2d1c04';
const OLD_ID = 'a7d0c1b2-3e4f-4a5b-9c6d-7e8f9a0b1c07';

beforeAll(async () => {
  fx = await createClaudeFlowDatabase();
  store = await openClaudeFlowStore(fx.url, fx.url);
});

afterAll(async () => {
  await store?.close();
  await fx?.drop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The SQL this process sends through any pg.Pool from now on. */
function recordSql(): string[] {
  const seen: string[] = [];
  const original = pg.Pool.prototype.query;
  vi.spyOn(pg.Pool.prototype, 'query').mockImplementation(function (this: pg.Pool, ...args: unknown[]) {
    if (typeof args[0] === 'string') seen.push(args[0]);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original);
  return seen;
}

/** A step as claude-flow's recorder appends it. */
function stepJson(name: string, endMs: number): string {
  return JSON.stringify([{ name, timestamp: utcIso(endMs), duration_ms: 5, status: 'success' }]);
}

describe('claude-flow listRuns({ ids })', () => {
  it('lists just the named runs (unknown and out-of-window ids skipped), as listRuns() shows them', async () => {
    const all = await store.listRuns();
    const got = await store.listRuns({ ids: [FAILED_ID, OK_ID, 'no-such-run', OLD_ID] });
    expect(got.map((r) => r.id).sort()).toEqual([OK_ID, FAILED_ID].sort());
    for (const r of got) expect(r).toEqual(all.find((a) => a.id === r.id));
    expect(await store.listRuns({ ids: [] })).toEqual([]);
  });
});

describe('claude-flow scanSpans', () => {
  it('yields exactly the fallback docs for the runs listRuns lists (its 30-day window)', async () => {
    const want = await fallbackDocs(store);
    const runs = await store.listRuns();
    expect(want).toHaveLength(runs.reduce((n, r) => n + r.spanCount, 0));
    const got = await scanDocs(store);
    expect(got.docs).toEqual(want);
    expect(got.docs.some((d) => d.runId === OLD_ID)).toBe(false);
  });

  it('with runIds: exactly those runs\' docs; unknown ids and runs outside the window are skipped', async () => {
    const ids = new Set([OK_ID, RUNNING_ID, OLD_ID, 'no-such-trace']);
    const got = await scanDocs(store, ids);
    expect(got.docs).toEqual(await fallbackDocs(store, ids));
    expect(new Set(got.docs.map((d) => d.runId))).toEqual(new Set([OK_ID, RUNNING_ID]));
    expect(await scanDocs(store, new Set())).toEqual({ docs: [], batches: [] });
  });

  it('only reads (SELECT), bounded pages, never OFFSET', async () => {
    const sql = recordSql();
    await scanDocs(store);
    await scanDocs(store, new Set([OK_ID]));
    expect(sql.length).toBeGreaterThanOrEqual(2);
    for (const q of sql) {
      expect(q.trimStart()).toMatch(/^SELECT /);
      expect(q).toContain(`LIMIT ${SCAN_PAGE_ROWS}`);
      expect(q).not.toMatch(/OFFSET/i);
    }
  });

  it('an aborted signal rejects with AbortError, and no batch is delivered', async () => {
    const ac = new AbortController();
    ac.abort();
    let called = false;
    await expect(store.scanSpans!(() => (called = true), ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(called).toBe(false);
  });

  it('maps errors the way the reader does: a closed store, a table gone', async () => {
    const closed = await openClaudeFlowStore(fx.url);
    await closed.close();
    await expect(closed.scanSpans!(() => undefined)).rejects.toThrow(StoreError);
    await expect(closed.runVersions!()).rejects.toThrow(/this store was closed/);
    const s = await openClaudeFlowStore(fx.url);
    await adminQuery('ALTER TABLE execution_traces RENAME TO execution_traces_moved', [], fx.url);
    try {
      await expect(s.scanSpans!(() => undefined)).rejects.toThrow(/no execution_traces table in spanlens_test_\w+\/public/);
      await expect(s.runVersions!()).rejects.toThrow(/no execution_traces table/);
    } finally {
      await adminQuery('ALTER TABLE execution_traces_moved RENAME TO execution_traces', [], fx.url);
      await s.close();
    }
  });
});

describe('claude-flow runVersions', () => {
  it('has exactly the ids listRuns lists (the window), and the same map twice when nothing changed', async () => {
    const v = await versions(store);
    expect([...v.keys()].sort()).toEqual((await store.listRuns()).map((r) => r.id).sort());
    expect(v.has(OLD_ID)).toBe(false);
    expect(await versions(store)).toEqual(v);
  });

  it('a step appended, a status set: only that run moves; a new run comes with its own version', async () => {
    const v0 = await versions(store);
    await adminQuery(`UPDATE execution_traces SET steps = steps || $2::jsonb WHERE trace_id = $1`, [RUNNING_ID, stepJson('late-step', fx.now)], fx.url);
    const v1 = await versions(store);
    expect(movedIds(v0, v1)).toEqual([RUNNING_ID]);
    // finalize_trace: status and completed_at set, steps as they were
    await adminQuery(`UPDATE execution_traces SET status = 'timeout', completed_at = NOW() WHERE trace_id = $1`, [FAILED_ID], fx.url);
    const v2 = await versions(store);
    expect(movedIds(v1, v2)).toEqual([FAILED_ID]);
    // a step rewritten in place (same count, same status words): still a change
    await adminQuery(`UPDATE execution_traces SET steps = jsonb_set(steps, '{0,duration_ms}', '76') WHERE trace_id = $1`, [OK_ID], fx.url);
    const v3 = await versions(store);
    expect(movedIds(v2, v3)).toEqual([OK_ID]);
    await adminQuery(
      `INSERT INTO execution_traces (trace_id, skill_name, started_at, status, steps) VALUES ($1, 'late-skill', $2, 'running', $3)`,
      ['brand-new-run', utcIso(fx.now - 60_000), stepJson('first', fx.now - 30_000)],
      fx.url,
    );
    // and one too old for the window: not listed, no version
    await adminQuery(
      `INSERT INTO execution_traces (trace_id, skill_name, started_at, status, steps) VALUES ($1, 'late-skill', $2, 'success', '[]')`,
      ['too-old-run', utcIso(fx.now - 40 * DAY)],
      fx.url,
    );
    const v4 = await versions(store);
    expect(movedIds(v3, v4)).toEqual(['brand-new-run']);
    expect([...v4.keys()].sort()).toEqual((await store.listRuns()).map((r) => r.id).sort());
    // what search re-indexes: the moved runs' docs, as a full scan has them now
    const moved = new Set(movedIds(v0, v4));
    expect(moved).toEqual(new Set([RUNNING_ID, FAILED_ID, OK_ID, 'brand-new-run']));
    const got = await scanDocs(store, moved);
    expect(got.docs).toEqual(await fallbackDocs(store, moved));
    expect(got.docs.find((d) => d.runId === RUNNING_ID && d.name === 'late-step')).toBeDefined();
    expect((await scanDocs(store)).docs).toEqual(await fallbackDocs(store));
  });

  it('one query that reads no steps value', async () => {
    const sql = recordSql();
    await versions(store);
    expect(sql).toHaveLength(1);
    expect(sql[0]).not.toMatch(/steps/);
    expect(sql[0]).toMatch(/^SELECT /);
  });

  it('an id with two rows (the key is trace_id + started_at) has one version, moved by either row', async () => {
    const dup = 'trace-1763700000-xay3';
    await adminQuery(
      `INSERT INTO execution_traces (trace_id, skill_name, started_at, status, steps) VALUES ($1, 'id-lab', $2, 'success', '[]')`,
      [dup, utcIso(fx.now - 2 * DAY)],
      fx.url,
    );
    try {
      const v0 = await versions(store);
      expect(v0.get(dup)).toMatch(/\|/);
      expect(await versions(store)).toEqual(v0);
      await adminQuery(`UPDATE execution_traces SET status = 'failed' WHERE trace_id = $1 AND started_at < $2`, [dup, utcIso(fx.now - DAY)], fx.url);
      expect(movedIds(v0, await versions(store))).toEqual([dup]);
    } finally {
      await adminQuery(`DELETE FROM execution_traces WHERE trace_id = $1 AND started_at < $2`, [dup, utcIso(fx.now - DAY)], fx.url);
    }
  });

  it('through a view (no xmin): versions from the row\'s content, still moving with its steps', async () => {
    await adminQuery('CREATE SCHEMA cfview; CREATE VIEW cfview.execution_traces AS SELECT * FROM public.execution_traces', [], fx.url);
    const s = await openClaudeFlowStore(`${fx.url}?schema=cfview`);
    try {
      const v0 = await versions(s);
      expect([...v0.keys()].sort()).toEqual((await s.listRuns()).map((r) => r.id).sort());
      expect(await versions(s)).toEqual(v0);
      await adminQuery(`UPDATE execution_traces SET steps = steps || $2::jsonb WHERE trace_id = $1`, [RUNNING_ID, stepJson('view-step', fx.now)], fx.url);
      expect(movedIds(v0, await versions(s))).toEqual([RUNNING_ID]);
      expect((await scanDocs(s)).docs).toEqual(await fallbackDocs(s));
    } finally {
      await s.close();
      await adminQuery('DROP SCHEMA cfview CASCADE', [], fx.url);
    }
  });
});

describe('claude-flow scanSpans over several pages', () => {
  let big: ClaudeFlowFixture;
  let s: TraceStore;
  const EXTRA = 2 * SCAN_PAGE_ROWS + 100;

  beforeAll(async () => {
    big = await createClaudeFlowDatabase();
    // Runs of 5 steps a minute apart; ids chosen so pages end inside the fixture's own ids too.
    await adminQuery(
      `INSERT INTO execution_traces (trace_id, skill_name, started_at, completed_at, total_duration_ms, status, steps)
       SELECT 'page-' || lpad(i::text, 5, '0'), 'paging', s, s + interval '1 second', 50, 'success',
              (SELECT jsonb_agg(jsonb_build_object('name', 'p' || k, 'timestamp', to_char(s + k * interval '10 ms', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                 'duration_ms', 10, 'status', 'success')) FROM generate_series(1, 5) k)
       FROM generate_series(1, $1::int) i, LATERAL (SELECT ($2::timestamptz AT TIME ZONE 'UTC') - i * interval '1 minute' AS s) t`,
      [EXTRA, new Date(big.now).toISOString()],
      big.url,
    );
    s = await openClaudeFlowStore(big.url);
  });

  afterAll(async () => {
    await s?.close();
    await big?.drop();
  });

  it('every row once, in pages of SCAN_PAGE_ROWS, docs as the fallback has them, batches of about 5000', async () => {
    const sql = recordSql();
    const got = await scanDocs(s);
    const pages = sql.filter((q) => q.includes(`LIMIT ${SCAN_PAGE_ROWS}`));
    const rows = (await s.listRuns()).length;
    expect(rows).toBeGreaterThan(EXTRA);
    expect(pages).toHaveLength(Math.floor(rows / SCAN_PAGE_ROWS) + 1);
    expect(got.docs).toEqual(await fallbackDocs(s));
    expect(got.batches.length).toBeGreaterThan(1);
    for (const b of got.batches.slice(0, -1)) expect(b).toBeGreaterThanOrEqual(5000);
    for (const b of got.batches) expect(b).toBeLessThan(5000 + 100);
  });

  it('aborted from the first batch\'s callback: rejects with AbortError, no batch after it', async () => {
    const ac = new AbortController();
    const sizes: number[] = [];
    const scan = s.scanSpans!((b) => {
      sizes.push(b.length);
      ac.abort();
    }, ac.signal);
    await expect(scan).rejects.toMatchObject({ name: 'AbortError' });
    expect(sizes).toHaveLength(1);
  });
});
