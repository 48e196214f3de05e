import type { Attributes, Span, SpanError, SpanEvent } from '../../model/types';
import { normalizeStatus } from './status';
import { errorFromFeedback, parseAttributes, secondsToMs, toNumber } from './values';

/**
 * A span as read from any of Flujo's three places (spans rows, a trace tree, steps rows),
 * before ids, parents and times are made consistent. Times are ms on the source's own
 * clock (monotonic or epoch): only their differences are used.
 */
export interface RawSpan {
  id: string;
  parentId: string | null;
  name: string;
  rawStatus: string;
  startMs?: number;
  endMs?: number;
  attributes: Attributes;
  events: SpanEvent[];
  error?: SpanError;
}

/** Attribute keys Spanlens adds when it had to change what the store said. */
export const PARENT_MISSING_KEY = 'spanlens.parent.missing';
export const PARENT_CYCLE_KEY = 'spanlens.parent.cycle';
export const DUPLICATE_OF_KEY = 'spanlens.duplicateOf';

/** One `spans` row: span_id, parent_span_id, name, start_time, end_time, status, attributes. */
export function rawFromSpanRow(row: unknown[]): RawSpan {
  const [spanId, parent, name, start, end, status, attributes] = row;
  const s = toNumber(start);
  const e = toNumber(end);
  return {
    id: String(spanId ?? ''),
    parentId: parent === null || parent === undefined || parent === '' ? null : String(parent),
    name: String(name ?? ''),
    rawStatus: String(status ?? ''),
    startMs: s === undefined ? undefined : s * 1000,
    endMs: e === undefined ? undefined : e * 1000,
    attributes: parseAttributes(attributes),
    events: [],
  };
}

/** The error Flujo recorded on a failed span: `feedback`, or the trace_save_error span's keys. */
export function errorOf(attrs: Attributes): SpanError | undefined {
  const fb = attrs['feedback'];
  if (typeof fb === 'string' && fb.trim() !== '') return errorFromFeedback(fb);
  const summary = attrs['error_summary'];
  const type = attrs['error_type'];
  if (typeof summary === 'string' && summary !== '') {
    return typeof type === 'string' && type !== '' ? { type, message: summary } : { message: summary };
  }
  return undefined;
}

/**
 * Raw spans of one run → model Spans: unique ids, every parent chain ending at a root
 * (a missing parent or a cycle is cut, the stored parent kept as an attribute),
 * offsets from the run's earliest span, in start order.
 */
export function buildSpans(runId: string, raws: RawSpan[]): Span[] {
  dedupeIds(raws);
  repairParents(raws);
  let min = Infinity;
  for (const r of raws) if (r.startMs !== undefined && r.startMs < min) min = r.startMs;
  if (min === Infinity) min = 0;
  const spans = raws.map((r, i) => {
    const start = r.startMs ?? min;
    const span: Span = {
      id: r.id,
      runId,
      parentId: r.parentId,
      name: r.name,
      status: normalizeStatus(r.rawStatus),
      rawStatus: r.rawStatus,
      startOffsetMs: roundMs(start - min),
      attributes: r.attributes,
      events: r.events,
    };
    if (r.endMs !== undefined && r.startMs !== undefined) span.durationMs = roundMs(r.endMs - r.startMs);
    const error = r.error ?? (span.status === 'error' ? errorOf(r.attributes) : undefined);
    if (error) span.error = error;
    return { span, i };
  });
  spans.sort((a, b) => a.span.startOffsetMs - b.span.startOffsetMs || a.i - b.i);
  return spans.map((x) => x.span);
}

function roundMs(ms: number): number {
  return secondsToMs(ms / 1000);
}

/** A second span with the same id (a re-exported batch) gets `id#2`; children keep the first. */
function dedupeIds(raws: RawSpan[]): void {
  const seen = new Map<string, number>();
  for (const r of raws) {
    const n = (seen.get(r.id) ?? 0) + 1;
    seen.set(r.id, n);
    if (n > 1) {
      r.attributes = { ...r.attributes, [DUPLICATE_OF_KEY]: r.id };
      r.id = `${r.id}#${n}`;
    }
  }
}

function repairParents(raws: RawSpan[]): void {
  const byId = new Map<string, RawSpan>();
  for (const r of raws) byId.set(r.id, r);
  for (const r of raws) {
    if (r.parentId !== null && !byId.has(r.parentId)) {
      r.attributes = { ...r.attributes, [PARENT_MISSING_KEY]: r.parentId };
      r.parentId = null;
    }
  }
  // Walk up from each span; meeting a span of the current walk again is a cycle.
  // The earliest-starting member of the cycle becomes a root.
  const order = new Map<RawSpan, number>();
  raws.forEach((r, i) => order.set(r, i));
  const state = new Map<RawSpan, 1 | 2>(); // 1: on the current walk, 2: known to reach a root
  for (const first of raws) {
    const path: RawSpan[] = [];
    let cur: RawSpan | undefined = first;
    while (cur && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
    }
    if (cur && state.get(cur) === 1) {
      const cycle = path.slice(path.indexOf(cur));
      let cut = cycle[0]!;
      for (const c of cycle) {
        const earlier = (c.startMs ?? Infinity) < (cut.startMs ?? Infinity);
        const tie = (c.startMs ?? Infinity) === (cut.startMs ?? Infinity) && order.get(c)! < order.get(cut)!;
        if (earlier || tie) cut = c;
      }
      cut.attributes = { ...cut.attributes, [PARENT_CYCLE_KEY]: cut.parentId };
      cut.parentId = null;
    }
    for (const p of path) state.set(p, 2);
  }
}
