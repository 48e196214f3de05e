import type { AttributeValue, Attributes } from './types';

/**
 * Attribute values as the model holds them: JSON-like, and nested at most MAX_VALUE_DEPTH
 * levels. A store can nest a value thousands deep in a few KB (`[[[[…]]]]`); cutting it once,
 * where a reader takes it in, is what lets everything downstream (JSON.stringify, search,
 * resolvers, the webview) walk values without a depth check of its own. The cut part is
 * shown as a marker string with the start of its JSON, never dropped silently.
 */
export const MAX_VALUE_DEPTH = 32;

/** How a cut value begins: search and tests look for it. */
export const CUT_MARKER = '⋯ nested deeper than';

/** Characters of a cut value's JSON kept in its marker. */
const PREVIEW_CHARS = 60;

/** The marker that stands for `v`, a value too deep to keep: says so and shows how it starts. */
export function cutValue(v: unknown): string {
  return `${CUT_MARKER} ${MAX_VALUE_DEPTH} levels, cut: ${jsonPreview(v, PREVIEW_CHARS)}`;
}

/**
 * Whatever JSON.parse, SQLite or a database driver hands back → an AttributeValue: numbers
 * that are not finite, bigints and other objects become text, bytes a size note, and nesting
 * below MAX_VALUE_DEPTH a cut marker. A `__proto__` key is kept as data. The recursion is
 * bounded by MAX_VALUE_DEPTH, whatever the input.
 */
export function toAttributeValue(v: unknown): AttributeValue {
  return isAttributeValue(v, 0) ? (v as AttributeValue) : copyValue(v, 0);
}

/** A field meant to be text: text as it is, nothing as '', a structure as its JSON (not `[object Object]`). */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && !(v instanceof Uint8Array)) return JSON.stringify(toAttributeValue(v));
  return String(toAttributeValue(v));
}

/** An object's entries as Attributes, bounded as toAttributeValue. */
export function toAttributes(o: Record<string, unknown>): Attributes {
  return isAttributeValue(o, 0) ? (o as Attributes) : (copyValue(o, 0) as Attributes);
}

/** True when `v` is an AttributeValue within the depth bound, so it can be kept without a copy. */
function isAttributeValue(v: unknown, depth: number): boolean {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || v instanceof Uint8Array) return false;
  if (depth >= MAX_VALUE_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isAttributeValue(v[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
  for (const k in v) {
    if (k === '__proto__' || !isAttributeValue((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

function copyValue(v: unknown, depth: number): AttributeValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString() : String(v);
  if (typeof v !== 'object') return String(v);
  if (depth >= MAX_VALUE_DEPTH) return cutValue(v);
  if (Array.isArray(v)) {
    const out: AttributeValue[] = new Array<AttributeValue>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i], depth + 1);
    return out;
  }
  const out: Attributes = {};
  for (const k of Object.keys(v)) {
    const x = copyValue((v as Record<string, unknown>)[k], depth + 1);
    // Plain assignment to '__proto__' would set the prototype instead of keeping the key.
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

/**
 * The first `max` characters of `v` as compact JSON, built without recursion and without
 * ever building more than about `max` characters, however deep or large `v` is.
 */
export function jsonPreview(v: unknown, max: number): string {
  let out = '';
  const stack: unknown[] = [v];
  while (stack.length > 0 && out.length <= max) {
    const x = stack.pop();
    if (x instanceof Literal) {
      out += x.text;
    } else if (Array.isArray(x)) {
      out += '[';
      stack.push(new Literal(']'));
      // Each element takes at least a character: more than `max` of them cannot show.
      const n = Math.min(x.length, max);
      if (n < x.length) stack.push(new Literal(',…'));
      for (let i = n - 1; i >= 0; i--) {
        stack.push(x[i]);
        if (i > 0) stack.push(new Literal(','));
      }
    } else if (typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && !(x instanceof Date)) {
      out += '{';
      stack.push(new Literal('}'));
      const keys = Object.keys(x);
      const n = Math.min(keys.length, max);
      if (n < keys.length) stack.push(new Literal(',…'));
      for (let i = n - 1; i >= 0; i--) {
        stack.push((x as Record<string, unknown>)[keys[i]!]);
        stack.push(new Literal(`${JSON.stringify(keys[i])}:`));
        if (i > 0) stack.push(new Literal(','));
      }
    } else if (typeof x === 'string') {
      out += JSON.stringify(x.length > max ? x.slice(0, max) : x);
    } else {
      out += JSON.stringify(copyValue(x, 0)) ?? 'null';
    }
  }
  return out.length > max || stack.length > 0 ? `${out.slice(0, max)}…` : out;
}

/** Text to emit as it is, on jsonPreview's stack between values. */
class Literal {
  constructor(readonly text: string) {}
}
