import type { Run, Span, SpanNode } from '../model/types';
import { buildSpanTree } from './tree';

/** The root of a trace; `synthetic` marks the stand-in node for a run with zero or several top-level spans. */
export interface TraceRoot extends SpanNode {
  synthetic?: true;
}

/** What `spanlens trace --json` prints and the details panel draws. */
export interface Trace {
  run: Run;
  root: TraceRoot;
}

/**
 * One tree per run. A run whose spans form exactly one tree gets that tree's
 * root span as `root`. A run with several top-level spans (orphans, broken
 * cycles, or a store that records no root span) or no spans at all gets a
 * synthetic root standing for the run itself — id, name, status and duration
 * of the run, `synthetic: true` — whose children are the top-level spans.
 */
export function buildTrace(run: Run, spans: Span[]): Trace {
  const roots = buildSpanTree(spans);
  if (roots.length === 1) return { run, root: roots[0]! };
  const root: TraceRoot = {
    id: run.id,
    runId: run.id,
    parentId: null,
    name: run.name,
    status: run.status,
    rawStatus: run.rawStatus,
    startOffsetMs: 0,
    ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
    attributes: {},
    events: [],
    ...(run.error !== undefined ? { error: { message: run.error } } : {}),
    children: roots,
    synthetic: true,
  };
  return { run, root };
}
