import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { computeStats, groupSummaries, storeStats } from '../../../src/analysis/stats';
import { STATUSES, type SpanNameGroup, type SpanSummary } from '../../../src/model/types';
import { openFlujoStore } from '../../../src/sources/flujo/reader';
import type { SpanSummaryQuery, TraceStore } from '../../../src/sources/types';
import { py, tempDir } from '../sqlite/helpers';

const file = inject('flujoStore');
let store: TraceStore;
const dirs: string[] = [];

beforeAll(async () => {
  store = await openFlujoStore(file);
});
afterAll(async () => {
  await store.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Groups in a comparable form: by name, durations ascending. */
function normalized(groups: SpanNameGroup[]): Array<[string, Record<string, number>, number[]]> {
  return groups
    .map((g): [string, Record<string, number>, number[]] => [g.name, g.byStatus, [...g.durationsMs].sort((a, b) => a - b)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Stats the long way: every span summary, plain arrays, a comparator sort, nearest rank by hand. */
function straightforward(summaries: SpanSummary[]): ReturnType<typeof computeStats> {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, summaries.filter((x) => x.status === s).length]));
  const names = [...new Set(summaries.map((x) => x.name))];
  const byName = names.map((name) => {
    const mine = summaries.filter((x) => x.name === name);
    const ds = mine.flatMap((x) => (x.durationMs !== undefined && Number.isFinite(x.durationMs) ? [x.durationMs] : []));
    ds.sort((a, b) => a - b);
    const rank = (p: number): number | null => (ds.length === 0 ? null : ds[Math.max(1, Math.ceil((p / 100) * ds.length)) - 1]!);
    return {
      name,
      count: mine.length,
      avgMs: ds.length === 0 ? null : ds.reduce((a, b) => a + b, 0) / ds.length,
      p50Ms: rank(50),
      p95Ms: rank(95),
    };
  });
  byName.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  return { totalSpans: summaries.length, byStatus: byStatus as ReturnType<typeof computeStats>['byStatus'], byName };
}

describe('spanGroups (Flujo)', () => {
  it('folds exactly the spans spanSummaries lists, for every filter', async () => {
    const runs = await store.listRuns();
    const queries: SpanSummaryQuery[] = [{}, { pipeline: 'score_loans' }, { pipeline: 'no such pipeline' }, { sinceMs: runs[3]!.startMs! }];
    for (const q of queries) {
      const summaries = await store.spanSummaries(q);
      const groups = await store.spanGroups!(q);
      expect(normalized(groups)).toEqual(normalized(groupSummaries(summaries)));
    }
  });

  it('gives the stats a straightforward computation gives on the fixture store', async () => {
    for (const q of [{}, { pipeline: 'score_loans' }] as SpanSummaryQuery[]) {
      const summaries = await store.spanSummaries(q);
      expect(summaries.length).toBeGreaterThan(0);
      const stats = await storeStats(store, q);
      expect(stats).toEqual(straightforward(summaries));
      expect(stats).toEqual(computeStats(summaries));
    }
  });

  it("counts what every run's spans hold (trace-tree and steps runs included)", async () => {
    const runs = await store.listRuns();
    const count = new Map<string, number>();
    for (const r of runs) for (const s of await store.getSpans(r.id)) count.set(`${s.name}\u0000${s.status}`, (count.get(`${s.name}\u0000${s.status}`) ?? 0) + 1);
    const fromGroups = new Map<string, number>();
    for (const g of await store.spanGroups!()) for (const s of STATUSES) if (g.byStatus[s] > 0) fromGroups.set(`${g.name}\u0000${s}`, g.byStatus[s]);
    expect(fromGroups).toEqual(count);
  });

  it('reads odd names and status words exactly as the per-span path does', async () => {
    // Statuses as Flujo writes them, and as other writers or hand edits leave them.
    const dir = tempDir('spanlens-groups-');
    dirs.push(dir);
    const db = path.join(dir, 'odd.db');
    py(
      `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute('create table runs(run_id text primary key, pipeline_name text, status text, created_at text)')
c.execute('create table spans(id integer primary key, run_id text, span_id text, parent_span_id text, name, start_time real, end_time real, status, attributes text)')
c.execute("insert into runs values ('run_1', 'p', 'completed', '2025-11-20T08:00:00+00:00')")
names = ['step', 'Step', 'ünïcödé', 'a' * 40, 'Loop \\'refine\\' - Iteration 1', '', None, 42, 4.5, b'blob']
statuses = ['completed', 'failed', 'error', 'running', 'paused', 'Completed', ' FAILED\\t', 'unknown', '', None, 7, b'completed', 'completed ']
i = 0
for n in names:
    for s in statuses:
        i += 1
        end = None if i % 7 == 0 else 100.0 + i * 0.123456789
        c.execute('insert into spans(run_id, span_id, name, start_time, end_time, status) values (?, ?, ?, ?, ?, ?)', ('run_1', 's%d' % i, n, 100.0, end, s))
c.commit()
`,
      db,
    );
    const odd = await openFlujoStore(db);
    try {
      const summaries = await odd.spanSummaries();
      expect(summaries).toHaveLength(10 * 13);
      const groups = await odd.spanGroups!();
      expect(normalized(groups)).toEqual(normalized(groupSummaries(summaries)));
      expect(await storeStats(odd)).toEqual(straightforward(summaries));
      // Per name: completed, Completed, 'completed ' are ok; failed, error, ' FAILED\t' errors;
      // unknown, '', NULL, 7 and a blob spelling "completed" unset.
      expect((await storeStats(odd)).byStatus).toEqual({ ok: 30, error: 30, running: 10, paused: 10, unset: 50 });
    } finally {
      await odd.close();
    }
  });
});
