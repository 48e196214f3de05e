/**
 * Two runs' span trees aligned, for "what changed between the run that worked and the one that
 * failed". Spans are matched by their path of names from the root; among siblings of one name
 * (loop iterations, retries) the k-th matches the k-th. The two roots are matched whatever their
 * names (a renamed pipeline is still the same run shape). Each row says what changed: added,
 * removed, status, slower or faster (beyond a threshold), or same. Iterative throughout: a
 * 100,000-deep or -wide run must not overflow the stack.
 */
import { COMPARE_CHANGES, type CompareChange } from '../../model/compare';
import { errorHeadline } from '../../model/errors';
import type { AttributeValue, Run, Span, SpanNode, Status } from '../../model/types';
import { buildSpanTree } from '../tree';

export type ChangeKind = CompareChange;

export const CHANGE_KINDS: readonly ChangeKind[] = COMPARE_CHANGES;

export interface DiffSide {
  spanId: string;
  status: Status;
  rawStatus: string;
  startOffsetMs: number;
  durationMs?: number;
  /** `Type: message`, first line. */
  error?: string;
}

export interface AttributeChanges {
  /** key → [value in A, value in B]; a side without the key has `null`. */
  changed: Record<string, [AttributeValue, AttributeValue]>;
}

export interface DiffRow {
  /** Names from the root down to this span. */
  path: string[];
  /** The span's name (B's where both sides have it). */
  name: string;
  /** Which of the same-named siblings this is, from 1 (loop iteration k). */
  occurrence: number;
  depth: number;
  change: ChangeKind;
  a?: DiffSide;
  b?: DiffSide;
  /** B's duration minus A's, where both have one. */
  deltaMs?: number;
  /** A's name when the matched span is named otherwise in B (a renamed root). */
  renamedFrom?: string;
  /** The error text differs although the status does not. */
  errorChanged?: true;
  attributes?: AttributeChanges;
}

export interface DiffOptions {
  /** Slower/faster only past this share of A's duration (default 20 %) … */
  thresholdPct?: number;
  /** … and past this many milliseconds (default 5 ms). */
  minDeltaMs?: number;
}

export const DEFAULT_THRESHOLD_PCT = 20;
export const DEFAULT_MIN_DELTA_MS = 5;

/** A value's text for comparing and showing; bounded, so a huge attribute costs little. */
const MAX_VALUE_CHARS = 10_000;

function valueKey(v: AttributeValue | undefined): string {
  if (v === undefined) return '\u0000absent';
  if (typeof v === 'string') return `s:${v.length > MAX_VALUE_CHARS ? v.slice(0, MAX_VALUE_CHARS) : v}`;
  try {
    const s = JSON.stringify(v);
    return s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS) : s;
  } catch {
    // Nested past what JSON.stringify walks: compared by its start only.
    return `?${String(v).slice(0, 100)}`;
  }
}

function errorText(s: Span): string | undefined {
  const e = s.error;
  if (!e) return undefined;
  return errorHeadline(e);
}

function side(s: Span): DiffSide {
  const out: DiffSide = { spanId: s.id, status: s.status, rawStatus: s.rawStatus, startOffsetMs: s.startOffsetMs };
  if (s.durationMs !== undefined) out.durationMs = s.durationMs;
  const e = errorText(s);
  if (e !== undefined) out.error = e;
  return out;
}

function attributeChanges(a: Span, b: Span): AttributeChanges | undefined {
  const changed: Record<string, [AttributeValue, AttributeValue]> = {};
  let any = false;
  for (const k of Object.keys(a.attributes)) {
    const av = a.attributes[k];
    const bv = Object.prototype.hasOwnProperty.call(b.attributes, k) ? b.attributes[k] : undefined;
    if (valueKey(av) !== valueKey(bv)) {
      changed[k] = [av ?? null, bv ?? null];
      any = true;
    }
  }
  for (const k of Object.keys(b.attributes)) {
    if (Object.prototype.hasOwnProperty.call(a.attributes, k)) continue;
    changed[k] = [null, b.attributes[k] ?? null];
    any = true;
  }
  return any ? { changed } : undefined;
}

