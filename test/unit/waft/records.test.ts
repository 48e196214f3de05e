import { describe, expect, it } from 'vitest';
import { quoteNonFinite } from '../../../src/sources/jsonl/lines';
import { parseWaftTimestamp, toWaftRecord, waftError, waftStatus } from '../../../src/sources/waft/records';

const TB = `Traceback (most recent call last):
  File "/app/pipeline/score.py", line 24, in normalize
    return check(v)
  File "/app/pipeline/score.py", line 12, in check
    raise ValueError(f"bad {v}")
ValueError: bad 12`;

const CHAINED = `Traceback (most recent call last):
  File "/app/a.py", line 3, in f
    int("x")
ValueError: invalid literal for int() with base 10: 'x'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/a.py", line 5, in f
    raise app.errors.ParseError("could not parse")
app.errors.ParseError: could not parse
the second line of the message`;

function rec(o: Record<string, unknown>) {
  return toWaftRecord({ trace_id: 't', span_id: 's', operation: 'op', ...o }, 0)!;
}

describe('waft records', () => {
  it('timestamps: naive isoformat() is UTC; fractions to the microsecond; zones honoured', () => {
    expect(parseWaftTimestamp('2026-01-09T09:07:12.933661')).toBeCloseTo(Date.UTC(2026, 0, 9, 9, 7, 12, 933) + 0.661, 3);
    expect(parseWaftTimestamp('2026-01-09T09:07:12')).toBe(Date.UTC(2026, 0, 9, 9, 7, 12));
    expect(parseWaftTimestamp('2026-01-09 09:07:12Z')).toBe(Date.UTC(2026, 0, 9, 9, 7, 12));
    expect(parseWaftTimestamp('2026-01-09T11:07:12+02:00')).toBe(Date.UTC(2026, 0, 9, 9, 7, 12));
    expect(parseWaftTimestamp('2026-01-09T04:07:12-0500')).toBe(Date.UTC(2026, 0, 9, 9, 7, 12));
    expect(parseWaftTimestamp(1767949632)).toBe(1767949632000);
    expect(parseWaftTimestamp('yesterday')).toBeUndefined();
    expect(parseWaftTimestamp(null)).toBeUndefined();
  });

  it("statuses: waft's three words, anything else unset", () => {
    expect(['success', 'error', 'pending', 'SUCCESS', 'weird', ''].map(waftStatus)).toEqual(['ok', 'error', 'running', 'ok', 'unset', 'unset']);
  });

  it('errors: str(e), a traceback as the error text, a chained traceback', () => {
    expect(waftError(rec({ status: 'error', error: 'boom' }))).toEqual({ message: 'boom' });
    expect(waftError(rec({ status: 'error', error: TB }))).toEqual({ type: 'ValueError', message: 'bad 12', stack: TB });
    expect(waftError(rec({ status: 'error', error: CHAINED }))).toMatchObject({
      type: 'app.errors.ParseError',
      message: 'could not parse\nthe second line of the message',
    });
    expect(waftError(rec({ status: 'error', error: 'bad 12', metadata: { traceback: TB } }))).toEqual({ type: 'ValueError', message: 'bad 12', stack: TB });
    expect(waftError(rec({ status: 'error' }))).toEqual({ message: 'error (waft recorded no message)' });
    expect(waftError(rec({ status: 'success' }))).toBeUndefined();
  });

  it('errors: text before a traceback is read as every store’s is (model/errors): the caught exception, its cause', () => {
    expect(waftError(rec({ status: 'error', error: `RuntimeError: step failed:\n${TB}` }))).toEqual({
      type: 'RuntimeError',
      message: 'step failed: ValueError: bad 12',
      stack: TB,
    });
  });

  it('a line without trace_id or span_id is not a span', () => {
    expect(toWaftRecord({ trace_id: 't', operation: 'x' }, 0)).toBeUndefined();
    expect(toWaftRecord({ span_id: 's' }, 0)).toBeUndefined();
    expect(rec({ parent_span_id: '', duration_ms: -1, data: {}, metadata: null })).toMatchObject({ parentId: null });
    expect(rec({ duration_ms: -1 }).durationMs).toBeUndefined();
  });

  it("Python's bare NaN / Infinity become strings, inside strings left alone", () => {
    expect(quoteNonFinite('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN \\" Infinity"}')).toBe(
      '{"a": "NaN", "b": ["Infinity", "-Infinity"], "c": "NaN \\" Infinity"}',
    );
  });
});
