import type { Run, Span, SpanSummary } from '../../../src/model/types';
import type { RunQuery, SpanSummaryQuery, TraceStore } from '../../../src/sources/types';
import { filterRuns } from '../../../src/analysis/runs';

/** A TraceStore over plain arrays: the CLI's formatting tested without any reader. */
export function memStore(id: string, runs: Run[], spans: Span[]): TraceStore & { closed: boolean } {
  const store = {
    id,
    format: 'flujo' as const,
    closed: false,
    listRuns: async (q: RunQuery = {}) => filterRuns(runs, q),
    findRuns: async (partial: string) => {
      const exact = runs.filter((r) => r.id === partial);
      return exact.length ? exact : runs.filter((r) => r.id.toLowerCase().includes(partial.toLowerCase()));
    },
    getSpans: async (runId: string) => spans.filter((s) => s.runId === runId).sort((a, b) => a.startOffsetMs - b.startOffsetMs),
    spanSummaries: async (q: SpanSummaryQuery = {}): Promise<SpanSummary[]> => {
      const ids = new Set(filterRuns(runs, { pipeline: q.pipeline, sinceMs: q.sinceMs }).map((r) => r.id));
      return spans.filter((s) => ids.has(s.runId)).map((s) => ({ runId: s.runId, name: s.name, status: s.status, durationMs: s.durationMs }));
    },
    close: async () => {
      store.closed = true;
    },
  };
  return store;
}

export const NOW = Date.UTC(2026, 10, 21, 14, 0, 0);

function run(id: string, extra: Partial<Run>): Run {
  return { id, store: 'mem.db', name: 'enrich', status: 'ok', rawStatus: 'completed', spanCount: 0, attributes: {}, ...extra };
}

function span(runId: string, id: string, parentId: string | null, name: string, start: number, dur: number | undefined, extra: Partial<Span> = {}): Span {
  const s: Span = { id, runId, parentId, name, status: 'ok', rawStatus: 'completed', startOffsetMs: start, attributes: {}, events: [], ...extra };
  if (dur !== undefined) s.durationMs = dur;
  return s;
}

const TB = `Traceback (most recent call last):
  File "/app/steps/score.py", line 24, in score_risk
    tier = customer["tier"]
KeyError: 'tier'`;

export function sampleStore(): TraceStore & { closed: boolean } {
  const runs = [
    run('run_aaa111', { startMs: NOW - 3 * 3_600_000, durationMs: 1520, spanCount: 5 }),
    run('run_aaa222', { startMs: NOW - 2 * 3_600_000, durationMs: 2100, spanCount: 3, status: 'error', rawStatus: 'failed', error: TB }),
    run('run_bbb333', { startMs: NOW - 60_000, spanCount: 4, status: 'running', rawStatus: 'running', name: 'score' }),
    run('run_ccc444', { startMs: NOW - 30 * 3_600_000, durationMs: 125_000, spanCount: 4, name: 'score' }),
  ];
  const spans = [
    span('run_aaa111', 'r1', null, 'pipeline_run', 0, 1520),
    span('run_aaa111', 'r1a', 'r1', 'load_customers', 1.2, 340),
    span('run_aaa111', 'r1b', 'r1', "Loop 'refine' - Iteration 1", 342, 500, { events: [{ name: 'flujo.retry', attributes: { reason: 'retry', delay_seconds: 0 } }] }),
    span('run_aaa111', 'r1c', 'r1b', 'geocode', 343, 4.25),
    span('run_aaa111', 'r1d', 'r1', 'write_output', 900, 600),
    span('run_aaa222', 'r2', null, 'pipeline_run', 0, 2100, { status: 'error', rawStatus: 'failed', error: { message: TB } }),
    span('run_aaa222', 'r2a', 'r2', 'load_customers', 1, 300),
    span('run_aaa222', 'r2b', 'r2', 'score_risk', 302, 1790, { status: 'error', rawStatus: 'failed', error: { type: 'KeyError', message: "'tier'", stack: TB } }),
    span('run_bbb333', 'b0', null, 'pipeline_run', 0, undefined, { status: 'running', rawStatus: 'running' }),
    span('run_bbb333', 'b-orphan-0000000000', 'gone-parent-id', 'orphan', 5, 10),
    span('run_bbb333', 'cyc-a', 'cyc-b', 'cycle_a', 7, 1),
    span('run_bbb333', 'cyc-b', 'cyc-a', '<img src=x onerror=alert(1)>\u001b[31mred\nline', 8, 1),
    span('run_ccc444', 'c0', null, 'pipeline_run', 0, 125_000),
    span('run_ccc444', 'c1', 'c0', 'call_model', 10, 60_000),
    span('run_ccc444', 'c2', 'c0', 'call_model', 60_011, 30_000),
    span('run_ccc444', 'c3', 'c0', 'call_model', 90_012, 35_000),
  ];
  return memStore('mem.db', runs, spans);
}
