import { DUPLICATE_OF_KEY, normalizeSpans, PARENT_CYCLE_KEY, PARENT_MISSING_KEY } from '../../model/normalize';
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

/** Attribute keys Spanlens adds when it had to change what the store said (model/normalize). */
export { DUPLICATE_OF_KEY, PARENT_CYCLE_KEY, PARENT_MISSING_KEY };

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
 * Raw spans of one run → model Spans: offsets from the run's earliest span, in start order,
 * normalized (model/normalize: unique ids, every parent chain ending at a root, the stored
 * parent kept as an attribute). Every store's spans get that pass again in enrichStore; it is
 * done here too because the reader's own run summaries (span counts, errors) are built from these.
 */
export function buildSpans(runId: string, raws: RawSpan[]): Span[] {
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
  return normalizeSpans(spans.map((x) => x.span));
}

function roundMs(ms: number): number {
  return secondsToMs(ms / 1000);
}
