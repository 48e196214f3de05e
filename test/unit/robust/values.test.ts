import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../../src/analysis/glob';
import { CUT_MARKER, MAX_VALUE_DEPTH, jsonPreview, toAttributeValue } from '../../../src/model/value';

function depthOf(v: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    if (typeof x === 'object' && x !== null) for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

describe('toAttributeValue: the one bound on value depth', () => {
  it('keeps a value within the bound as it is (no copy)', () => {
    const v = { a: [1, 'x', { b: null, c: true }] };
    expect(toAttributeValue(v)).toBe(v);
  });

  it('cuts nesting past MAX_VALUE_DEPTH into a marker that shows how the cut value begins', () => {
    const deep = JSON.parse('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)) as unknown;
    const v = toAttributeValue(deep);
    expect(depthOf(v)).toBe(MAX_VALUE_DEPTH);
    const json = JSON.stringify(v);
    expect(json).toContain(`${CUT_MARKER} ${MAX_VALUE_DEPTH} levels, cut: {\\"a\\":{\\"a\\":`);
  });

  it('turns what JSON cannot hold into text, and keeps a __proto__ key as data', () => {
    const o = JSON.parse('{"__proto__": {"x": 1}, "n": 1}') as Record<string, unknown>;
    o['big'] = Infinity;
    o['b'] = 12n;
    o['bytes'] = new Uint8Array(3);
    const v = toAttributeValue(o) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'n', 'big', 'b', 'bytes']);
    expect(v['big']).toBe('Infinity');
    expect(v['b']).toBe('12');
    expect(v['bytes']).toBe('<3 bytes>');
  });

  it('jsonPreview never builds more than it shows, whatever the size', () => {
    const wide = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(jsonPreview(wide, 20)).toBe('[0,1,2,3,4,5,6,7,8,9…');
    expect(jsonPreview({ s: 'x'.repeat(10_000_000) }, 10)).toBe('{"s":"xxxx…');
    expect(jsonPreview({ a: [1, { b: 'c' }] }, 100)).toBe('{"a":[1,{"b":"c"}]}');
  });

  it('is the same as a JSON round trip for any JSON value within the bound', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (j) => {
        expect(JSON.stringify(toAttributeValue(j))).toBe(JSON.stringify(j));
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('globMatcher: the one wildcard matcher', () => {
  const reference = (pattern: string, single: boolean): RegExp =>
    new RegExp(
      `^${pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' && single ? '.' : c.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
      's',
    );

  it('agrees with the regex it replaces on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '\n');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '?', '*', '\n'), maxLength: 12 }), fc.boolean(), (p, t, single) => {
        expect(globMatcher(p, { single })(t)).toBe(reference(p, single).test(t));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('answers a pattern that makes a regex backtrack exponentially', () => {
    const m = globMatcher(`${'*a'.repeat(40)}*b`, { single: true });
    expect(m('a'.repeat(100_000))).toBe(false);
    expect(m(`${'a'.repeat(100_000)}b`)).toBe(true);
  });
});
