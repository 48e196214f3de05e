import { describe, expect, it } from 'vitest';
import { errorCause, parseErrorText, parseTraceback, errorText } from '../../../src/model/errors';
import { failureText, findSimilarFailures } from '../../../src/analysis/similar';

const TB = [
  'Traceback (most recent call last):',
  '  File "/home/ci/project/pipelines/loans.py", line 41, in compute_dti',
  '    ratio = row["debt"] / row["income"]',
  "KeyError: 'income'",
].join('\n');

describe('parseErrorText', () => {
  it("reads Flujo's agent wrapper: the exception's type and message, without the wrapper", () => {
    expect(parseErrorText("Agent execution failed with KeyError: 'income'")).toEqual({ type: 'KeyError', message: "'income'" });
    // Any exception class, dotted or not, even one not named …Error.
    expect(parseErrorText('Agent execution failed with httpx.ReadTimeout: timed out')).toEqual({ type: 'httpx.ReadTimeout', message: 'timed out' });
    expect(parseErrorText('Agent execution failed with StopAsyncIteration: ')).toEqual({ type: 'StopAsyncIteration', message: 'StopAsyncIteration' });
  });

  it('an embedded traceback is the stack; the type is the caught one; the message ends with the cause', () => {
    const e = parseErrorText(`Agent execution failed with RuntimeError: compute_dti failed:\n${TB}\n`);
    expect(e).toEqual({ type: 'RuntimeError', message: "compute_dti failed: KeyError: 'income'", stack: TB });
    // Without Flujo's wrapper, the same.
    expect(parseErrorText(`RuntimeError: compute_dti failed:\n${TB}`).type).toBe('RuntimeError');
  });

  it('a bare traceback gives its last line; one-line exceptions their type; other text is the message', () => {
    expect(parseErrorText(TB)).toEqual({ type: 'KeyError', message: "'income'", stack: TB });
    expect(parseErrorText('ValueError: empty')).toEqual({ type: 'ValueError', message: 'empty' });
    expect(parseErrorText('Note: retry later')).toEqual({ message: 'Note: retry later' });
    expect(parseErrorText('Agent execution failed: TimeoutError: 30s')).toEqual({ message: 'Agent execution failed: TimeoutError: 30s' });
    expect(parseErrorText('')).toEqual({ message: '' });
  });

  it('keepMessageLines (waft): the exception line is the last unindented class line, the lines below it its message', () => {
    const chained = [
      TB,
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/app/a.py", line 5, in f',
      '    raise app.errors.ParseError("could not parse\\nthe second line")',
      'app.errors.ParseError: could not parse',
      'the second line',
      '  indented third line',
    ].join('\n');
    expect(parseErrorText(chained, { keepMessageLines: true })).toEqual({
      type: 'app.errors.ParseError',
      message: 'could not parse\nthe second line\n  indented third line',
      stack: chained,
    });
    // Without the option the last line is the exception (one line): none names a class here.
    expect(parseErrorText(chained)).toEqual({ message: 'indented third line', stack: chained });
    // A bare class and a one-line traceback read the same either way.
    const bare = 'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nKeyboardInterrupt';
    expect(parseErrorText(bare, { keepMessageLines: true })).toEqual({ type: 'KeyboardInterrupt', message: 'KeyboardInterrupt', stack: bare });
    expect(parseErrorText(TB, { keepMessageLines: true })).toEqual(parseErrorText(TB));
    // No class line after the header: the last line is the message.
    const cut = 'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nsomething went wrong';
    expect(parseErrorText(cut, { keepMessageLines: true })).toEqual({ message: 'something went wrong', stack: cut });
  });

  it('parseTraceback reads a traceback and nothing else', () => {
    expect(parseTraceback(TB)).toEqual({ type: 'KeyError', message: "'income'", stack: TB });
    expect(parseTraceback('ValueError: empty')).toBeUndefined();
    expect(parseTraceback(`  ${TB}\n\n`)).toEqual({ type: 'KeyError', message: "'income'", stack: TB });
  });

  it("keeps a loop's wording, drops the agent wrapper inside it; its cause is the body's error", () => {
    const e = parseErrorText("Loop body failed: Agent execution failed with KeyError: 'income'");
    expect(e).toEqual({ message: "Loop body failed: KeyError: 'income'" });
    expect(errorText(errorCause(e))).toBe("KeyError: 'income'");
    expect(errorCause({ type: 'X', message: 'Loop body failed: y' })).toEqual({ type: 'X', message: 'Loop body failed: y' });
  });

  it('takes hostile text in linear time (no backtracking)', () => {
    const evil = `Agent execution failed with ${'a.'.repeat(100_000)}!: ${'Traceback '.repeat(50_000)}`;
    const t0 = performance.now();
    parseErrorText(evil);
    parseErrorText(`${'x'.repeat(300_000)}\nTraceback (most recent call last):\n${'  File "a.py", line 1, in f\n'.repeat(20_000)}E: m`);
    expect(performance.now() - t0).toBeLessThan(2000); // a backtracking pattern takes minutes here
  });
});

describe('similar over Flujo errors', () => {
  it('groups the wrapped and traceback forms of one failure', () => {
    const run = { id: 'r', startMs: 1 };
    const a = failureText(parseErrorText(`Agent execution failed with RuntimeError: compute_dti failed:\n${TB}`));
    const b = failureText(parseErrorText(`Agent execution failed with RuntimeError: compute_dti failed:\n${TB.replace('line 41', 'line 44')}`));
    expect(a).toBe(b);
    const hits = findSimilarFailures("KeyError: 'income'", [{ text: a, run }, { text: 'ValueError: empty', run }]);
    expect(hits.map((h) => h.text)).toEqual([a]);
  });
});
