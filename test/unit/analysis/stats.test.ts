import { describe, expect, it } from 'vitest';
import { computeStats, nearestRank } from '../../../src/analysis/stats';
import type { SpanSummary, Status } from '../../../src/model/types';

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

  it('handles 1,000,000 summaries quickly', () => {
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
    const t0 = performance.now();
    const st = computeStats(input);
    const elapsed = performance.now() - t0;
    expect(st.totalSpans).toBe(1_000_000);
    expect(st.byName).toHaveLength(50);
    expect(st.byStatus.error).toBe(200_000);
    // Catches accidental quadratic work, not a benchmark: ~0.3 s on an idle laptop core, loaded CI boxes are slower.
    expect(elapsed).toBeLessThan(10_000);
  });
});
