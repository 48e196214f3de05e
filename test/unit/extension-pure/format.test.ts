import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatDuration, formatStart, formatTimestamp } from '../../../src/model/format';
import { codeBlock, inlineCode, oneLine, runDescription, spanDescription, statsMarkdown, tailLines } from '../../../src/extension/format';
import type { Run, Span } from '../../../src/model/types';
import { computeStats } from '../../../src/analysis/stats';

describe('formatDuration', () => {
  it.each([
    [undefined, '—'],
    [Number.NaN, '—'],
    [0, '0 ms'],
    [0.42, '0.42 ms'],
    [7.5, '7.5 ms'],
    [7, '7 ms'],
    [340.4, '340 ms'],
    [999, '999 ms'],
    [999.4, '999 ms'],
    [999.6, '1.00 s'],
    [0.996, '1 ms'],
    [9.94, '9.9 ms'],
    [9.96, '10 ms'],
    [9_994, '9.99 s'],
    [9_996, '10.0 s'],
    [1000, '1.00 s'],
    [1234, '1.23 s'],
    [12_340, '12.3 s'],
    [59_600, '59.6 s'],
    [59_940, '59.9 s'],
    [59_960, '1m 00s'],
    [59_999, '1m 00s'],
    [60_000, '1m 00s'],
    [123_000, '2m 03s'],
    [3_599_000, '59m 59s'],
    [3_599_600, '1h 00m'],
    [3_599_999, '1h 00m'],
    [3_600_000, '1h 00m'],
    [3_720_000, '1h 02m'],
    [90_000_000, '1d 01h'],
    [-1500, '-1.50 s'],
  ])('%s → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatStart', () => {
  const now = new Date(2024, 10, 21, 15, 0, 0).getTime();
  it('shows only the time today', () => {
    expect(formatStart(new Date(2024, 10, 21, 14, 3, 22).getTime(), now)).toBe('14:03:22');
  });
  it('adds the day this year', () => {
    expect(formatStart(new Date(2024, 1, 3, 9, 5, 0).getTime(), now)).toBe('Feb 3 09:05');
  });
  it('adds the year before this one', () => {
    expect(formatStart(new Date(2023, 11, 31, 23, 59, 0).getTime(), now)).toBe('2023-12-31 23:59');
  });
  it('says unknown plainly', () => {
    expect(formatStart(undefined, now)).toBe('—');
  });
});

describe('other formatters', () => {
  it('formatTimestamp keeps milliseconds', () => {
    expect(formatTimestamp(new Date(2024, 0, 2, 3, 4, 5, 67).getTime())).toBe('2024-01-02 03:04:05.067');
  });
  it('formatAgo', () => {
    const now = 10_000_000;
    expect(formatAgo(now - 1000, now)).toBe('just now');
    expect(formatAgo(now - 42_000, now)).toBe('42 s ago');
    expect(formatAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatAgo(now + 3_000, now)).toBe('just now'); // start + offset a little ahead of this clock
    expect(formatAgo(now + 600_000, now)).toBe('in the future');
  });
  it('formatBytes', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(4096)).toBe('4.0 KB');
    expect(formatBytes(1.2 * 1024 ** 3)).toBe('1.2 GB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MB');
  });
});

const run = (over: Partial<Run> = {}): Run => ({
  id: 'r1',
  store: '/s.db',
  name: 'checkout',
  status: 'ok',
  rawStatus: 'completed',
  startMs: Date.now(),
  durationMs: 1234,
  spanCount: 3,
  attributes: {},
  ...over,
});

const span = (over: Partial<Span> = {}): Span => ({
  id: 's1',
  runId: 'r1',
  parentId: null,
  name: 'step',
  status: 'ok',
  rawStatus: 'ok',
  startOffsetMs: 0,
  durationMs: 120,
  attributes: {},
  events: [],
  ...over,
});

describe('descriptions', () => {
  it('run: start and duration, or running', () => {
    expect(runDescription(run())).toMatch(/^\d\d:\d\d:\d\d · 1\.23 s$/);
    expect(runDescription(run({ status: 'running', durationMs: undefined }))).toMatch(/· running$/);
  });
  it('span: duration, running, and the error type of a failure', () => {
    expect(spanDescription(span())).toBe('120 ms');
    expect(spanDescription(span({ durationMs: undefined, status: 'running' }))).toBe('running');
    expect(spanDescription(span({ status: 'error', error: { type: 'ValueError', message: 'bad' } }))).toBe('120 ms · ValueError');
  });
  it('oneLine folds whitespace and cuts', () => {
    expect(oneLine('a\n  b\tc')).toBe('a b c');
    expect(oneLine('x'.repeat(10), 5)).toBe('xxxx…');
  });
  it('tailLines keeps the frames nearest the error', () => {
    expect(tailLines('1\n2\n3\n4', 2)).toBe('…\n3\n4');
    expect(tailLines('1\n2\n', 5)).toBe('1\n2');
  });
});

describe('markdown safety', () => {
  it('codeBlock fences longer than any backtick run in the data', () => {
    const text = 'before\n```\n**not bold** <img src=x>\n```';
    const block = codeBlock(text);
    expect(block).toContain('````text\n');
    expect(block.trim().endsWith('````')).toBe(true);
  });
  it('inlineCode survives backticks and pipes', () => {
    expect(inlineCode('a|b')).toBe('`a\\|b`');
    expect(inlineCode('x `y` z')).toBe('``x `y` z``');
    expect(inlineCode('`edge')).toBe('`` `edge ``');
    expect(inlineCode('<b>html</b>')).toBe('`<b>html</b>`');
  });
});

describe('statsMarkdown', () => {
  it('renders a padded table with every name code-fenced', () => {
    const stats = computeStats([
      { runId: 'a', name: 'fetch', status: 'ok', durationMs: 100 },
      { runId: 'a', name: 'fetch', status: 'ok', durationMs: 300 },
      { runId: 'b', name: '<script>x|y', status: 'error', durationMs: 1500 },
    ]);
    const md = statsMarkdown({ pipeline: 'checkout', store: '/w/flujo_ops.db', stats, runCount: 2 });
    expect(md).toContain('# Pipeline stats: `checkout`');
    expect(md).toContain('- Runs: 2');
    expect(md).toContain('By status: ok 2 · error 1');
    expect(md).toContain('`<script>x\\|y`');
    const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
    expect(tableLines).toHaveLength(4);
    // Padded: every row as wide as the header.
    expect(new Set(tableLines.map((l) => l.length)).size).toBe(1);
  });
  it('says so when there are no spans', () => {
    const md = statsMarkdown({ pipeline: 'p', store: 's', stats: computeStats([]) });
    expect(md).toContain('No spans recorded');
  });
});