function classify(a: Span, b: Span, pct: number, minMs: number): Pick<DiffRow, 'change' | 'deltaMs' | 'errorChanged'> {
  const out: Pick<DiffRow, 'change' | 'deltaMs' | 'errorChanged'> = { change: 'same' };
  if (a.durationMs !== undefined && b.durationMs !== undefined) out.deltaMs = b.durationMs - a.durationMs;
  if (a.status !== b.status) out.change = 'status';
  else if (out.deltaMs !== undefined) {
    const bar = Math.max(minMs, (a.durationMs! * pct) / 100);
    if (out.deltaMs > bar) out.change = 'slower';
    else if (-out.deltaMs > bar) out.change = 'faster';
  }
  if (a.status === b.status && errorText(a) !== errorText(b)) out.errorChanged = true;
  return out;
}

interface Pending {
  a?: SpanNode;
  b?: SpanNode;
  /** Index in `rows` of the parent's row; -1 at the top. */
  parent: number;
  depth: number;
  occurrence: number;
}

/** Paths deeper than this keep their first name and the last ones, with '…' between (a 100k-deep chain would be quadratic). */
export const MAX_PATH_NAMES = 64;

function pathOf(rows: readonly DiffRow[], parents: readonly number[], tops: readonly number[], parent: number, name: string): string[] {
  const up: string[] = [name];
  let i = parent;
  while (i >= 0 && up.length < MAX_PATH_NAMES) {
    up.push(rows[i]!.name);
    i = parents[i]!;
  }
  // Cut: the root's name, then the elision.
  if (i >= 0) up.push('…', rows[tops[i]!]!.name);
  return up.reverse();
}

/**
 * Pairs two sibling lists: by name, the k-th of a name with the k-th. The result keeps B's order,
 * each span only in A placed after the A sibling before it that has a partner (or first).
 */
export function pairSiblings(as: readonly SpanNode[], bs: readonly SpanNode[]): Array<{ a?: SpanNode; b?: SpanNode; occurrence: number }> {
  // The common cases (a leaf on both sides, one child each) without the maps.
  if (as.length === 0 && bs.length === 0) return [];
  if (as.length === 1 && bs.length === 1 && as[0]!.name === bs[0]!.name) return [{ a: as[0]!, b: bs[0]!, occurrence: 1 }];
  const key = (name: string, k: number): string => `${k}\u0000${name}`;
  const occurrenceA: number[] = [];
  const countA = new Map<string, number>();
  const aByKey = new Map<string, number>();
  as.forEach((n, i) => {
    const k = (countA.get(n.name) ?? 0) + 1;
    countA.set(n.name, k);
    occurrenceA[i] = k;
    aByKey.set(key(n.name, k), i);
  });
  const partnerOfA = new Map<number, number>();
  const countB = new Map<string, number>();
  const occurrenceB: number[] = [];
  bs.forEach((n, j) => {
    const k = (countB.get(n.name) ?? 0) + 1;
    countB.set(n.name, k);
    occurrenceB[j] = k;
    const i = aByKey.get(key(n.name, k));
    if (i !== undefined) partnerOfA.set(i, j);
  });
  const partnerOfB = new Map<number, number>();
  for (const [i, j] of partnerOfA) partnerOfB.set(j, i);
  // A-only spans hang after their nearest earlier A sibling that has a partner in B (-1: first).
  const after = new Map<number, number[]>();
  let anchor = -1;
  as.forEach((_, i) => {
    const j = partnerOfA.get(i);
    if (j !== undefined) anchor = j;
    else {
      let list = after.get(anchor);
      if (!list) after.set(anchor, (list = []));
      list.push(i);
    }
  });
  const out: Array<{ a?: SpanNode; b?: SpanNode; occurrence: number }> = [];
  for (const i of after.get(-1) ?? []) out.push({ a: as[i]!, occurrence: occurrenceA[i]! });
  bs.forEach((b, j) => {
    const i = partnerOfB.get(j);
    out.push(i === undefined ? { b, occurrence: occurrenceB[j]! } : { a: as[i]!, b, occurrence: occurrenceB[j]! });
    for (const k of after.get(j) ?? []) out.push({ a: as[k]!, occurrence: occurrenceA[k]! });
  });
  return out;
}

