/**
 * How search ranks a match, shared by the index and the plain-scan reference so both agree:
 * exact id > id prefix > id substring > name > error > attribute value; several terms add up;
 * newer first for ties, then the order the store gave.
 */
import type { AttributeValue, Attributes, Status } from '../../model/types';

export type MatchField = 'id-exact' | 'id-prefix' | 'id' | 'name' | 'error' | 'attr';

export const FIELD_SCORE: Record<MatchField, number> = {
  'id-exact': 10_000,
  'id-prefix': 1_000,
  id: 500,
  name: 100,
  error: 20,
  attr: 4,
};

/** How a hit's field is named next to its matched text (`error: …`); a filter-only hit has none. */
export const FIELD_WORD: Record<MatchField | 'filter', string> = {
  'id-exact': 'id',
  'id-prefix': 'id',
  id: 'id',
  name: 'name',
  error: 'error',
  attr: 'attribute',
  filter: '',
};

/** One result: a run or a span, with what matched. */
export interface SearchHit {
  kind: 'run' | 'span';
  /** The store's id (path or URL). */
  store: string;
  runId: string;
  /** The run's (pipeline's) name. */
  runName: string;
  /** Spans only. */
  spanId?: string;
  name: string;
  status: Status;
  durationMs?: number;
  /** Wall-clock start, epoch ms, where known (a span's run start when the store records no span clock). */
  startMs?: number;
  score: number;
  /** The field the best-scoring term matched; `filter` when the query has filters only. */
  field: MatchField | 'filter';
  /** The matched field's text around the match (one line, at most ~120 characters). */
  snippet: string;
  /** [start, end) of the match in `snippet`. */
  match?: [number, number];
}

/** Lower-case without changing the length (a few Unicode letters grow when lower-cased: kept as they are). */
export function fold(s: string): string {
  const l = s.toLowerCase();
  if (l.length === s.length) return l;
  let out = '';
  for (const c of s) {
    const lc = c.toLowerCase();
    out += lc.length === c.length ? lc : c;
  }
  return out;
}

/** How `term` matches an id (lower-cased), if it does. */
export function idMatch(lowerId: string, term: string): MatchField | undefined {
  const p = lowerId.indexOf(term);
  if (p < 0) return undefined;
  if (p === 0) return lowerId.length === term.length ? 'id-exact' : 'id-prefix';
  return 'id';
}

const MAX_VALUE = 300;
const MAX_PAIRS = 100;

/**
 * Attributes as search indexes them: nested keys dotted, arrays of strings/booleans joined,
 * each value at most 300 characters, at most 100 per span. Strings and booleans are text
 * (`key=value`, found by free text and `attr.key=…`); finite numbers go to `visitNumber`
 * (found by `attr.key=500`, `attr.key>100`, not by free text: a number typed in the box is
 * far likelier part of an id than a measurement). The index's hot path: no pair is built.
 */
export function visitAttributes(
  attrs: Attributes,
  visit: (key: string, value: string) => void,
  visitNumber?: (key: string, value: number) => void,
): void {
  let n = 0;
  const walk = (prefix: string, v: AttributeValue | undefined, depth: number): void => {
    if (n >= MAX_PAIRS || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (v !== '') {
        n++;
        visit(prefix, v.length > MAX_VALUE ? v.slice(0, MAX_VALUE) : v);
      }
    } else if (typeof v === 'number') {
      if (Number.isFinite(v) && visitNumber) {
        n++;
        visitNumber(prefix, v);
      }
    } else if (typeof v === 'boolean') {
      n++;
      visit(prefix, v ? 'true' : 'false');
    } else if (Array.isArray(v)) {
      const parts = v.filter((x): x is string | boolean => typeof x === 'string' || typeof x === 'boolean').map(String);
      if (parts.length > 0) {
        const s = parts.join(', ');
        n++;
        visit(prefix, s.length > MAX_VALUE ? s.slice(0, MAX_VALUE) : s);
      }
    } else if (typeof v === 'object' && depth < 4) {
      for (const k in v) walk(`${prefix}.${k}`, v[k], depth + 1);
    }
  };
  for (const k in attrs) {
    if (n >= MAX_PAIRS) break;
    walk(k.includes('=') ? k.replace(/=/g, ':') : k, attrs[k], 0);
  }
}

/** The text pairs (`key=value`) and the numbers of a document's attributes. */
export function flattenAttributes(attrs: Attributes): { pairs: string[]; numbers: Array<[key: string, value: number]> } {
  const pairs: string[] = [];
  const numbers: Array<[string, number]> = [];
  visitAttributes(
    attrs,
    (k, v) => pairs.push(`${k}=${v}`),
    (k, v) => numbers.push([k, v]),
  );
  return { pairs, numbers };
}

/** Order of results: score, then newer, then the order the store gave. */
export function better(scoreA: number, startA: number, seqA: number, scoreB: number, startB: number, seqB: number): boolean {
  if (scoreA !== scoreB) return scoreA > scoreB;
  const a = Number.isNaN(startA) ? -Infinity : startA;
  const b = Number.isNaN(startB) ? -Infinity : startB;
  if (a !== b) return a > b;
  return seqA < seqB;
}

const SNIPPET = 120;

/** A `key=value` pair an attr. filter matched, its value set off (the whole value, when it fits). */
export function pairSnippet(pair: string): { snippet: string; match?: [number, number] } {
  const flat = pair.replace(/\s+/g, ' ');
  const eq = flat.indexOf('=');
  if (flat.length > SNIPPET || eq < 0) return snippetOf(flat, undefined);
  return { snippet: flat, match: [eq + 1, flat.length] };
}

/** The text around a match, on one line, with where the match is in it. */
export function snippetOf(text: string, lowerTerm: string | undefined): { snippet: string; match?: [number, number] } {
  const flat = text.replace(/\s+/g, ' ');
  if (lowerTerm === undefined || lowerTerm === '') return { snippet: flat.length > SNIPPET ? flat.slice(0, SNIPPET - 1) + '…' : flat };
  const p = fold(flat).indexOf(lowerTerm.replace(/\s+/g, ' '));
  if (p < 0) return { snippet: flat.length > SNIPPET ? flat.slice(0, SNIPPET - 1) + '…' : flat };
  let start = Math.max(0, p - 40);
  let end = Math.min(flat.length, Math.max(p + lowerTerm.length + 40, start + SNIPPET));
  if (end - start > SNIPPET) end = Math.max(p + lowerTerm.length, start + SNIPPET);
  if (end > flat.length) end = flat.length;
  const pre = start > 0 ? '…' : '';
  const post = end < flat.length ? '…' : '';
  if (start < 0) start = 0;
  const snippet = pre + flat.slice(start, end) + post;
  const ms = pre.length + p - start;
  return { snippet, match: [ms, ms + lowerTerm.length] };
}
