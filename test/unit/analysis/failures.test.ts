import { describe, expect, it } from 'vitest';
import {
  aggregateFailures,
  errorSummary,
  failureDiagnosticText,
  failureLensText,
  failureSample,
  failureTimeMs,
  mergeNameRunStats,
  nameRunStats,
  ownFailures,
  passingLensText,
  type FailureSample,
} from '../../../src/analysis/failures';
import type { Run, Span, SpanSummary } from '../../../src/model/types';

const HOUR = 3_600_000;
const NOW = Date.UTC(2025, 10, 20, 12, 0, 0);

function span(id: string, over: Partial<Span> = {}): Span {
  return { id, runId: 'r', parentId: null, name: id, status: 'ok', rawStatus: '', startOffsetMs: 0, attributes: {}, events: [], ...over };
}

function run(id: string, over: Partial<Run> = {}): Run {
  return { id, store: '/s.db', name: 'enrich_customers', status: 'error', rawStatus: 'failed', spanCount: 3, attributes: {}, ...over };
}

function sample(runId: string, over: Partial<FailureSample> = {}): FailureSample {
  return {
    storeId: '/s.db',
    runId,
    runName: 'enrich_customers',
    spanId: `${runId}-s`,
    spanName: 'score_risk',
    error: "KeyError: 'income'",
    source: { path: 'pipelines/enrich.py', line: 24 },
    ...over,
  };
}

describe('ownFailures', () => {
  it('keeps failed spans no failed span names as parent: the line that failed, once', () => {
    const spans = [
      span('root', { status: 'error' }),
      span('loop', { status: 'error', parentId: 'root' }),
      span('iter1', { parentId: 'loop' }),
      span('iter2', { status: 'error', parentId: 'loop' }),
      span('call', { status: 'error', parentId: 'iter2' }),
      span('other', { status: 'error', parentId: 'root' }),
      span('fine', { parentId: 'root' }),
    ];
    expect(ownFailures(spans).map((s) => s.id)).toEqual(['call', 'other']);
  });

  it('a failed span whose failed child lost its way (self-parent) still counts', () => {
    expect(ownFailures([span('a', { status: 'error', parentId: 'a' })]).map((s) => s.id)).toEqual(['a']);
    expect(ownFailures([span('a', { status: 'ok' })])).toEqual([]);
  });
});

describe('errorSummary', () => {
  it('type and message on one line, without repeating the type', () => {
    expect(errorSummary(span('x', { error: { type: 'KeyError', message: "'income'" } }))).toBe("KeyError: 'income'");
    expect(errorSummary(span('x', { error: { type: 'ValueError', message: 'ValueError: empty' } }))).toBe('ValueError: empty');
    expect(errorSummary(span('x', { error: { message: '\n  first line\nsecond' } }))).toBe('first line');
    expect(errorSummary(span('x', { error: { type: 'Boom', message: '' } }))).toBe('Boom');
    expect(errorSummary(span('x', { error: { message: '', stack: 'Traceback…\n  File "a.py", line 1\nKeyError: 1\n' } }))).toBe('KeyError: 1');
    expect(errorSummary(span('x'))).toBe('');
    expect(errorSummary(span('x', { error: { message: 'x'.repeat(300) } }), 20)).toHaveLength(20);
  });
});

describe('failureTimeMs / failureSample', () => {
  it('run clock + span offset + duration; none without a run clock', () => {
    expect(failureTimeMs({ startMs: 1000 }, { startOffsetMs: 200, durationMs: 50 })).toBe(1250);
    expect(failureTimeMs({ startMs: 1000 }, { startOffsetMs: 200 })).toBe(1200);
    expect(failureTimeMs({}, { startOffsetMs: 200 })).toBeUndefined();
  });

  it('a sample names the run, the span, its error and where', () => {
    const s = failureSample('/s.db', run('r1', { startMs: NOW }), span('x', { name: 'score_risk', error: { type: 'KeyError', message: "'income'" } }), {
      path: 'pipelines/enrich.py',
      line: 24,
    });
    expect(s).toEqual({
      storeId: '/s.db',
      runId: 'r1',
      runName: 'enrich_customers',
      runStartMs: NOW,
      spanId: 'x',
      spanName: 'score_risk',
      timeMs: NOW,
      error: "KeyError: 'income'",
      source: { path: 'pipelines/enrich.py', line: 24 },
    });
    // No error on the span: the run's, else nothing (the texts then say no more than "failed").
    expect(failureSample('/s.db', run('r1', { error: 'Step reconcile failed\nmore' }), span('y', { status: 'error' }), { path: 'a.py', line: 1 }).error).toBe(
      'Step reconcile failed more',
    );
    const bare = failureSample('/s.db', run('r1'), span('y', { status: 'error' }), { path: 'a.py', line: 1 });
    expect(bare.error).toBe('');
    const g = aggregateFailures([bare])[0]!;
    expect(failureDiagnosticText(g)).toBe('y failed in 1 of 1 run');
    expect(failureLensText(g, NOW)).toBe('y failed in 1 of 1 run');
  });
});