/** The rows of two runs' aligned trees, parents before children, siblings in B's order. */
export function alignSpans(aSpans: Span[], bSpans: Span[], options: DiffOptions = {}): DiffRow[] {
  const pct = options.thresholdPct ?? DEFAULT_THRESHOLD_PCT;
  const minMs = options.minDeltaMs ?? DEFAULT_MIN_DELTA_MS;
  const aRoots = buildSpanTree(aSpans);
  const bRoots = buildSpanTree(bSpans);
  // One root each: the same run's root, whatever it is called now.
  const top =
    aRoots.length === 1 && bRoots.length === 1
      ? [{ a: aRoots[0]!, b: bRoots[0]!, occurrence: 1 }]
      : pairSiblings(aRoots, bRoots);
  const rows: DiffRow[] = [];
  const stack: Pending[] = [];
  for (let i = top.length - 1; i >= 0; i--) stack.push({ ...top[i]!, parent: -1, depth: 0 });
  // Each row's parent row, beside the rows (kept out of their JSON).
  const rowParents: number[] = [];
  const rowTops: number[] = [];
  while (stack.length > 0) {
    const p = stack.pop()!;
    const { a, b } = p;
    const name = (b ?? a)!.name;
    const row: DiffRow = { path: pathOf(rows, rowParents, rowTops, p.parent, name), name, occurrence: p.occurrence, depth: p.depth, change: a && b ? 'same' : a ? 'removed' : 'added' };
    if (a) row.a = side(a);
    if (b) row.b = side(b);
    if (a && b) {
      Object.assign(row, classify(a, b, pct, minMs));
      if (a.name !== b.name) row.renamedFrom = a.name;
      const attrs = attributeChanges(a, b);
      if (attrs) row.attributes = attrs;
    }
    const index = rows.length;
    rows.push(row);
    rowParents.push(p.parent);
    rowTops.push(p.parent < 0 ? index : rowTops[p.parent]!);
    const children = pairSiblings(a?.children ?? [], b?.children ?? []);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ ...children[i]!, parent: index, depth: p.depth + 1 });
  }
  return rows;
}

/** An attribute holding each run's own id (`flujo.run_id`): it differs in every pair of runs, so says nothing. */
export function isRunIdPair(d: { a: Run; b: Run }, av: AttributeValue, bv: AttributeValue): boolean {
  return av === d.a.id && bv === d.b.id;
}

export interface DiffSummary {
  counts: Record<ChangeKind, number>;
  /** The first row (tree order) that is not the same. */
  firstDivergence?: DiffRow;
  statusChanges: DiffRow[];
  /** Matched rows with the largest |Δ duration|, largest first (at most 5). */
  biggestTimeChanges: DiffRow[];
  runs: { statusChanged: boolean; deltaMs?: number };
}

export interface RunDiff {
  a: Run;
  b: Run;
  rows: DiffRow[];
  summary: DiffSummary;
}

export function diffRuns(a: Run, aSpans: Span[], b: Run, bSpans: Span[], options: DiffOptions = {}): RunDiff {
  const rows = alignSpans(aSpans, bSpans, options);
  const counts = Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>;
  let firstDivergence: DiffRow | undefined;
  const statusChanges: DiffRow[] = [];
  const timed: DiffRow[] = [];
  for (const r of rows) {
    counts[r.change]++;
    if (!firstDivergence && (r.change !== 'same' || r.errorChanged)) firstDivergence = r;
    if (r.change === 'status') statusChanges.push(r);
    if (r.deltaMs !== undefined && r.deltaMs !== 0) timed.push(r);
  }
  // Top five by |Δ| without sorting a 100k-row list.
  const biggest: DiffRow[] = [];
  for (const r of timed) {
    const mag = Math.abs(r.deltaMs!);
    if (biggest.length === 5 && mag <= Math.abs(biggest[4]!.deltaMs!)) continue;
    biggest.push(r);
    biggest.sort((x, y) => Math.abs(y.deltaMs!) - Math.abs(x.deltaMs!));
    if (biggest.length > 5) biggest.pop();
  }
  const summary: DiffSummary = { counts, statusChanges, biggestTimeChanges: biggest, runs: { statusChanged: a.status !== b.status } };
  if (firstDivergence) summary.firstDivergence = firstDivergence;
  if (a.durationMs !== undefined && b.durationMs !== undefined) summary.runs.deltaMs = b.durationMs - a.durationMs;
  return { a, b, rows, summary };
}
