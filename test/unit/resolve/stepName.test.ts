import { describe, expect, it } from 'vitest';
import { findStepDefinitionInFiles, stepSearchPatterns, stepSearchRegexSource } from '../../../src/resolve/stepName';

const PIPELINE = [
  'from flujo import Pipeline, Step',
  'from .enrich import load_customers, score_risk_impl',
  '',
  'pipeline = (',
  '    Step.from_callable(load_customers, name="load_customers")',
  '    >> Step(name="score_risk", agent=score_risk_impl)',
  ')',
].join('\n');

const ENRICH = [
  '"""Steps of the enrich_customers pipeline."""',
  '',
  'async def score_risk(row: dict, context=None) -> dict:',
  '    return row',
].join('\n');

describe('stepSearchPatterns', () => {
  it('builds the name=, def, function and assignment patterns', () => {
    expect(stepSearchPatterns('score_risk').map((p) => `${p.kind}: ${p.label}`)).toEqual([
      'step-name: name="score_risk"',
      'step-name: name: score_risk',
      'function: def score_risk(',
      'function: function score_risk(',
      'assignment: score_risk = ',
    ]);
  });

  it('matches each way a step is declared, and not its look-alikes', () => {
    const hits = (line: string) =>
      stepSearchPatterns('score_risk')
        .filter((p) => p.regex.test(line))
        .map((p) => p.kind);
    expect(hits('    >> Step(name="score_risk", agent=a)')).toEqual(['step-name']);
    expect(hits("@step(name='score_risk')")).toEqual(['step-name']);
    expect(hits('    name = "score_risk"')).toEqual(['step-name']);
    expect(hits("  { name: 'score_risk', run }")).toEqual(['step-name']);
    expect(hits('  - name: score_risk  # scoring')).toEqual(['step-name']);
    expect(hits('async def score_risk(row):')).toEqual(['function']);
    expect(hits('def score_risk[T](row: T):')).toEqual(['function']);
    expect(hits('export async function score_risk(row) {')).toEqual(['function']);
    expect(hits('score_risk = Step.from_callable(_score)')).toEqual(['assignment']);
    expect(hits('export const score_risk: Step = make()')).toEqual(['assignment']);
    for (const miss of [
      'Step(name="score_risk_v2")',
      'display_name="score_risk"',
      'def score_risk_v2(row):',
      'result = score_risk(row)',
      'if score_risk == 3:',
      'assert span.name == "score_risk"',
      'obj.function score_risk(',
    ]) {
      expect(hits(miss), miss).toEqual([]);
    }
  });

  it('builds only name= patterns for names that are no identifiers, and none for empty names', () => {
    expect(stepSearchPatterns("Loop 'retry' - Iteration 1").map((p) => p.kind)).toEqual(['step-name', 'step-name']);
    expect(stepSearchPatterns('a.b(c)')[0]!.regex.test('name="a.b(c)"')).toBe(true);
    expect(stepSearchPatterns('a.b(c)')[0]!.regex.test('name="aXb(c)"')).toBe(false);
    expect(stepSearchPatterns('  ')).toEqual([]);
    expect(stepSearchRegexSource('')).toBeUndefined();
  });

  it('gives one search regex that finds every candidate line', () => {
    const re = new RegExp(stepSearchRegexSource('score_risk')!);
    for (const line of ['Step(name="score_risk")', '- name: score_risk', 'async def score_risk(x):', 'function score_risk() {', 'score_risk = 1']) {
      expect(re.test(line), line).toBe(true);
    }
  });
});

describe('findStepDefinitionInFiles', () => {
  it('prefers the explicit step name, marks it a guess and points at the name', () => {
    const def = findStepDefinitionInFiles('score_risk', { 'pipelines/enrich.py': ENRICH, 'pipelines/pipeline.py': PIPELINE });
    expect(def).toEqual({ path: 'pipelines/pipeline.py', line: 6, column: 19, guess: true, kind: 'step-name' });
  });

  it('falls back to a function of that name', () => {
    const def = findStepDefinitionInFiles('score_risk', new Map([['pipelines/enrich.py', ENRICH]]));
    expect(def).toEqual({ path: 'pipelines/enrich.py', line: 3, column: 11, guess: true, kind: 'function' });
  });

  it('ranks real code over tests, shallow over deep, and skips packages', () => {
    const files: Array<[string, string]> = [
      ['tests/test_enrich.py', 'def score_risk(x):\n    pass'],
      ['.venv/lib/python3.11/site-packages/x/y.py', 'Step(name="score_risk")'],
      ['node_modules/lib/index.js', 'function score_risk() {}'],
      ['a/b/c/deep.py', 'def score_risk(x):'],
      ['a/shallow.py', '\n\ndef score_risk(x):'],
    ];
    expect(findStepDefinitionInFiles('score_risk', files)).toMatchObject({ path: 'a/shallow.py', line: 3, kind: 'function' });
    expect(findStepDefinitionInFiles('score_risk', files.slice(0, 3))).toMatchObject({ path: 'tests/test_enrich.py', line: 1 });
  });

  it('finds nothing when nothing defines the step', () => {
    expect(findStepDefinitionInFiles('geocode', { 'pipelines/enrich.py': ENRICH })).toBeUndefined();
    expect(findStepDefinitionInFiles('score_risk', { 'a.py': 'print(score_risk(1))' })).toBeUndefined();
    expect(findStepDefinitionInFiles('', { 'a.py': 'name=""' })).toBeUndefined();
  });
});
