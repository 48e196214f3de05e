import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src/model/types';
import { buildSpans, metadataAttributes, parseUtc, START_ESTIMATED_KEY } from '../../../src/sources/claudeflow/steps';
import { rawStatusesFor, stepStatus, traceStatus } from '../../../src/sources/claudeflow/status';

const T0 = Date.UTC(2026, 10, 16, 12, 0, 0);

function run(over: Partial<Run> = {}): Run {
  return {
    id: 't1',
    store: 'postgres://h/db',
    name: 'skill',
    status: 'ok',
    rawStatus: 'success',
    startMs: T0,
    durationMs: 100,
    spanCount: 0,
    attributes: {},
    ...over,
  };
}

describe('parseUtc', () => {
  it('reads Python isoformat text without an offset as UTC, microseconds kept', () => {
    expect(parseUtc('2026-11-16T12:00:00')).toBe(T0);
    expect(parseUtc('2026-11-16T12:00:00.123456')).toBeCloseTo(T0 + 123.456, 6);
    expect(parseUtc('2026-11-16 12:00:00.5')).toBe(T0 + 500);
  });

  it('honours an offset or Z, and takes epoch numbers', () => {
    expect(parseUtc('2026-11-16T07:00:00-05:00')).toBe(T0);
    expect(parseUtc('2026-11-16T12:00:00Z')).toBe(T0);
    expect(parseUtc('2026-11-16T13:30:00+0130')).toBe(T0);
    expect(parseUtc(T0 / 1000)).toBe(T0);
    expect(parseUtc(T0)).toBe(T0);
  });

  it('is undefined for anything else', () => {
    for (const v of ['', 'yesterday', null, undefined, {}, NaN, '2026-13-45T99:00:00x']) expect(parseUtc(v)).toBeUndefined();
  });
});

describe('statuses', () => {
  it('maps claude-flow\'s four trace words and keeps the filter in step with them', () => {
    expect(['running', 'success', 'failed', 'timeout', 'SUCCESS', null].map(traceStatus)).toEqual(['running', 'ok', 'error', 'error', 'unset', 'unset']);
    expect(rawStatusesFor('ok')).toEqual(['success']);
    expect(rawStatusesFor('error').sort()).toEqual(['failed', 'timeout']);
    expect(rawStatusesFor('running')).toEqual(['running']);
    expect(rawStatusesFor('paused')).toEqual([]);
  });

  it('reads step words by meaning', () => {
    expect(['success', 'failed', 'Failed', 'skipped', 'weird', 7].map(stepStatus)).toEqual(['ok', 'error', 'error', 'unset', 'unset', 'unset']);
  });
});

describe('buildSpans', () => {
  it('a root and the steps; a step starts duration_ms before its timestamp', () => {
    const spans = buildSpans(run(), [
      { name: 'a', timestamp: '2026-11-16T12:00:00.010000', duration_ms: 10, status: 'success', extra: { k: 1 } },
      { name: 'b', timestamp: '2026-11-16T12:00:00.050000', duration_ms: 30, status: 'failed', error_message: 'nope' },
    ]);
    expect(spans.map((s) => [s.id, s.parentId, s.name, s.startOffsetMs, s.durationMs, s.status])).toEqual([
      ['root', null, 'skill', 0, 100, 'ok'],
      ['step-1', 'root', 'a', 0, 10, 'ok'],
      ['step-2', 'root', 'b', 20, 30, 'error'],
    ]);
    expect(spans[1]!.attributes).toEqual({ timestamp: '2026-11-16T12:00:00.010000', extra: { k: 1 }, 'claude_flow.step_index': 0 });
    expect(spans[2]!.error).toEqual({ message: 'nope' });
  });

  it("a step's error_message and the trace's are read as every store's error text is (model/errors)", () => {
    const spans = buildSpans(run({ status: 'error', error: 'TimeoutError: skill timed out after 30000ms' }), [
      { name: 'fetch', timestamp: '2026-11-16T12:00:00.050000', duration_ms: 30, status: 'failed', error_message: "TypeError: Cannot read properties of undefined (reading 'id')" },
    ]);
    expect(spans[0]!.error).toEqual({ type: 'TimeoutError', message: 'skill timed out after 30000ms' });
    expect(spans[1]!.error).toEqual({ type: 'TypeError', message: "Cannot read properties of undefined (reading 'id')" });
  });

  it('survives what a table may hold instead: no array, scalars, no times, out of order', () => {
    expect(buildSpans(run(), { not: 'an array' }).map((s) => s.id)).toEqual(['root']);
    expect(buildSpans(run(), null).length).toBe(1);
    const spans = buildSpans(run({ durationMs: undefined }), [
      'just-a-name',
      42,
      { duration_ms: 'x', status: 'ok' },
      { name: 'late', timestamp: '2026-11-16T12:00:01', duration_ms: 100 },
      { name: 'early', timestamp: '2026-11-16T12:00:00.200', duration_ms: 100 },
      { name: 'before-start', timestamp: '2026-11-16T11:59:59', duration_ms: 5 },
    ]);
    expect(spans.map((s) => s.name)).toEqual(['skill', 'just-a-name', 'step 2', 'step 3', 'before-start', 'early', 'late']);
    expect(spans.find((s) => s.name === 'just-a-name')!.attributes[START_ESTIMATED_KEY]).toBe(true);
    expect(spans.find((s) => s.name === 'step 3')!.durationMs).toBeUndefined();
    expect(spans.find((s) => s.name === 'early')!.startOffsetMs).toBe(100);
    expect(spans.find((s) => s.name === 'before-start')!.startOffsetMs).toBe(0);
    // The root covers its steps.
    expect(spans[0]!.durationMs).toBe(1000);
  });

  it('a running trace: the root is open, the error stays off a non-error run', () => {
    const spans = buildSpans(run({ status: 'running', rawStatus: 'running', durationMs: undefined, error: 'x' }), [
      { name: 'a', timestamp: '2026-11-16T12:00:00.010', duration_ms: 10 },
    ]);
    expect(spans[0]!.durationMs).toBeUndefined();
    expect(spans[0]!.error).toBeUndefined();
  });

  it('metadata: an object\'s keys, nested values kept; anything else under "metadata"', () => {
    expect(metadataAttributes({ a: 1, b: { c: [1, 'x', null] } })).toEqual({ a: 1, b: { c: [1, 'x', null] } });
    expect(metadataAttributes(null)).toEqual({});
    expect(metadataAttributes([1, 2])).toEqual({ metadata: [1, 2] });
    expect(metadataAttributes('text')).toEqual({ metadata: 'text' });
  });
});
