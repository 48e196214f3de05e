import { cutValue, MAX_VALUE_DEPTH, valueText } from '../../model/value';
import type { AttributeValue, Attributes, Status } from '../../model/types';

/**
 * OTLP/JSON value encodings (opentelemetry-proto, "JSON Protobuf Encoding"): typed
 * AnyValue objects, hex ids, unix nanoseconds as decimal strings, enums as integers.
 * Writers differ in the details (int64 as string or number, base64 ids, enum names),
 * so each reader here accepts every spelling seen in the wild.
 */


/** One typed AnyValue → the model's JSON-like value. An empty AnyValue is null. */
export function anyValue(v: unknown, depth = 0): AttributeValue {
  if (typeof v !== 'object' || v === null) return null;
  if (depth >= MAX_VALUE_DEPTH) return cutValue(v);
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return valueText(o['stringValue']);
  if ('boolValue' in o) return o['boolValue'] === true || o['boolValue'] === 'true';
  if ('intValue' in o) return intValue(o['intValue']);
  if ('doubleValue' in o) return doubleValue(o['doubleValue']);
  if ('bytesValue' in o) return typeof o['bytesValue'] === 'string' ? o['bytesValue'] : null; // base64, as sent
  if ('arrayValue' in o) {
    const values = (o['arrayValue'] as { values?: unknown } | null)?.values;
    return Array.isArray(values) ? values.map((x) => anyValue(x, depth + 1)) : [];
  }
  if ('kvlistValue' in o) {
    const values = (o['kvlistValue'] as { values?: unknown } | null)?.values;
    return keyValues(values, depth + 1);
  }
  return null;
}

/** A KeyValue list (attributes, kvlistValue) → an object; a repeated key keeps its last value. */
export function keyValues(list: unknown, depth = 0): { [key: string]: AttributeValue } {
  const out: { [key: string]: AttributeValue } = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (typeof kv !== 'object' || kv === null) continue;
    const key = (kv as { key?: unknown }).key;
    if (typeof key !== 'string') continue;
    out[key] = anyValue((kv as { value?: unknown }).value, depth);
  }
  return out;
}

export function attributesOf(list: unknown): Attributes {
  return keyValues(list);
}

/** int64: a JSON string (proto3 JSON) or number (OTel JS); kept as a string past 2^53 so no digit changes. */
function intValue(v: unknown): AttributeValue {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v.trim())) return typeof v === 'string' ? v : null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.trim();
}

/** double: a number, or "NaN" / "Infinity" / "-Infinity" strings (not JSON numbers) kept as text. */
function doubleValue(v: unknown): AttributeValue {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return v.trim() !== '' && Number.isFinite(n) ? n : v;
  }
  return null;
}

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * A trace or span id as lowercase hex. OTLP/JSON says hex; some exporters write the bytes
 * as base64 (proto3 JSON's default for bytes). The two never share a length for 16- and
 * 8-byte ids (hex 32/16 characters, base64 24/12), so the length tells which it is.
 */
export function otlpId(v: unknown, bytes: 16 | 8): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '') return undefined;
  if (s.length === bytes * 2 && HEX.test(s)) return s.toLowerCase();
  if (BASE64.test(s) && s.length !== bytes * 2) {
    const buf = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (buf.length === bytes) return buf.toString('hex');
  }
  // Neither: shown as written rather than dropped (all-zero and odd ids exist in broken data).
  return HEX.test(s) ? s.toLowerCase() : s;
}

/** Unix nanoseconds (decimal string, or number from lax writers) → BigInt; 0 / absent → undefined. */
export function nanos(v: unknown): bigint | undefined {
  let n: bigint | undefined;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) n = BigInt(v.trim());
  else if (typeof v === 'number' && Number.isFinite(v) && v > 0) n = BigInt(Math.round(v));
  return n !== undefined && n > 0n ? n : undefined;
}

/** Epoch nanoseconds → epoch ms, the sub-millisecond part kept as a fraction. */
export function nanosToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/** A difference of nanosecond times in ms, exact before the float division (no precision lost to epoch size). */
export function diffMs(later: bigint, earlier: bigint): number {
  return Number(later - earlier) / 1e6;
}

/** Status.code: 0 unset, 1 ok, 2 error — as an integer or its enum name. */
export function statusCode(v: unknown): 0 | 1 | 2 {
  if (v === 2 || v === '2') return 2;
  if (v === 1 || v === '1') return 1;
  if (typeof v === 'string') {
    const s = v.toUpperCase();
    if (s.endsWith('ERROR')) return 2;
    if (s.endsWith('OK')) return 1;
  }
  return 0;
}

export const STATUS_WORDS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

export function statusOf(code: 0 | 1 | 2): Status {
  return code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** Span.kind → INTERNAL, SERVER, …; undefined when unspecified. */
export function spanKind(v: unknown): string | undefined {
  let k: string | undefined;
  if (typeof v === 'number') k = KINDS[v];
  else if (typeof v === 'string') k = v.toUpperCase().replace(/^SPAN_KIND_/, '');
  return k && k !== 'UNSPECIFIED' ? k : undefined;
}
