import { describe, expect, it } from 'vitest';
import { filterRuns, sinceHoursToMs, toRunQuery } from '../../../src/analysis/runs';
import { run } from './helpers';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('sinceHoursToMs / toRunQuery', () => {
  it('converts hours (fractional too) to an epoch-ms cut-off', () => {
    expect(sinceHoursToMs(24, NOW)).toBe(NOW - 86_400_000);
    expect(sinceHoursToMs(0.5, NOW)).toBe(NOW - 1_800_000);
  });

  it('maps a user filter to a store query, leaving unset fields out', () => {
    expect(toRunQuery({}, NOW)).toEqual({});
    expect(toRunQuery({ status: 'error', pipeline: 'p', sinceHours: 1, limit: 5 }, NOW)).toEqual({
      status: 'error',
      pipeline: 'p',
      sinceMs: NOW - 3_600_000,
      limit: 5,
    });
  });
});

describe('filterRuns', () => {
  const runs = [
    run('old', { startMs: NOW - 10 * 3_600_000 }),
    run('nostart'),
    run('new', { startMs: NOW - 60_000, status: 'error', name: 'other' }),
    run('mid', { startMs: NOW - 3_600_000 }),
  ];
  const ids = (xs: { id: string }[]) => xs.map((r) => r.id);

  it('orders newest first, runs without a start last', () => {
    expect(ids(filterRuns(runs, {}))).toEqual(['new', 'mid', 'old', 'nostart']);
  });

  it('filters by status, pipeline, since and limit', () => {
    expect(ids(filterRuns(runs, { status: 'error' }))).toEqual(['new']);
    expect(ids(filterRuns(runs, { pipeline: 'pipe' }))).toEqual(['mid', 'old', 'nostart']);
    expect(ids(filterRuns(runs, { sinceMs: NOW - 2 * 3_600_000 }))).toEqual(['new', 'mid']);
    expect(ids(filterRuns(runs, { limit: 2, offset: 1 }))).toEqual(['mid', 'old']);
  });
});
