import { describe, expect, it } from 'vitest';
import { matchRows } from '../../../src/analysis/timeline/match';
import type { Span } from '../../../src/model/types';

function span(id: string, over: Partial<Span> = {}): Span {
  return { id, runId: 'r', parentId: null, name: id, status: 'ok', rawStatus: '', startOffsetMs: 0, durationMs: 10, attributes: {}, events: [], ...over };
}

const spans: Span[] = [
  span('a1', { name: 'load_customers', durationMs: 340 }),
  span('b2', { name: 'score_risk', status: 'error', error: { type: 'KeyError', message: "'income'" }, durationMs: 2500, attributes: { 'flujo.step.type': 'LoopStep', tokens: 1200 } }),
  span('c3', { name: 'call_model', attributes: { 'gen_ai.request.model': 'gpt-4o', tokens: 90 } }),
];

const rows = (q: string): number[] => Array.from(matchRows(spans, 'enrich', 'run_1', q).rows);

describe('timeline filter', () => {
  it('matches free text in names, ids, errors and attribute values', () => {
    expect(rows('score')).toEqual([1]);
    expect(rows('c3')).toEqual([2]);
    expect(rows('keyerror')).toEqual([1]);
    expect(rows("income")).toEqual([1]);
    expect(rows('gpt-4o')).toEqual([2]);
  });

  it('applies the search language filters', () => {
    expect(rows('status:error')).toEqual([1]);
    expect(rows('dur>1s')).toEqual([1]);
    expect(rows('dur<100ms')).toEqual([2]);
    expect(rows('attr.flujo.step.type=LoopStep')).toEqual([1]);
    expect(rows('attr.tokens>100')).toEqual([1]);
    expect(rows('name:call_*')).toEqual([2]);
    expect(rows('status:ok model')).toEqual([2]);
  });

  it('reads run-level filters against the run, and says which filters mean nothing here', () => {
    expect(rows('pipeline:enrich status:error')).toEqual([1]);
    expect(rows('pipeline:other')).toEqual([]);
    const r = matchRows(spans, 'enrich', 'run_1', 'since:1h score');
    expect(Array.from(r.rows)).toEqual([1]);
    expect(r.hints.join()).toContain('since');
  });

  it('marks nothing for an empty box, and passes parser hints on', () => {
    expect(matchRows(spans, 'enrich', 'run_1', '   ').empty).toBe(true);
    expect(matchRows(spans, 'enrich', 'run_1', 'dur>soon').hints.join()).toContain('not a duration');
  });
});
