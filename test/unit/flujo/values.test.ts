import { describe, expect, it } from 'vitest';
import { errorFromFeedback, parseAttributes, parseWallClock, RAW_ATTRIBUTES_KEY, toAttributes } from '../../../src/sources/flujo/values';

describe('errorFromFeedback', () => {
  it('reads type and message from the last line of a traceback, chained ones too', () => {
    const tb = [
      'Traceback (most recent call last):',
      '  File "/app/a.py", line 3, in f',
      '    x["k"]',
      "KeyError: 'k'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/app/a.py", line 5, in f',
      '    raise flujo.exceptions.StepError("bad")',
      'flujo.exceptions.StepError: bad',
      '',
    ].join('\n');
    const e = errorFromFeedback(tb);
    expect(e).toMatchObject({ type: 'flujo.exceptions.StepError', message: 'bad' });
    expect(e.stack).toBe(tb.trimEnd());
  });

  it('reads a one-line exception, and keeps other text as the message', () => {
    expect(errorFromFeedback('ValueError: empty')).toEqual({ type: 'ValueError', message: 'empty' });
    expect(errorFromFeedback('Agent execution failed: TimeoutError: 30s')).toEqual({
      message: 'Agent execution failed: TimeoutError: 30s',
    });
    expect(errorFromFeedback('Note: retry later')).toEqual({ message: 'Note: retry later' });
  });
});

describe('parseWallClock', () => {
  it('reads every spelling of UTC time Flujo has written', () => {
    const t = Date.UTC(2025, 10, 20, 9, 0, 0, 123);
    expect(parseWallClock('2025-11-20T09:00:00.123456+00:00')).toBe(t);
    expect(parseWallClock('2025-11-20T10:00:00.123+01:00')).toBe(t);
    expect(parseWallClock('2025-11-20T09:00:00.123456')).toBe(t);
    expect(parseWallClock('2025-11-20 09:00:00')).toBe(t - 123);
    expect(parseWallClock('2025-11-20T09:00:00Z')).toBe(t - 123);
    expect(parseWallClock(t / 1000)).toBe(t);
    expect(parseWallClock(t)).toBe(t);
    expect(parseWallClock('')).toBeUndefined();
    expect(parseWallClock('yesterday')).toBeUndefined();
  });
});

describe('parseAttributes', () => {
  it('gives what a copy of JSON.parse through toAttributes gives, copying only when that changes something', () => {
    const texts = [
      '{"a":1,"b":"x","c":true,"d":null,"e":[1,[2,{"f":"g"}]],"h":{"i":{"j":-0.5}},"2":"int-like key first"}',
      '{"big":1e999,"nested":{"neg":[-1e400]}}', // numbers too big for a double become text
      '{"__proto__":{"polluted":true},"k":1}',
      '{}',
    ];
    for (const t of texts) {
      const got = parseAttributes(t);
      const want = toAttributes(JSON.parse(t) as Record<string, unknown>);
      expect(got).toStrictEqual(want);
      expect(Object.keys(got)).toEqual(Object.keys(want));
      expect(Object.getPrototypeOf(got)).toEqual(Object.getPrototypeOf(want));
    }
    expect(parseAttributes('{"big":1e999}')).toEqual({ big: 'Infinity' });
    expect(parseAttributes('[1,2]')).toEqual({ [RAW_ATTRIBUTES_KEY]: '[1,2]' });
    expect(parseAttributes('not json')).toEqual({ [RAW_ATTRIBUTES_KEY]: 'not json' });
    expect(parseAttributes(null)).toEqual({});
  });
});
