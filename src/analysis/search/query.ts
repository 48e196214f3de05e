/**
 * The search query language: free text plus filters.
 *
 *   KeyError "income tier"      free text: every term must match a span's id, name, error or attribute value
 *   status:error                status (ok, error, running, paused, unset; failed/passed/… accepted), `,` for several
 *   name:score_*                span (or run) name: `*` and `?` are wildcards; without them, a substring
 *   store:flujo                 the store's path or format
 *   pipeline:enrich             the run's (pipeline's) name, as `name:`
 *   run:0a85                    the run's id (substring)
 *   dur>500ms  dur<=2s          duration (ms, s, m, h; a bare number is ms)
 *   since:24h                   started in the last 30m, 24h, 7d, 2w
 *   attr.flujo.step.type=LoopStep   an attribute's value (exact, or with wildcards); `attr.key:text` a substring;
 *                               `attr.key` alone: the attribute is present; attr.gen_ai.usage.input_tokens>1000
 *                               compares numbers (>, >=, <, <=)
 *   is:run  is:span             only runs / only spans
 *
 * Nothing here throws: what the parser does not understand becomes a hint (and, where it
 * could be text, a text term), so a picker can show it while the user types.
 */
import { STATUS_WORD_EXAMPLES, statusFromWord } from '../../model/status';
import type { Status } from '../../model/types';
import { patternMatcher } from '../glob';

export type DurOp = '>' | '>=' | '<' | '<=' | '=';

export type SearchFilter =
  | { kind: 'status'; values: Status[] }
  | { kind: 'name'; pattern: string }
  | { kind: 'store'; pattern: string }
  | { kind: 'pipeline'; pattern: string }
  | { kind: 'run'; pattern: string }
  | { kind: 'dur'; op: DurOp; ms: number }
  | { kind: 'since'; ms: number }
  | { kind: 'attr'; key: string; op: '=' | ':' | 'exists' | Exclude<DurOp, '='>; pattern: string }
  | { kind: 'is'; value: 'run' | 'span' };

export interface ParsedQuery {
  /** Free-text terms, lower-cased; all must match. */
  terms: string[];
  filters: SearchFilter[];
  /** What the parser did not understand, as one line each for the user. */
  hints: string[];
}

export const FILTER_KEYS = ['status', 'name', 'store', 'pipeline', 'run', 'dur', 'since', 'attr.<key>', 'is'] as const;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "500ms", "1.5s", "2m", "250" (ms) → ms; undefined when not a duration. */
export function parseDurationMs(text: string, defaultUnit = 'ms'): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] || defaultUnit).toLowerCase();
  const f = UNIT_MS[unit];
  if (f === undefined) return undefined;
  return Number(m[1]) * f;
}

/** Splits on whitespace; "double quotes" keep a phrase (and a filter value) together. */
export function tokenize(q: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (const c of q) {
    if (c === '"') {
      quoted = !quoted;
      any = true;
      continue;
    }
    if (!quoted && /\s/.test(c)) {
      if (any) out.push(cur);
      cur = '';
      any = false;
      continue;
    }
    cur += c;
    any = true;
  }
  if (any) out.push(cur);
  return out.filter((t) => t !== '');
}

const KEY = /^([a-z][\w-]*(?:\.[^\s:=<>]+)?)(:|=|>=|<=|>|<)(.*)$/is;

export function parseQuery(q: string): ParsedQuery {
  const terms: string[] = [];
  const filters: SearchFilter[] = [];
  const hints: string[] = [];
  for (const tok of tokenize(q)) {
    const attrOnly = /^attr\.([^\s:=<>]+)$/i.exec(tok);
    if (attrOnly) {
      filters.push({ kind: 'attr', key: attrOnly[1]!.toLowerCase(), op: 'exists', pattern: '' });
      continue;
    }
    const m = KEY.exec(tok);
    if (!m) {
      terms.push(tok.toLowerCase());
      continue;
    }
    const key = m[1]!.toLowerCase();
    const op = m[2]!;
    const value = m[3]!;
    const known = parseFilter(key, op, value, hints);
    if (known === 'text') terms.push(tok.toLowerCase());
    else if (known !== undefined) filters.push(known);
  }
  return { terms, filters, hints };
}

