import { describe, expect, it } from 'vitest';
import { patternMatcher } from '../../../src/analysis/glob';
import { textMatcher } from '../../../src/analysis/search/query';
import { filterSpans, nameMatcher } from '../../../src/analysis/spans';
import { span } from './helpers';

const spans = [
  span('1', null, 0, { name: 'pipeline_run', status: 'ok' }),
  span('2', '1', 1, { name: 'Agent.Call', status: 'error' }),
  span('3', '1', 2, { name: 'agent.retry', status: 'ok' }),
  span('4', '1', 3, { name: '<script>alert(1)</script>', status: 'running' }),
  span('5', '1', 4, { name: 'loop_step[2]', status: 'error' }),
];

const ids = (xs: { id: string }[]) => xs.map((s) => s.id);

describe('filterSpans', () => {
  it('returns a copy of everything with an empty filter', () => {
    const out = filterSpans(spans, {});
    expect(ids(out)).toEqual(['1', '2', '3', '4', '5']);
    expect(out).not.toBe(spans);
  });

  it('filters by normalized status', () => {
    expect(ids(filterSpans(spans, { status: 'error' }))).toEqual(['2', '5']);
    expect(filterSpans(spans, { status: 'paused' })).toEqual([]);
  });

  it('matches names by case-insensitive substring', () => {
    expect(ids(filterSpans(spans, { name: 'AGENT' }))).toEqual(['2', '3']);
    expect(ids(filterSpans(spans, { name: '[2]' }))).toEqual(['5']);
    expect(ids(filterSpans(spans, { name: '<script>' }))).toEqual(['4']);
  });

  it('treats a pattern with * as a whole-name glob', () => {
    expect(ids(filterSpans(spans, { name: 'agent.*' }))).toEqual(['2', '3']);
    expect(ids(filterSpans(spans, { name: '*call' }))).toEqual(['2']);
    expect(ids(filterSpans(spans, { name: 'agent*' }))).toEqual(['2', '3']);
    // anchored: "call*" does not match "Agent.Call"
    expect(filterSpans(spans, { name: 'call*' })).toEqual([]);
    expect(ids(filterSpans(spans, { name: 'loop_step[*]' }))).toEqual(['5']);
    expect(ids(filterSpans(spans, { name: '*' }))).toHaveLength(5);
  });

  it('combines status and name', () => {
    expect(ids(filterSpans(spans, { status: 'error', name: 'agent' }))).toEqual(['2']);
  });

  it('lets * match across a newline in a name', () => {
    expect(nameMatcher('a*b')('a\nb')).toBe(true);
  });
});

describe('patternMatcher: the one "glob when it has wildcards, else substring" rule', () => {
  it('spans --name and search share it; only search reads ? as a wildcard, only attr.k= is exact', () => {
    expect(['score_a', 'x_score_a', 'score'].map(patternMatcher('score_*'))).toEqual([true, false, false]);
    expect(['a score b', 'x'].map(patternMatcher('score'))).toEqual([true, false]);
    // `?` is text for spans --name, one character for search.
    expect(nameMatcher('step?')('step?')).toBe(true);
    expect(nameMatcher('step?')('step1')).toBe(false);
    expect(textMatcher('step?')('step1')).toBe(true);
    expect(textMatcher('500', true)('1500')).toBe(false);
    expect(textMatcher('500')('1500')).toBe(true);
    expect(patternMatcher('a?c', { single: true, exact: true })('abc')).toBe(true);
  });
});
