import type { Run, Span } from '../../../src/model/types';

export function makeRun(over: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    store: '/work/proj/flujo_ops.db',
    name: 'review_pipeline',
    status: 'error',
    rawStatus: 'failed',
    startMs: 1_700_000_000_000,
    durationMs: 4200,
    spanCount: 3,
    attributes: {},
    ...over,
  };
}

export function makeSpan(over: Partial<Span> = {}): Span {
  return {
    id: 'span-1',
    runId: 'run-1',
    parentId: null,
    name: 'analyze_step',
    status: 'ok',
    rawStatus: 'completed',
    startOffsetMs: 340,
    durationMs: 1250,
    attributes: {},
    events: [],
    ...over,
  };
}
