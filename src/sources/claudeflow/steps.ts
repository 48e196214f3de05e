import { parseErrorText } from '../../model/errors';
import { toAttributeValue } from '../../model/value';
import type { Attributes, Run, Span, SpanError } from '../../model/types';
import { stepStatus } from './status';

/** The synthetic span standing for the trace itself; every step hangs below it. */
export const ROOT_SPAN_ID = 'root';

/** Attribute keys this reader adds (the rest are the step's own keys). */
export const STEP_INDEX_KEY = 'claude_flow.step_index';
export const START_ESTIMATED_KEY = 'spanlens.start.estimated';

/** Keys of a step object that become the span's name, status, duration or error, not attributes. */
const CONSUMED = new Set(['name', 'step', 'status', 'duration_ms', 'error_message']);

/**
 * A claude-flow timestamp → epoch ms. claude-flow writes `datetime.utcnow().isoformat()`:
 * ISO text without an offset, in UTC, with microseconds ('2025-11-16T12:00:00.123456').
 * Text without an offset is therefore read as UTC; an offset, when present, is honoured.
 * Sub-millisecond digits are kept as a fraction. Numbers are epoch seconds (< 1e11) or ms.
 */
export function parseUtc(v: unknown): number | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    return Math.abs(v) < 1e11 ? v * 1000 : v;
  }
  if (typeof v !== 'string') return undefined;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      v.trim(),
    );
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(t)) return undefined;
  if (frac) t += Number(`0.${frac}`) * 1000;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offMin * 60_000;
  }
  return t;
}

/** A JSON number, or a numeric string; anything else is no duration. */
export function toMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export { toAttributeValue };

/** `metadata` JSONB → run attributes: its keys as they are (nested values stay nested). */
export function metadataAttributes(v: unknown): Attributes {
  if (v === null || v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v)) return toAttributeValue(v) as Attributes;
  return { metadata: toAttributeValue(v) };
}

function stepError(o: Record<string, unknown>): SpanError | undefined {
  const e = o['error_message'] ?? o['error'];
  if (typeof e === 'string' && e.trim() !== '') return parseErrorText(e);
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
    const msg = (e as Record<string, unknown>)['message'];
    const type = (e as Record<string, unknown>)['type'];
    if (typeof msg === 'string' && msg !== '') return typeof type === 'string' && type !== '' ? { type, message: msg } : { message: msg };
  }
  return undefined;
}

export function stepName(o: Record<string, unknown>, index: number): string {
  for (const k of ['name', 'step', 'step_name']) {
    const v = o[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return `step ${index + 1}`;
}

/**
 * One trace → its spans: a root span for the trace (named by the skill) and one span
 * per element of `steps`, in start order.
 *
 * claude-flow's recorder writes each step as `{name, timestamp, duration_ms, status,
 * error_message?}` with `timestamp` taken when the step *ended*, so a step started at
 * `timestamp − duration_ms`. The migration's comment describes `{step, started_at,
 * completed_at, status}`; both shapes are read. A step with no time at all starts where
 * the one before it ended (marked `spanlens.start.estimated`).
 */
export function buildSpans(run: Run, steps: unknown): Span[] {
  const list: unknown[] = Array.isArray(steps) ? steps : [];
  const base = run.startMs;
  const children: Span[] = [];
  let cursor = 0; // ms from the run's start where the next untimed step begins
  list.forEach((raw, i) => {
    const o: Record<string, unknown> =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : { name: raw };
    const declared = toMs(o['duration_ms']);
    const startAbs = parseUtc(o['started_at']);
    const endAbs = parseUtc(o['completed_at']) ?? parseUtc(o['ended_at']);
    const stamp = parseUtc(o['timestamp']);
    let start: number | undefined;
    let duration = declared;
    if (startAbs !== undefined) {
      start = startAbs;
      if (duration === undefined && endAbs !== undefined && endAbs >= startAbs) duration = endAbs - startAbs;
    } else if (endAbs !== undefined && duration !== undefined) {
      start = endAbs - duration;
    } else if (stamp !== undefined) {
      start = stamp - (duration ?? 0);
    }
    const attributes: Attributes = {};
    for (const [k, v] of Object.entries(o)) if (!CONSUMED.has(k)) attributes[k] = toAttributeValue(v);
    attributes[STEP_INDEX_KEY] = i;
    let offset: number;
    if (start !== undefined && base !== undefined) {
      // Whole-ms durations make a step recorded right at the start land a hair before it.
      offset = Math.max(0, round3(start - base));
    } else {
      offset = cursor;
      attributes[START_ESTIMATED_KEY] = true;
    }
    const rawStatus = typeof o['status'] === 'string' ? o['status'] : '';
    const span: Span = {
      id: `step-${i + 1}`,
      runId: run.id,
      parentId: ROOT_SPAN_ID,
      name: stepName(o, i),
      status: stepStatus(rawStatus),
      rawStatus,
      startOffsetMs: offset,
      attributes,
      events: [],
    };
    if (duration !== undefined && duration >= 0) span.durationMs = duration;
    const error = stepError(o);
    if (error) span.error = error;
    children.push(span);
    cursor = offset + (span.durationMs ?? 0);
  });
  // Array sort is stable: steps with the same start keep the order claude-flow appended them.
  children.sort((a, b) => a.startOffsetMs - b.startOffsetMs);

  const root: Span = {
    id: ROOT_SPAN_ID,
    runId: run.id,
    parentId: null,
    name: run.name,
    status: run.status,
    rawStatus: run.rawStatus,
    startOffsetMs: 0,
    attributes: { ...run.attributes },
    events: [],
  };
  if (run.status !== 'running') {
    // The root covers its steps: total_duration_ms is their sum, which leaves out the gaps between them.
    let end = run.durationMs;
    for (const c of children) {
      if (c.durationMs !== undefined) end = Math.max(end ?? 0, c.startOffsetMs + c.durationMs);
    }
    if (end !== undefined) root.durationMs = end;
  }
  if (run.error !== undefined && run.status === 'error') root.error = parseErrorText(run.error);
  return [root, ...children];
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
