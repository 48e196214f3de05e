import { describe, expect, it } from 'vitest';
import { attrTest, parseDurationMs, parseQuery, textMatcher, tokenize } from '../../../src/analysis/search/query';

describe('search query parser', () => {
  it('free text: lower-cased terms, "quotes" keep a phrase', () => {
    expect(parseQuery('KeyError  "Income Tier" x')).toEqual({ terms: ['keyerror', 'income tier', 'x'], filters: [], hints: [] });
    expect(tokenize('a "b c" d')).toEqual(['a', 'b c', 'd']);
    expect(parseQuery('')).toEqual({ terms: [], filters: [], hints: [] });
  });

  it('every filter', () => {
    const q = parseQuery(
      'status:error name:score_* store:flujo pipeline:enrich run:0a85 dur>500ms dur<=2s since:24h attr.flujo.step.type=LoopStep attr.feedback:income attr.code.lineno is:span',
    );
    expect(q.hints).toEqual([]);
    expect(q.terms).toEqual([]);
    expect(q.filters).toEqual([
      { kind: 'status', values: ['error'] },
      { kind: 'name', pattern: 'score_*' },
      { kind: 'store', pattern: 'flujo' },
      { kind: 'pipeline', pattern: 'enrich' },
      { kind: 'run', pattern: '0a85' },
      { kind: 'dur', op: '>', ms: 500 },
      { kind: 'dur', op: '<=', ms: 2000 },
      { kind: 'since', ms: 24 * 3_600_000 },
      { kind: 'attr', key: 'flujo.step.type', op: '=', pattern: 'loopstep' },
      { kind: 'attr', key: 'feedback', op: ':', pattern: 'income' },
      { kind: 'attr', key: 'code.lineno', op: 'exists', pattern: '' },
      { kind: 'is', value: 'span' },
    ]);
  });

  it("status takes the stores' words and several values", () => {
    expect(parseQuery('status:failed,running').filters).toEqual([{ kind: 'status', values: ['error', 'running'] }]);
    expect(parseQuery('status:completed').filters).toEqual([{ kind: 'status', values: ['ok'] }]);
    // Stores' own words: claude-flow's success and timeout, OpenTelemetry's status codes.
    expect(parseQuery('status:success,timeout,STATUS_CODE_UNSET').filters).toEqual([{ kind: 'status', values: ['ok', 'error', 'unset'] }]);
  });

  it('durations and time spans in every unit', () => {
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs('250')).toBe(250);
    expect(parseQuery('dur:>=1h').filters).toEqual([{ kind: 'dur', op: '>=', ms: 3_600_000 }]);
    expect(parseQuery('since:7d').filters).toEqual([{ kind: 'since', ms: 7 * 86_400_000 }]);
    expect(parseQuery('since:30m').filters).toEqual([{ kind: 'since', ms: 30 * 60_000 }]);
  });

  it('bad syntax and unknown filters become hints, never exceptions', () => {
    const q = parseQuery('foo:bar status:nope dur>abc since:soon is:thing name>3 attr.x>abc KeyError');
    expect(q.terms).toEqual(['keyerror']);
    expect(q.filters).toEqual([]);
    expect(q.hints).toHaveLength(7);
    expect(q.hints[0]).toMatch(/unknown filter 'foo:'/);
    expect(q.hints[1]).toMatch(/status:nope/);
    expect(q.hints[2]).toMatch(/dur>abc: not a duration/);
    expect(q.hints[3]).toMatch(/since:soon/);
    expect(q.hints[4]).toMatch(/is:run or is:span/);
    expect(q.hints[5]).toMatch(/only dur takes >/);
    expect(q.hints[6]).toMatch(/attr\.x>/);
    for (const s of ['"', ':', 'status:', 'dur>', '"unterminated', '===', 'attr.', '::a', 'a:b:c']) expect(() => parseQuery(s)).not.toThrow();
  });

  it('attr. compares numbers with > >= < <=, and = finds a number however it is spelled', () => {
    const f = parseQuery('attr.gen_ai.usage.input_tokens>1000').filters[0]!;
    expect(f).toEqual({ kind: 'attr', key: 'gen_ai.usage.input_tokens', op: '>', pattern: '1000' });
    const gt = attrTest(f as Extract<typeof f, { kind: 'attr' }>);
    expect([gt('1001'), gt('1000'), gt('999.5'), gt('1e4'), gt('many')]).toEqual([true, false, false, true, false]);
    const le = parseQuery('attr.cost<=0.5').filters[0]!;
    const leTest = attrTest(le as Extract<typeof le, { kind: 'attr' }>);
    expect([leTest('0.5'), leTest('0.25'), leTest('-1'), leTest('0.51'), leTest('')]).toEqual([true, true, true, false, false]);
    const eq = parseQuery('attr.http.status_code=500.0').filters[0]!;
    const eqTest = attrTest(eq as Extract<typeof eq, { kind: 'attr' }>);
    expect([eqTest('500'), eqTest('500.0'), eqTest('5000'), eqTest('500 ')]).toEqual([true, true, false, false]);
    expect(parseQuery('attr.x>').filters).toEqual([]);
    expect(parseQuery('attr.x>').hints).toEqual([]);
    expect(parseQuery('attr.x<=big').hints[0]).toMatch(/compares numbers/);
  });

  it('text being typed is text: "KeyError:" and a URL-like word', () => {
    expect(parseQuery("KeyError: 'income'").terms).toEqual(['keyerror:', "'income'"]);
    expect(parseQuery('status:').filters).toEqual([]);
    expect(parseQuery('status:').hints).toEqual([]);
  });

  it('patterns: wildcards anchor, plain text is a substring (or exact for attr =)', () => {
    expect(textMatcher('score_*')('score_risk')).toBe(true);
    expect(textMatcher('score_*')('rescore_risk')).toBe(false);
    expect(textMatcher('sc?re*')('score')).toBe(true);
    expect(textMatcher('enrich')('enrich_customers')).toBe(true);
    expect(textMatcher('loopstep', true)('loopstep')).toBe(true);
    expect(textMatcher('loop', true)('loopstep')).toBe(false);
    expect(textMatcher('a.b')('axb')).toBe(false);
  });
});
