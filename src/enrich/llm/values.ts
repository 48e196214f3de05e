/**
 * Defensive reading of what LLM instrumentations put in attributes: JSON inside strings that may
 * be huge or nested 100,000 deep, numbers as text, content as a string or a list of parts.
 * Nothing here recurses on the data's depth.
 */
import type { AttributeValue, Attributes } from '../../model/types';

/** JSON text longer than this is not parsed (it stays an attribute; the conversation skips it). */
export const MAX_JSON_CHARS = 8_000_000;
/** Deeper JSON is not parsed: no message format nests this far, a hostile store does. */
export const MAX_JSON_DEPTH = 64;
/** Messages kept per side of a call. */
export const MAX_MESSAGES = 2_000;
/** One message's text is cut here (marked `truncated`). */
export const MAX_MESSAGE_CHARS = 1_000_000;
/** Parts or tool calls read from one message. */
export const MAX_PARTS = 1_000;

/** Whether JSON text nests no deeper than `limit`: a scan of brackets outside strings, no recursion. */
export function jsonDepthWithin(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/** Whether a parsed value nests no deeper than `limit`; iterative, stops at the first too-deep branch. */
export function valueDepthWithin(v: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[v, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d >= limit) return false;
    // A wide value is fine to hand on; walking millions of leaves here is not.
    if (++visited > 200_000) return true;
    const children = Array.isArray(x) ? x : Object.values(x as Record<string, unknown>);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return true;
}

/** JSON text → value, or undefined when it is not JSON, too big or too deep. */
export function parseJsonSafe(text: string): unknown {
  if (text.length > MAX_JSON_CHARS) return undefined;
  const t = text.trimStart();
  if (!t.startsWith('[') && !t.startsWith('{')) return undefined;
  if (!jsonDepthWithin(t, MAX_JSON_DEPTH)) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** An attribute holding structure, as JSON text (span attributes) or already structured (events, kvlists). */
export function structured(v: AttributeValue | undefined): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return parseJsonSafe(v);
  if (typeof v === 'object') return valueDepthWithin(v, MAX_JSON_DEPTH) ? v : undefined;
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A finite number, or a string that is one; else undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.length < 40) {
    const t = v.trim();
    if (t !== '' && /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  }
  return undefined;
}

/** Compact JSON of a depth-checked value, or its String() when it cannot be. */
export function compactJson(v: unknown): string {
  if (!valueDepthWithin(v, MAX_JSON_DEPTH)) return '[nested too deeply to show]';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Tool-call arguments or results as text: strings as they are, structures as JSON. */
export function argText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : compactJson(v);
}

/**
 * A message's content as text: a string as it is; a list of parts (`{type:'text', content|text}`,
 * strings) joined by blank lines; another structure as JSON.
 */
export function contentText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const texts: string[] = [];
    for (let i = 0; i < v.length && i < MAX_PARTS; i++) {
      const p = v[i];
      if (typeof p === 'string') texts.push(p);
      else if (isRecord(p)) {
        const t = str(p['content']) ?? str(p['text']);
        if (t !== undefined) texts.push(t);
        else if (p['type'] !== 'tool_call' && p['type'] !== 'tool_call_response') texts.push(compactJson(p));
      }
    }
    return texts.join('\n\n');
  }
  if (isRecord(v)) {
    const t = str(v['content']) ?? str(v['text']);
    if (t !== undefined) return t;
  }
  return compactJson(v);
}

/** Text cut at MAX_MESSAGE_CHARS. */
export function capped(text: string): { text: string; truncated: boolean } {
  return text.length > MAX_MESSAGE_CHARS ? { text: text.slice(0, MAX_MESSAGE_CHARS), truncated: true } : { text, truncated: false };
}

/** The first of `keys` that holds a number. */
export function firstNum(attrs: Attributes, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const n = num(attrs[k]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** The first of `keys` that holds a non-empty string. */
export function firstStr(attrs: Attributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const s = str(attrs[k]);
    if (s !== undefined) return s;
  }
  return undefined;
}

/** A list of strings from an array attribute, or JSON text of one. */
export function strList(v: AttributeValue | undefined): string[] | undefined {
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? (v.startsWith('[') ? structured(v) : [v]) : undefined;
  if (!Array.isArray(arr)) return undefined;
  const out = arr.slice(0, MAX_PARTS).filter((x): x is string => typeof x === 'string' && x !== '');
  return out.length > 0 ? out : undefined;
}

/**
 * Indexed flattened keys (`prefix.3.role`, `prefix.3.tool_calls.0.name`) gathered per index,
 * in index order: [[3, {role: …, 'tool_calls.0.name': …}], …]. One pass over the keys.
 */
export function gatherIndexed(attrs: Attributes, prefix: string): Array<[number, Record<string, AttributeValue>]> {
  const lead = `${prefix}.`;
  const byIndex = new Map<number, Record<string, AttributeValue>>();
  for (const key in attrs) {
    if (!key.startsWith(lead)) continue;
    const rest = key.slice(lead.length);
    const dot = rest.indexOf('.');
    if (dot <= 0 || dot > 9) continue;
    const idx = Number(rest.slice(0, dot));
    if (!Number.isInteger(idx) || idx < 0) continue;
    let slot = byIndex.get(idx);
    if (slot === undefined) {
      if (byIndex.size >= MAX_MESSAGES) continue;
      byIndex.set(idx, (slot = {}));
    }
    slot[rest.slice(dot + 1)] = attrs[key]!;
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]);
}