/** A filter, `undefined` when it was bad (a hint says why), or 'text' when the token is plain text after all. */
function parseFilter(key: string, op: string, value: string, hints: string[]): SearchFilter | 'text' | undefined {
  const v = value.trim();
  if (key.startsWith('attr.')) {
    const k = key.slice(5);
    if (op !== '=' && op !== ':') {
      if (v === '') return undefined; // still typing
      if (!NUMBER.test(v)) {
        hints.push(`attr.${k}${op}${v}: ${op} compares numbers — e.g. attr.${k}${op}100; use attr.${k}=value for text`);
        return undefined;
      }
      return { kind: 'attr', key: k, op: op as Exclude<DurOp, '='>, pattern: v };
    }
    return { kind: 'attr', key: k, op, pattern: v.toLowerCase() };
  }
  if (key === 'dur' || key === 'duration') {
    if (op === ':') {
      // dur:>500ms
      const m = /^(>=|<=|>|<|=)?(.*)$/.exec(v)!;
      return durFilter((m[1] ?? '=') as DurOp, m[2]!, hints, key);
    }
    return durFilter(op as DurOp, v, hints, key);
  }
  if (op !== ':') {
    if (!isKnownKey(key)) return 'text';
    hints.push(`${key}${op}${value}: only dur takes ${op} — write ${key}:value`);
    return undefined;
  }
  if (v === '') {
    // "KeyError:" while typing is text; a known key with nothing after it yet is ignored quietly.
    return isKnownKey(key) ? undefined : 'text';
  }
  switch (key) {
    case 'status': {
      const values: Status[] = [];
      for (const w of v.toLowerCase().split(',').filter(Boolean)) {
        const s = statusFromWord(w);
        if (s === undefined) hints.push(`status:${w}: unknown status — use ${STATUS_WORD_EXAMPLES}`);
        else if (!values.includes(s)) values.push(s);
      }
      return values.length > 0 ? { kind: 'status', values } : undefined;
    }
    case 'name':
    case 'store':
    case 'pipeline':
    case 'run':
      return { kind: key, pattern: v.toLowerCase() };
    case 'since': {
      const ms = parseDurationMs(v, 'h');
      if (ms === undefined || ms <= 0) {
        hints.push(`since:${v}: not a time span — e.g. since:30m, since:24h, since:7d`);
        return undefined;
      }
      return { kind: 'since', ms };
    }
  }
  if (key === 'is' || key === 'type') {
    const w = v.toLowerCase().replace(/s$/, '');
    if (w === 'run' || w === 'span') return { kind: 'is', value: w };
    hints.push(`${key}:${v}: use is:run or is:span`);
    return undefined;
  }
  hints.push(`unknown filter '${key}:' ignored — filters: ${FILTER_KEYS.join(', ')}`);
  return undefined;
}

function isKnownKey(key: string): boolean {
  return ['status', 'name', 'store', 'pipeline', 'run', 'dur', 'duration', 'since', 'is', 'type'].includes(key);
}

function durFilter(op: DurOp, v: string, hints: string[], key: string): SearchFilter | undefined {
  if (v === '') return undefined; // still typing
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    hints.push(`${key}${op}${v}: not a duration — e.g. dur>500ms, dur<2s, dur>=1m`);
    return undefined;
  }
  return { kind: 'dur', op, ms };
}

/** A lower-cased pattern → a test on lower-cased text: glob when it has `*`/`?`, else substring (or exact). */
export function textMatcher(pattern: string, exact = false): (lower: string) => boolean {
  return patternMatcher(pattern, { single: true, exact });
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

/**
 * An `attr.` filter → a test on an attribute's lower-cased text value: present, substring (`:`),
 * exact or glob (`=`), or, for a text that is a number, a numeric comparison (`>`, `>=`, `<`,
 * `<=`; `=500` also finds "500.0"). Numeric attributes are tested by `attrNumberTest`.
 */
export function attrTest(f: Extract<SearchFilter, { kind: 'attr' }>): (lowerValue: string) => boolean {
  switch (f.op) {
    case 'exists':
      return () => true;
    case ':':
      return textMatcher(f.pattern);
    case '=': {
      const text = textMatcher(f.pattern, true);
      if (!NUMBER.test(f.pattern)) return text;
      const n = Number(f.pattern);
      return (v) => text(v) || (NUMBER.test(v) && Number(v) === n);
    }
    default: {
      const op = f.op;
      const n = Number(f.pattern);
      return (v) => NUMBER.test(v) && durOk(op, n, Number(v));
    }
  }
}

/** The same filter on a numeric attribute: compared as a number, or as JavaScript writes it for text patterns. */
export function attrNumberTest(f: Extract<SearchFilter, { kind: 'attr' }>): (value: number) => boolean {
  switch (f.op) {
    case 'exists':
      return () => true;
    case ':':
    case '=': {
      if (f.op === '=' && NUMBER.test(f.pattern)) {
        const n = Number(f.pattern);
        return (v) => v === n;
      }
      const text = textMatcher(f.pattern, f.op === '=');
      return (v) => text(String(v).toLowerCase());
    }
    default: {
      const op = f.op;
      const n = Number(f.pattern);
      return (v) => durOk(op, n, v);
    }
  }
}

export function durOk(op: DurOp, ms: number, d: number): boolean {
  if (Number.isNaN(d)) return false;
  switch (op) {
    case '>':
      return d > ms;
    case '>=':
      return d >= ms;
    case '<':
      return d < ms;
    case '<=':
      return d <= ms;
    case '=':
      return d === ms;
  }
}