describe('aggregateFailures', () => {
  it('groups by file, line and span name; counts distinct runs; the newest error is "last"', () => {
    const samples = [
      sample('r1', { timeMs: NOW - 5 * HOUR, error: 'KeyError: old' }),
      sample('r2', { timeMs: NOW - 2 * HOUR }),
      sample('r2', { spanId: 'r2-again', timeMs: NOW - 3 * HOUR }), // a second failure in the same run
      sample('r3', { spanName: 'summarize', timeMs: NOW - HOUR }),
      sample('r4', { source: { path: 'pipelines/enrich.py', line: 8, column: 5 }, spanName: 'load_customers' }),
      sample('r1', { storeId: '/other.db', timeMs: NOW - 4 * HOUR }), // same run id, other store: another run
    ];
    const groups = aggregateFailures(samples, new Map([['score_risk', 40], ['summarize', 1]]));
    expect(groups.map((g) => g.key)).toEqual([
      'pipelines/enrich.py:8:load_customers',
      'pipelines/enrich.py:24:score_risk',
      'pipelines/enrich.py:24:summarize',
    ]);
    const score = groups[1]!;
    expect(score).toMatchObject({ path: 'pipelines/enrich.py', line: 24, spanName: 'score_risk', failedRuns: 3, totalRuns: 40, guess: false });
    expect(score.lastError).toBe("KeyError: 'income'");
    expect(score.lastMs).toBe(NOW - 2 * HOUR);
    expect(score.samples.map((s) => s.timeMs)).toEqual([NOW - 2 * HOUR, NOW - 3 * HOUR, NOW - 4 * HOUR, NOW - 5 * HOUR]);
    expect(groups[0]).toMatchObject({ column: 5, failedRuns: 1, totalRuns: 1 }); // no total known: its failures
    expect(groups[2]!.totalRuns).toBe(1);
  });

  it('a group is a guess only when every location was; samples are capped', () => {
    const g = aggregateFailures([
      sample('a', { source: { path: 'p.py', line: 1, guess: true } }),
      sample('b', { source: { path: 'p.py', line: 1, guess: true } }),
    ]);
    expect(g[0]!.guess).toBe(true);
    const mixed = aggregateFailures([sample('a', { source: { path: 'p.py', line: 1, guess: true } }), sample('b', { source: { path: 'p.py', line: 1 } })]);
    expect(mixed[0]!.guess).toBe(false);
    const many = aggregateFailures(Array.from({ length: 30 }, (_, i) => sample(`r${i}`, { timeMs: i })), new Map(), 10);
    expect(many[0]!.failedRuns).toBe(30);
    expect(many[0]!.samples).toHaveLength(10);
    expect(many[0]!.samples[0]!.runId).toBe('r29');
  });
});

describe('texts', () => {
  const g = aggregateFailures(
    Array.from({ length: 8 }, (_, i) => sample(`r${i}`, { timeMs: NOW - (i + 2) * HOUR })),
    new Map([['score_risk', 40]]),
  )[0]!;

  it('the CodeLens: score_risk failed in 8 of 40 runs · last: KeyError · 2 h ago', () => {
    expect(failureLensText(g, NOW)).toBe("score_risk failed in 8 of 40 runs · last: KeyError: 'income' · 2 h ago");
    const one = aggregateFailures([sample('r', { source: { path: 'a.py', line: 3, guess: true } })])[0]!;
    expect(failureLensText(one, NOW)).toBe("score_risk failed in 1 of 1 run · last: KeyError: 'income' · (guess)");
  });

  it('the Problems message', () => {
    expect(failureDiagnosticText(g)).toBe("score_risk failed in 8 of 40 runs: KeyError: 'income'");
    const one = aggregateFailures([sample('r', { source: { path: 'a.py', line: 3, guess: true }, error: 'line1\nline2' })])[0]!;
    expect(failureDiagnosticText(one)).toBe('score_risk failed in 1 of 1 run: line1 line2 (location guessed from the step name)');
  });

  it('the quieter lens of a line that ran', () => {
    const stats = nameRunStats([
      ...Array.from({ length: 40 }, (_, i): SpanSummary => ({ runId: `r${i}`, name: 'score_risk', status: 'ok', durationMs: (i + 1) * 30 })),
      { runId: 'r0', name: 'score_risk', status: 'error', durationMs: 5 },
    ]);
    expect(stats.get('score_risk')).toEqual({ name: 'score_risk', runs: 40, spans: 41, failedRuns: 1, p95Ms: 1140 });
    expect(passingLensText(stats.get('score_risk')!)).toBe('score_risk · 40 runs · 1 failed · p95 1.14 s');
    expect(passingLensText({ name: 'x', runs: 1, spans: 1, failedRuns: 0, p95Ms: null })).toBe('x · 1 run');
  });
});

describe('nameRunStats / mergeNameRunStats', () => {
  it('counts distinct runs per name, and sums stores', () => {
    const a = nameRunStats([
      { runId: 'r1', name: 'x', status: 'ok', durationMs: 10 },
      { runId: 'r1', name: 'x', status: 'error', durationMs: 20 },
      { runId: 'r2', name: 'x', status: 'ok' },
      { runId: 'r2', name: 'y', status: 'running' },
    ]);
    expect(a.get('x')).toEqual({ name: 'x', runs: 2, spans: 3, failedRuns: 1, p95Ms: 20 });
    expect(a.get('y')).toEqual({ name: 'y', runs: 1, spans: 1, failedRuns: 0, p95Ms: null });
    const b = nameRunStats([{ runId: 'r1', name: 'x', status: 'ok', durationMs: 50 }]);
    const m = mergeNameRunStats([a, b]);
    expect(m.get('x')).toEqual({ name: 'x', runs: 3, spans: 4, failedRuns: 1, p95Ms: 50 });
    expect(a.get('x')!.runs).toBe(2); // inputs untouched
  });
});
