import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatOffset, formatTime } from '../../../src/cli/format/duration';
import { statusLabel } from '../../../src/cli/format/status';
import { renderTable } from '../../../src/cli/format/table';
import { clean, displayWidth, oneLine, shellQuote, shortId, truncate } from '../../../src/cli/format/text';
import { errorLine } from '../../../src/cli/format/tree';
import { toJson } from '../../../src/cli/verbs/verb';

describe('durations and times', () => {
  it.each([
    [undefined, '-'],
    [Number.NaN, '-'],
    [0, '0ms'],
    [0.42, '0.4ms'],
    [4.25, '4.3ms'],
    [12.4, '12ms'],
    [340, '340ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [1234, '1.2s'],
    [12_345, '12.3s'],
    [59_940, '59.9s'],
    [123_000, '2m03s'],
    [3_599_000, '59m59s'],
    [3_720_000, '1h02m'],
    [90_000_000, '1d01h'],
    [-340, '-340ms'],
  ])('formatDuration(%s) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('formats offsets with a sign', () => {
    expect(formatOffset(340)).toBe('+340ms');
    expect(formatOffset(-5)).toBe('-5ms');
    expect(formatOffset(undefined)).toBe('-');
  });

  it('formats local wall-clock times', () => {
    const d = new Date(2026, 10, 21, 14, 3, 7); // local time
    expect(formatTime(d.getTime())).toBe('2026-11-21 14:03:07');
    expect(formatTime(undefined)).toBe('-');
  });

  it('groups thousands', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(12)).toBe('12');
  });
});

describe('terminal safety', () => {
  it('drops escape sequences and control characters, keeps HTML as text', () => {
    expect(clean('a\u001b[31mred\u001b[0m b')).toBe('ared b');
    expect(clean('x\u001b]0;title\u0007y')).toBe('xy');
    expect(clean('line1\nline2\r\nline3\tend')).toBe('line1 line2 line3 end');
    expect(clean('\u202eevil\u202c \u009b31mx')).toBe('evil x');
    expect(clean('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(clean('&lt;b&gt;')).toBe('&lt;b&gt;');
  });

  it('cuts a message to its useful line', () => {
    expect(oneLine('first\nsecond')).toBe('first');
    expect(oneLine('\n\n  spaced  \n')).toBe('spaced');
    expect(oneLine('Traceback (most recent call last):\n  File "x.py", line 1\nKeyError: \'k\'')).toBe("KeyError: 'k'");
    expect(oneLine('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  });

  it('prefixes the error type unless the message already says it', () => {
    expect(errorLine({ type: 'KeyError', message: "'k'" })).toBe("KeyError: 'k'");
    expect(errorLine({ type: 'ValueError', message: 'ValueError: bad' })).toBe('ValueError: bad');
    expect(errorLine({ message: 'Traceback (most recent call last):\nKeyError: x' })).toBe('KeyError: x');
  });

  it('measures wide characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(truncate('日本語テキスト', 5)).toBe('日本…');
  });

  it('quotes for a shell only when needed; shortens long ids', () => {
    expect(shellQuote('/tmp/flujo_ops.db')).toBe('/tmp/flujo_ops.db');
    expect(shellQuote("/my dir/it's.db")).toBe(`'/my dir/it'\\''s.db'`);
    expect(shortId('0f0e0d0c-dead-4bee-8000-000000000000')).toBe('0f0e0d0c…');
    expect(shortId('r2b')).toBe('r2b');
  });

  it('escapes C1 and bidi characters in JSON without changing the value', () => {
    const value = { name: 'a\u009b31mb\u202ec\u2028d\u001b' };
    const text = toJson(value);
    expect(text).not.toMatch(/[\u0080-\u009f\u202e\u2028\u001b]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderTable', () => {
  it('aligns columns, right-aligns numbers, leaves the last column unpadded', () => {
    const text = renderTable(
      [
        { n: 'alpha', c: 1, e: 'x' },
        { n: 'b\nc', c: 1000, e: '' },
      ],
      [
        { header: 'name', value: (r) => r.n },
        { header: 'count', value: (r) => String(r.c), align: 'right' },
        { header: 'error', value: (r) => r.e },
      ],
    );
    expect(text).toBe(['NAME   COUNT  ERROR', 'alpha      1  x', 'b c     1000', ''].join('\n'));
  });
});

describe('statusLabel', () => {
  it('marks statuses and adds the raw word when it differs', () => {
    expect(statusLabel('ok')).toBe('✓ ok');
    expect(statusLabel('error', 'failed', true)).toBe('✗ error (failed)');
    expect(statusLabel('running', 'running', true)).toBe('● running');
    expect(statusLabel('paused')).toBe('‖ paused');
    expect(statusLabel('unset')).toBe('· unset');
  });
});
