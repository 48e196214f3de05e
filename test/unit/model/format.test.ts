/** The one set of number formatters (model/format.ts), in the editor's and the CLI's styles. */
import { describe, expect, it } from 'vitest';
import * as cli from '../../../src/cli/format/duration';
import { durationClockNote, formatCount, formatDuration, formatOffset, formatUsd } from '../../../src/model/format';

describe('one formatDuration, two styles', () => {
  it.each([
    [undefined, '—', '-'],
    [0, '0 ms', '0ms'],
    [0.42, '0.42 ms', '0.4ms'],
    [9.96, '10 ms', '10ms'],
    [340, '340 ms', '340ms'],
    [1234, '1.23 s', '1.2s'],
    [12_345, '12.3 s', '12.3s'],
    [123_000, '2m 03s', '2m03s'],
    [3_720_000, '1h 02m', '1h02m'],
    [90_000_000, '1d 01h', '1d01h'],
    [1e308, '>99999d', '>99999d'],
    [-1500, '-1.50 s', '-1.5s'],
  ])('%s → "%s" in the editor, "%s" in the CLI', (ms, text, compact) => {
    expect(formatDuration(ms)).toBe(text);
    expect(formatDuration(ms, 'compact')).toBe(compact);
    // The CLI's name for it is the compact style, not a second implementation.
    expect(cli.formatDuration(ms)).toBe(compact);
  });

  it('rounds each unit where its surface always did: the CLI from the milliseconds, the editor from the unit below', () => {
    // 60.495 minutes: 3630 s, which is 60.5 min → 61 from the seconds; 60 from the milliseconds.
    expect(formatDuration(3_629_700)).toBe('1h 01m');
    expect(formatDuration(3_629_700, 'compact')).toBe('1h00m');
  });

  it('offsets are signed: a typographic minus in the editor, ASCII in the CLI', () => {
    expect([formatOffset(340), formatOffset(-2), formatOffset(Number.NaN)]).toEqual(['+340 ms', '−2 ms', '']);
    expect([formatOffset(340, 'compact'), formatOffset(-2, 'compact'), formatOffset(undefined, 'compact')]).toEqual(['+340ms', '-2ms', '-']);
    expect(cli.formatOffset(-2)).toBe('-2ms');
  });

  it('the clock note writes its difference in the caller’s style', () => {
    const run = { durationClock: 'root-span' as const, durationMs: 1000, recordDurationMs: 2500 };
    expect(durationClockNote(run)).toBe('root span; run record 1.50 s longer');
    expect(durationClockNote(run, 'compact')).toBe('root span; run record 1.5s longer');
  });
});

describe('counts and costs', () => {
  it('counts: thousands separated, fractions to two places, the same for the CLI and the webview', () => {
    expect([formatCount(1_234_567), formatCount(12), formatCount(-4500), formatCount(1234.5678)]).toEqual(['1,234,567', '12', '-4,500', '1,234.57']);
    expect(cli.formatCount(1_234_567)).toBe('1,234,567');
    // Grouped by hand (no ICU start-up), as toLocaleString('en-US') groups them.
    for (const n of [0, 7, 999, 1000, 99_999, 100_000, 123_456_789, -1, -1000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
    }
  });

  it('costs: cents always, small sums to six places', () => {
    expect([formatUsd(0.0042), formatUsd(1), formatUsd(12.345), formatUsd(0), formatUsd(0.1), formatUsd(100)]).toEqual(['$0.0042', '$1.00', '$12.35', '$0.00', '$0.10', '$100.00']);
  });
});
