import { describe, expect, it } from 'vitest';
import { alignSpans, diffRuns, MAX_PATH_NAMES, type DiffRow } from '../../../src/analysis/diff/align';
import type { Span } from '../../../src/model/types';
import { run, span } from './helpers';

/** `name:change` per row, indented by depth: the alignment at a glance. */
function shape(rows: DiffRow[]): string[] {
  return rows.map((r) => `${'  '.repeat(r.depth)}${r.name}${r.occurrence > 1 ? `#${r.occurrence}` : ''}:${r.change}`);
}

function s(id: string, parent: string | null, name: string, start: number, dur: number, extra: Partial<Span> = {}): Span {
  return span(id, parent, start, { name, durationMs: dur, ...extra });
}

const A = [
  s('a0', null, 'pipeline_run', 0, 100),
  s('a1', 'a0', 'fetch', 0, 20),
  s('a2', 'a0', 'score', 20, 50),
  s('a3', 'a0', 'publish', 70, 30),
];

describe('aligning two runs', () => {
  it('identical runs: every row same', () => {
    expect(shape(alignSpans(A, A))).toEqual(['pipeline_run:same', '  fetch:same', '  score:same', '  publish:same']);
  });

  it('an inserted and a removed step, in B order with the removed one where it stood in A', () => {
    const B = [s('b0', null, 'pipeline_run', 0, 100), s('b1', 'b0', 'fetch', 0, 20), s('b9', 'b0', 'validate', 20, 5), s('b3', 'b0', 'publish', 70, 30)];
    expect(shape(alignSpans(A, B))).toEqual(['pipeline_run:same', '  fetch:same', '  score:removed', '  validate:added', '  publish:same']);
  });

  it('loop iterations are matched in order; an extra iteration is added with its children', () => {
    const loop = (p: string, n: number, failLast: boolean): Span[] => {
      const out = [s(`${p}0`, null, 'retry', 0, 100)];
      for (let i = 1; i <= n; i++) {
        out.push(s(`${p}i${i}`, `${p}0`, `Iteration`, i * 10, 5));
        out.push(s(`${p}c${i}`, `${p}i${i}`, 'call_model', i * 10, 4, failLast && i === n ? { status: 'error', error: { type: 'ValueError', message: 'empty response' } } : {}));
      }
      return out;
    };
    const rows = alignSpans(loop('a', 1, false), loop('b', 2, true));
    expect(shape(rows)).toEqual(['retry:same', '  Iteration:same', '    call_model:same', '  Iteration#2:added', '    call_model:added']);
    expect(rows[4]!.b!.error).toBe('ValueError: empty response');
    expect(rows[3]!.path).toEqual(['retry', 'Iteration']);
  });

  it('a renamed root is still matched; its name change is kept', () => {
    const B = A.map((x) => (x.id === 'a0' ? { ...x, name: 'pipeline_v2' } : x));
    const rows = alignSpans(A, B);
    expect(rows[0]).toMatchObject({ name: 'pipeline_v2', renamedFrom: 'pipeline_run', change: 'same' });
    expect(shape(rows).slice(1)).toEqual(['  fetch:same', '  score:same', '  publish:same']);
  });

  it('status changes and the error on both sides', () => {
    const B = A.map((x) => (x.id === 'a2' ? { ...x, status: 'error' as const, error: { type: 'KeyError', message: "'income'" } } : x));
    const rows = alignSpans(A, B);
    expect(rows[2]).toMatchObject({ change: 'status', a: { status: 'ok' }, b: { status: 'error', error: "KeyError: 'income'" } });
  });

  it('thresholds: slower/faster past both the share and the milliseconds', () => {
    const at = (dur: number): Span[] => [s('r', null, 'r', 0, dur)];
    expect(alignSpans(at(100), at(119))[0]!.change).toBe('same'); // +19 %: under 20 %
    expect(alignSpans(at(100), at(121))[0]).toMatchObject({ change: 'slower', deltaMs: 21 });
    expect(alignSpans(at(100), at(70))[0]!.change).toBe('faster');
    expect(alignSpans(at(10), at(14))[0]!.change).toBe('same'); // +40 % but 4 ms: under 5 ms
    expect(alignSpans(at(10), at(14), { minDeltaMs: 1 })[0]!.change).toBe('slower');
    expect(alignSpans(at(100), at(110), { thresholdPct: 5 })[0]!.change).toBe('slower');
  });

  it('attributes: changed, added and removed keys with both values', () => {
    const a = [s('r', null, 'r', 0, 1, { attributes: { model: 'gpt-4o', temp: 0.2, gone: 'x', same: [1, 2] } })];
    const b = [s('r', null, 'r', 0, 1, { attributes: { model: 'gpt-4o-mini', temp: 0.2, added: true, same: [1, 2] } })];
    expect(alignSpans(a, b)[0]!.attributes).toEqual({ changed: { model: ['gpt-4o', 'gpt-4o-mini'], gone: ['x', null], added: [null, true] } });
    expect(alignSpans(a, a)[0]!.attributes).toBeUndefined();
  });

  it('same status, other error text: marked, and the first divergence', () => {
    const err = (m: string): Partial<Span> => ({ status: 'error', error: { type: 'ValueError', message: m } });
    const a = [s('r', null, 'r', 0, 1, err('timeout after 30s'))];
    const b = [s('r', null, 'r', 0, 1, err('empty response'))];
    const d = diffRuns(run('A'), a, run('B'), b);
    expect(d.rows[0]).toMatchObject({ change: 'same', errorChanged: true });
    expect(d.summary.firstDivergence).toBe(d.rows[0]);
  });

  it('summary: counts, first divergence in tree order, biggest time changes, run delta', () => {
    const B = [
      s('b0', null, 'pipeline_run', 0, 300),
      s('b1', 'b0', 'fetch', 0, 20),
      s('b2', 'b0', 'score', 20, 260, { status: 'error', error: { message: 'boom' } }),
      s('b3', 'b0', 'publish', 270, 30),
    ];
    const d = diffRuns(run('A', { durationMs: 100 }), A, run('B', { status: 'error', durationMs: 300 }), B);
    expect(d.summary.counts).toMatchObject({ same: 2, status: 1, slower: 1 });
    expect(d.summary.firstDivergence!.name).toBe('pipeline_run');
    expect(d.summary.statusChanges.map((r) => r.name)).toEqual(['score']);
    expect(d.summary.biggestTimeChanges.map((r) => r.name)).toEqual(['score', 'pipeline_run']);
    expect(d.summary.runs).toEqual({ statusChanged: true, deltaMs: 200 });
  });

  it('several roots on each side are paired by name', () => {
    const a = [s('x', null, 'ingest', 0, 1), s('y', null, 'report', 5, 1)];
    const b = [s('x2', null, 'report', 0, 1), s('y2', null, 'audit', 5, 1)];
    expect(shape(alignSpans(a, b))).toEqual(['ingest:removed', 'report:same', 'audit:added']);
  });

  it('a 100,000-deep chain and a 100,000-wide level: no stack overflow, paths bounded', () => {
    const deep: Span[] = [s('d0', null, 'root', 0, 1)];
    for (let i = 1; i < 100_000; i++) deep.push(s(`d${i}`, `d${i - 1}`, 'step', i, 1));
    const rows = alignSpans(deep, deep);
    expect(rows).toHaveLength(100_000);
    expect(rows.every((r) => r.change === 'same')).toBe(true);
    const last = rows[rows.length - 1]!;
    expect(last.depth).toBe(99_999);
    expect(last.path.length).toBeLessThanOrEqual(MAX_PATH_NAMES + 2);
    expect(last.path.slice(0, 2)).toEqual(['root', '…']);
    const wide: Span[] = [s('w', null, 'root', 0, 1)];
    for (let i = 0; i < 100_000; i++) wide.push(s(`w${i}`, 'w', 'iteration', i, 1));
    const w = alignSpans(wide, wide.slice(0, 50_001));
    expect(w.filter((r) => r.change === 'removed')).toHaveLength(50_000);
    expect(w[50_000]!.occurrence).toBe(50_000);
  });
});
