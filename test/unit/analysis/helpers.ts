import type { Run, Span, SpanNode, Status } from '../../../src/model/types';

export function span(id: string, parentId: string | null, startOffsetMs: number, extra: Partial<Span> = {}): Span {
  return {
    id,
    runId: 'run-1',
    parentId,
    name: id,
    status: 'ok',
    rawStatus: 'completed',
    startOffsetMs,
    durationMs: 1,
    attributes: {},
    events: [],
    ...extra,
  };
}

export function run(id: string, extra: Partial<Run> = {}): Run {
  return {
    id,
    store: 'mem.db',
    name: 'pipe',
    status: 'ok' as Status,
    rawStatus: 'completed',
    spanCount: 0,
    attributes: {},
    ...extra,
  };
}

/** The tree as nested ids, e.g. `a(b,c(d))`: easy to compare and to read in a failure. */
export function shape(nodes: SpanNode[]): string {
  return nodes.map((n) => (n.children.length ? `${n.id}(${shape(n.children)})` : n.id)).join(',');
}
