import { describe, expect, it } from 'vitest';
import { computeStats, groupSummaries, nearestRank, storeStats } from '../../../src/analysis/stats';
import { SpanGrouper, STATUSES, type SpanNameGroup, type SpanSummary, type Status } from '../../../src/model/types';
import type { TraceStore } from '../../../src/sources/types';

function s(name: string, durationMs: number | undefined, status: Status = 'ok'): SpanSummary {
  return durationMs === undefined ? { runId: 'r', name, status } : { runId: 'r', name, status, durationMs };
}

describe('nearestRank', () => {
  const oneToHundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  it('picks real values by nearest rank', () => {
    expect(nearestRank(oneToHundred, 50)).toBe(50);
    expect(nearestRank(oneToHundred, 95)).toBe(95);
    expect(nearestRank(oneToHundred, 100)).toBe(100);
    expect(nearestRank(oneToHundred, 0)).toBe(1);
    expect(nearestRank([10, 20, 30, 40], 50)).toBe(20);
    expect(nearestRank([10, 20, 30, 40], 95)).toBe(40);
    expect(nearestRank([7], 95)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
  });
});

describe('computeStats', () => {
  it('counts, breaks down by status and computes avg/p50/p95 per name', () => {
    const input: SpanSummary[] = [];
    // "step": durations 1..20 ms, shuffled, two of them errors
    const ds = [13, 2, 19, 7, 1, 20, 4, 16, 9, 11, 3, 18, 6, 15, 8, 10, 5, 17, 12, 14];
    ds.forEach((d, i) => input.push(s('step', d, i < 2 ? 'error' : 'ok')));
    input.push(s('agent', 100), s('agent', 300), s('agent', undefined, 'running'));
    input.push(s('waiting', undefined, 'paused'));

    const st = computeStats(input);
    expect(st.totalSpans).toBe(24);
    expect(st.byStatus).toEqual({ ok: 20, error: 2, running: 1, paused: 1, unset: 0 });
    expect(st.byName).toEqual([
      { name: 'step', count: 20, avgMs: 10.5, p50Ms: 10, p95Ms: 19 },
      { name: 'agent', count: 3, avgMs: 200, p50Ms: 100, p95Ms: 300 },
      { name: 'waiting', count: 1, avgMs: null, p50Ms: null, p95Ms: null },
    ]);
  });

  it('sorts by count descending, then name', () => {
    const st = computeStats([s('b', 1), s('a', 1), s('c', 1), s('c', 1)]);
    expect(st.byName.map((n) => n.name)).toEqual(['c', 'a', 'b']);
  });

  it('reports all statuses even when empty', () => {
    expect(computeStats([])).toEqual({
      totalSpans: 0,
      byStatus: { ok: 0, error: 0, running: 0, paused: 0, unset: 0 },
      byName: [],
    });
  });

  it('leaves non-finite durations out of the numbers but counts the span', () => {
    const st = computeStats([s('x', Number.NaN), s('x', Number.POSITIVE_INFINITY), s('x', 4)]);
    expect(st.byName[0]).toEqual({ name: 'x', count: 3, avgMs: 4, p50Ms: 4, p95Ms: 4 });
  });

  it('counts an unexpected status as unset rather than adding a key', () => {
    const st = computeStats([{ runId: 'r', name: 'x', status: 'weird' as Status }]);
    expect(Object.keys(st.byStatus).sort()).toEqual(['error', 'ok', 'paused', 'running', 'unset']);
    expect(st.byStatus.unset).toBe(1);
  });

  it('accepts a generator', () => {
    function* gen() {
      yield s('g', 1);
      yield s('g', 3);
    }
    expect(computeStats(gen()).byName[0]!.avgMs).toBe(2);
  });

  it('folds 1,000,000 summaries (speed is measured by npm run bench, not here)', () => {
    const names = Array.from({ length: 50 }, (_, i) => `step_${i}`);
    const statuses: Status[] = ['ok', 'ok', 'ok', 'error', 'running'];
    const input: SpanSummary[] = new Array(1_000_000);
    for (let i = 0; i < input.length; i++) {
      const status = statuses[i % 5]!;
      input[i] =
        status === 'running'
          ? { runId: `r${i >> 6}`, name: names[(i * 7) % 50]!, status }
          : { runId: `r${i >> 6}`, name: names[(i * 7) % 50]!, status, durationMs: (i * 7919) % 10_000 };
    }
    const st = computeStats(input);
    expect(st.totalSpans).toBe(1_000_000);
    expect(st.byName).toHaveLength(50);
    expect(st.byStatus.error).toBe(200_000);
  });
});

/** A deterministic pseudo-random source (tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function shuffled<T>(xs: T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('computeStats over spans folded by name', () => {
  function sample(rnd: () => number): SpanSummary[] {
    const out: SpanSummary[] = [];
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined, -0, 0];
    for (let i = 0; i < 5000; i++) {
      const name = `step_${Math.floor(rnd() * 17)}`;
      const status = STATUSES[Math.floor(rnd() * STATUSES.length)]!;
      const r = rnd();
      // Sums whose value depends on the order of addition: the average must not.
      const d = r < 0.05 ? odd[Math.floor(rnd() * odd.length)] : r < 0.1 ? 1e16 * (rnd() - 0.5) : Math.round(rnd() * 1e6) / 1e3;
      out.push(d === undefined ? { runId: `r${i >> 4}`, name, status } : { runId: `r${i >> 4}`, name, status, durationMs: d });
    }
    return out;
  }

  it('gives exactly what the summaries give, in whatever order the spans were read', () => {
    const rnd = lcg(7);
    const summaries = sample(rnd);
    const expected = computeStats(summaries);
    expect(expected.totalSpans).toBe(5000);
    for (let k = 0; k < 5; k++) {
      const order = shuffled(summaries, rnd);
      expect(computeStats(order)).toEqual(expected);
      expect(computeStats(groupSummaries(order))).toEqual(expected);
    }
  });

  it('matches a straightforward computation', () => {
    const summaries = sample(lcg(11));
    const names = [...new Set(summaries.map((x) => x.name))];
    const naive = names.map((name) => {
      const mine = summaries.filter((x) => x.name === name);
      const ds = mine.map((x) => x.durationMs).filter((d): d is number => typeof d === 'number' && Number.isFinite(d));
      ds.sort((a, b) => a - b);
      const at = (p: number): number | null => (ds.length ? ds[Math.ceil((p / 100) * ds.length) - 1]! : null);
      let sum = 0;
      for (const d of ds) sum += d;
      return { name, count: mine.length, avgMs: ds.length ? sum / ds.length : null, p50Ms: at(50), p95Ms: at(95) };
    });
    naive.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
    const st = computeStats(groupSummaries(summaries));
    expect(st.byName).toEqual(naive);
    for (const status of STATUSES) expect(st.byStatus[status]).toBe(summaries.filter((x) => x.status === status).length);
  });

  it("never reorders the caller's duration arrays, and merges a name given twice", () => {
    const zero = { ok: 0, error: 0, running: 0, paused: 0, unset: 0 };
    const a: SpanNameGroup = { name: 'x', byStatus: { ...zero, ok: 3 }, durationsMs: Float64Array.of(3, 1, 2) };
    const b: SpanNameGroup = { name: 'x', byStatus: { ...zero, error: 1, running: 1 }, durationsMs: Float64Array.of(Number.NaN, 10) };
    const st = computeStats([a, b]);
    expect(st.totalSpans).toBe(5);
    expect(st.byStatus).toEqual({ ...zero, ok: 3, error: 1, running: 1 });
    expect(st.byName).toEqual([{ name: 'x', count: 5, avgMs: 4, p50Ms: 2, p95Ms: 10 }]);
    expect([...a.durationsMs]).toEqual([3, 1, 2]);
  });

  it('folds summaries as the model says: unknown statuses as unset, missing durations as none', () => {
    const groups = groupSummaries([
      { runId: 'r', name: 'a', status: 'ok', durationMs: 2 },
      { runId: 'r', name: 'b', status: 'weird' as Status },
      { runId: 'r', name: 'a', status: 'error', durationMs: null as unknown as number },
      { runId: 'r', name: 'a', status: 'ok' },
    ]);
    expect(groups.map((g) => [g.name, g.byStatus, [...g.durationsMs]])).toEqual([
      ['a', { ok: 2, error: 1, running: 0, paused: 0, unset: 0 }, [2]],
      ['b', { ok: 0, error: 0, running: 0, paused: 0, unset: 1 }, []],
    ]);
    const grouper = new SpanGrouper();
    grouper.addCode('c', STATUSES.indexOf('paused'), 1.5);
    expect(grouper.groups()[0]!.byStatus.paused).toBe(1);
  });

  it("storeStats uses a reader's spanGroups when it has them, else its summaries", async () => {
    const summaries = sample(lcg(3));
    const base = {
      id: 'mem',
      format: 'flujo' as const,
      listRuns: async () => [],
      findRuns: async () => [],
      getSpans: async () => [],
      close: async () => {},
    };
    let asked = '';
    const plain: TraceStore = { ...base, spanSummaries: async (q) => ((asked = `summaries ${JSON.stringify(q)}`), summaries) };
    const grouped: TraceStore = {
      ...plain,
      spanGroups: async (q) => ((asked = `groups ${JSON.stringify(q)}`), groupSummaries(summaries)),
    };
    const expected = computeStats(summaries);
    expect(await storeStats(plain, { pipeline: 'p' })).toEqual(expected);
    expect(asked).toBe('summaries {"pipeline":"p"}');
    expect(await storeStats(grouped, { sinceMs: 5 })).toEqual(expected);
    expect(asked).toBe('groups {"sinceMs":5}');
  });
});
