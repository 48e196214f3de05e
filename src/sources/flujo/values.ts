import { parseErrorText } from '../../model/errors';
import type { AttributeValue, Attributes } from '../../model/types';
import { toAttributes, toAttributeValue } from '../../model/value';

/**
 * Wall-clock text as Flujo writes it → epoch ms. Flujo writes UTC ISO-8601
 * (`datetime.now(timezone.utc).isoformat()`, older stores `utcnow().isoformat()`
 * without a zone, SQLite's `datetime('now')`): text without a zone is UTC.
 * Sub-millisecond digits are truncated so this agrees with SQLite's julianday() filter.
 */
export function parseWallClock(v: unknown): number | undefined {
  if (typeof v === 'number') return epochFromNumber(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(s)) return epochFromNumber(Number(s));
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    t -= sign * offMin * 60_000;
  }
  return Number.isFinite(t) ? t : undefined;
}

/** Epoch seconds, ms or µs, told apart by size (anything before 1973 in ms is taken as seconds). */
function epochFromNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n > 1e14) return Math.floor(n / 1000);
  if (n > 1e11) return Math.floor(n);
  return Math.floor(n * 1000);
}

/** Seconds (monotonic or epoch, both are differences here) → ms, rounded to the microsecond. */
export function secondsToMs(s: number): number {
  return Math.round(s * 1e6) / 1e3;
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Where an attributes value that is not a JSON object is kept, as its raw text. */
export const RAW_ATTRIBUTES_KEY = 'flujo.attributes.raw';

/** Span attributes JSON text → Attributes; text that does not parse is kept, never fatal. */
export function parseAttributes(text: unknown): Attributes {
  if (text === null || text === undefined || text === '') return {};
  if (typeof text !== 'string') return { [RAW_ATTRIBUTES_KEY]: toAttributeValue(text) };
  try {
    const v: unknown = JSON.parse(text);
    // Copied only where JSON.parse's value is not an AttributeValue already (too deep, a number
    // too big for a double, a "__proto__" key): most spans cost one parse and no copy.
    if (isPlainObject(v)) return toAttributes(v);
  } catch {
    // fall through: keep the text as it is
  }
  return { [RAW_ATTRIBUTES_KEY]: text };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export { toAttributes, toAttributeValue };

/** A JSON text column (steps.output, error_blob) → its value, or the text when it does not parse. */
export function parseJsonLoose(text: unknown): AttributeValue {
  if (typeof text !== 'string') return toAttributeValue(text);
  try {
    return toAttributeValue(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A step's `feedback` text → SpanError: model/errors reads Flujo's wrappers and tracebacks. */
export const errorFromFeedback = parseErrorText;
