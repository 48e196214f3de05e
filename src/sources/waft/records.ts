import { parseTraceback } from '../../model/errors';
import { toAttributeValue, valueText } from '../../model/value';
import type { AttributeValue, Attributes, SourceRef, SpanError, Status } from '../../model/types';
import { findFileRefs } from '../../resolve/fileRef';

/**
 * One span as waft writes it (src/waft/core/tracing/tracer.py, `Span.to_dict()`), one JSON
 * object a line, appended when the span ends:
 *
 *   {"trace_id", "span_id", "operation", "layer", "parent_span_id", "timestamp",
 *    "duration_ms", "status", "data", "metadata", "error"}
 *
 * `timestamp` is the start, `datetime.utcnow().isoformat()`: UTC with no zone suffix.
 * `status` is success | error | pending; `error` is `str(exception)` or null.
 */
export interface WaftRecord {
  traceId: string;
  spanId: string;
  parentId: string | null;
  operation: string;
  layer?: string;
  rawStatus: string;
  status: Status;
  /** Epoch ms (fractional: waft records microseconds); undefined when the timestamp is unreadable. */
  startMs?: number;
  durationMs?: number;
  data?: AttributeValue;
  metadata?: AttributeValue;
  error?: string;
  /** Order read, across files: ties in start time keep it. */
  seq: number;
}

/** A waft line → record, or undefined when it is JSON but not a span (no trace_id / span_id). */
export function toWaftRecord(o: Record<string, unknown>, seq: number): WaftRecord | undefined {
  const traceId = idOf(o['trace_id']);
  const spanId = idOf(o['span_id']);
  if (traceId === undefined || spanId === undefined) return undefined;
  const rawStatus = valueText(o['status']);
  const r: WaftRecord = {
    traceId,
    spanId,
    parentId: idOf(o['parent_span_id']) ?? null,
    operation: valueText(o['operation']),
    rawStatus,
    status: waftStatus(rawStatus),
    seq,
  };
  if (typeof o['layer'] === 'string' && o['layer'] !== '') r.layer = o['layer'];
  const start = parseWaftTimestamp(o['timestamp']);
  if (start !== undefined) r.startMs = start;
  const d = o['duration_ms'];
  if (typeof d === 'number' && Number.isFinite(d) && d >= 0) r.durationMs = d;
  if (isNonEmpty(o['data'])) r.data = toAttr(o['data']);
  if (isNonEmpty(o['metadata'])) r.metadata = toAttr(o['metadata']);
  const err = o['error'];
  if (typeof err === 'string' && err.trim() !== '') r.error = err;
  else if (err !== null && err !== undefined && err !== '' && typeof err !== 'string') r.error = JSON.stringify(toAttributeValue(err));
  return r;
}

/** waft's three words; anything else is kept as rawStatus and shown as unset. */
export function waftStatus(raw: string): Status {
  switch (raw.trim().toLowerCase()) {
    case 'success':
      return 'ok';
    case 'error':
      return 'error';
    case 'pending':
      return 'running';
    default:
      return 'unset';
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * waft's start time → epoch ms with its microseconds kept. No zone means UTC: waft writes
 * `datetime.utcnow().isoformat()`; an aware timestamp (`+02:00`, `Z`) is honoured too.
 */
export function parseWaftTimestamp(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e11 ? v : v * 1000; // epoch s or ms
  if (typeof v !== 'string') return undefined;
  const m = ISO.exec(v.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (!Number.isFinite(ms)) return undefined;
  if (frac) ms += Number(`0.${frac}`) * 1000;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  return ms;
}

/**
 * waft stores `str(exception)`: the message only. Where the text is a Python traceback
 * (some callers pass `traceback.format_exc()`), model/errors reads it: the exception line gives
 * the type, and the message is the rest of it with the lines below it (a message of several lines).
 * A traceback kept in `data` or `metadata` (`traceback`, `stack`) becomes the stack.
 */
export function waftError(r: WaftRecord): SpanError | undefined {
  const stored = r.error;
  const extraStack = stackFrom(r.data) ?? stackFrom(r.metadata);
  if (stored === undefined) {
    if (r.status !== 'error') return undefined;
    if (extraStack) return fromTraceback(extraStack) ?? { message: 'error', stack: extraStack };
    return { message: 'error (waft recorded no message)' };
  }
  const tb = fromTraceback(stored);
  if (tb) return tb;
  const e: SpanError = { message: stored };
  if (extraStack) {
    const fromExtra = fromTraceback(extraStack);
    if (fromExtra?.type) e.type = fromExtra.type;
    e.stack = extraStack;
  }
  return e;
}

/** A traceback read by model/errors, keeping a message's further lines (waft stores them as raised). */
function fromTraceback(text: string): SpanError | undefined {
  return parseTraceback(text, { keepMessageLines: true });
}

const STACK_KEYS = ['traceback', 'stack', 'stacktrace', 'exception.stacktrace'];

function stackFrom(v: AttributeValue | undefined): string | undefined {
  if (!isRecord(v)) return undefined;
  for (const k of STACK_KEYS) {
    const s = v[k];
    if (typeof s === 'string' && s.trim() !== '') return s;
  }
  return undefined;
}

/**
 * A `file.py:24` reference recorded in the span's metadata (never guessed from names), read
 * with resolve/'s parser so the reader and the resolvers agree on what a reference is.
 */
export function waftSource(metadata: AttributeValue | undefined): SourceRef | undefined {
  if (!isRecord(metadata)) return undefined;
  const ref = findFileRefs({ metadata })[0];
  if (!ref) return undefined;
  const out: SourceRef = { path: ref.path, line: ref.line };
  if (ref.column !== undefined) out.column = ref.column;
  return out;
}

/** Span attributes as waft keeps them: its `layer`, and `data` / `metadata` as the objects they are. */
export function waftAttributes(r: WaftRecord): Attributes {
  const a: Attributes = {};
  if (r.layer !== undefined) a['layer'] = r.layer;
  if (r.data !== undefined) a['data'] = r.data;
  if (r.metadata !== undefined) a['metadata'] = r.metadata;
  return a;
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function isNonEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function isRecord(v: AttributeValue | undefined): v is { [key: string]: AttributeValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parsed JSON is attribute-shaped already; copied only when nested past the model's bound. */
function toAttr(v: unknown): AttributeValue {
  return toAttributeValue(v);
}
