import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AmbiguousRunError, resolveRun } from '../../../src/analysis/lookup';
import { computeStats } from '../../../src/analysis/stats';
import { buildTrace } from '../../../src/analysis/trace';
import { buildSpanTree, detachedParent, walkTree } from '../../../src/analysis/tree';
import { filterSpans } from '../../../src/analysis/spans';
import { openStore } from '../../../src/sources/open';
import { StoreError, type TraceStore } from '../../../src/sources/types';

/** The analysis over the real Flujo fixture store (test/fixtures/global-setup.ts). */
const file = inject('flujoStore');
const m = inject('flujoManifest');
let store: TraceStore;

beforeAll(async () => {
  store = await openStore(file);
});
afterAll(async () => {
  await store?.close();
});

async function storeError(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('resolveRun on a Flujo store', () => {
  it('finds runs by full id, unique middle part, and in any case', async () => {
    const id = m.scenarios.failedTraceback!;
    expect((await resolveRun(store, id)).id).toBe(id);
    expect((await resolveRun(store, id.slice(10, 20))).id).toBe(id);
    expect((await resolveRun(store, id.slice(4, 14).toUpperCase())).id).toBe(id);
  });

  it('finds runs that live only in the -wal file', async () => {
    for (const id of m.walRunIds) expect((await resolveRun(store, id.slice(-12))).id).toBe(id);
  });

  it('names up to 10 candidates for an ambiguous id', async () => {
    const e = await storeError(resolveRun(store, 'run_'));
    expect(e).toBeInstanceOf(AmbiguousRunError);
    expect((e as AmbiguousRunError).candidates).toHaveLength(m.runCount);
    expect(e.message).toContain(`'run_' is ambiguous in ${file}: ${m.runCount} runs match`);
    expect(e.message).toContain(`and ${m.runCount - 10} more`);
    expect(e.message.match(/run_[0-9a-f]{32}/g)).toHaveLength(10);
    expect(e.message).not.toContain('\n');
  });

  it('says what to do for an unknown id', async () => {
    const e = await storeError(resolveRun(store, 'no-such-run'));
    expect(e.message).toBe(`no run matches 'no-such-run' in ${file} — run \`spanlens list ${file}\``);
  });
});

describe('trees, filters and stats on a Flujo store', () => {
  it('shows a missing parent and a cycle at the top level, every span once', async () => {
    const run = await resolveRun(store, m.scenarios.strange!);
    const spans = await store.getSpans(run.id);
    const roots = buildSpanTree(spans);
    const seen: string[] = [];
    walkTree(roots, (n) => seen.push(n.id));
    expect(seen.sort()).toEqual(spans.map((s) => s.id).sort());
    const byId = new Map(spans.map((s) => [s.id, s]));
    const top = Object.fromEntries(roots.map((r) => [r.name, detachedParent(r, byId)?.reason ?? 'root']));
    expect(top).toMatchObject({ pipeline_run: 'root', orphan: 'missing-parent' });
    expect(Object.values(top).filter((r) => r === 'cycle')).toHaveLength(1);
    // The HTML name is kept as it is.
    expect(spans.some((s) => s.name === '<img src=x onerror=alert(1)>')).toBe(true);
    const trace = buildTrace(run, spans);
    expect(trace.root.synthetic).toBe(true);
    expect(trace.root.children).toHaveLength(roots.length);
  });

  it('gives a run with one root span that span as trace root, children in start order', async () => {
    const run = await resolveRun(store, m.scenarios.failedLoop!);
    const trace = buildTrace(run, await store.getSpans(run.id));
    expect(trace.root.name).toBe('pipeline_run');
    expect(trace.root.synthetic).toBeUndefined();
    walkTree([trace.root], (n) => {
      for (let i = 1; i < n.children.length; i++) {
        expect(n.children[i]!.startOffsetMs).toBeGreaterThanOrEqual(n.children[i - 1]!.startOffsetMs);
      }
    });
  });

  it('filters the failing spans of a loop run', async () => {
    const run = await resolveRun(store, m.scenarios.failedLoop!);
    const spans = await store.getSpans(run.id);
    const failed = filterSpans(spans, { status: 'error' });
    expect(failed.map((s) => s.name)).toContain('call_model');
    expect(filterSpans(spans, { name: "loop 'retry_scoring'*" })).toHaveLength(2);
  });

  it('computes stats consistent with the runs', async () => {
    const runs = await store.listRuns();
    const stats = computeStats(await store.spanSummaries());
    expect(stats.totalSpans).toBe(runs.reduce((n, r) => n + r.spanCount, 0));
    expect(Object.values(stats.byStatus).reduce((a, b) => a + b, 0)).toBe(stats.totalSpans);
    expect(stats.byName.reduce((n, x) => n + x.count, 0)).toBe(stats.totalSpans);
    for (let i = 1; i < stats.byName.length; i++) expect(stats.byName[i - 1]!.count).toBeGreaterThanOrEqual(stats.byName[i]!.count);
    for (const n of stats.byName) if (n.p50Ms !== null) expect(n.p95Ms!).toBeGreaterThanOrEqual(n.p50Ms);
    const filtered = computeStats(await store.spanSummaries({ pipeline: 'score_loans' }));
    expect(filtered.totalSpans).toBe(runs.filter((r) => r.name === 'score_loans').reduce((n, r) => n + r.spanCount, 0));
  });
});

describe('resolveRun on a legacy Flujo store', () => {
  it('works the same way', async () => {
    const legacy = await openStore(inject('flujoLegacyStore'));
    try {
      const id = inject('flujoLegacyManifest').scenarios.legacyFailed!;
      expect((await resolveRun(legacy, id.slice(-10))).id).toBe(id);
    } finally {
      await legacy.close();
    }
  });
});
