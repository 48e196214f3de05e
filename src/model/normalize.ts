/**
 * The one pass every reader's spans go through (sources/enrichStore.ts), as Jaeger's
 * transform-trace-data: whatever a store recorded, a run's spans come out with unique ids, every
 * parent chain ending at a root, and errors derived the one way (errors.ts). Where the pass
 * changes what the store said it keeps the stored value in an attribute, so views can say so
 * (analysis/tree.ts: "parent missing", "parent cycle broken here"). Idempotent, iterative (a
 * 100k-deep chain cannot overflow the stack), and it copies only the spans it changes.
 */
import { errorFromExceptionEvents } from './errors';
import type { Span } from './types';

/** Attribute keys the pass adds where it had to change what the store said. */
export const PARENT_MISSING_KEY = 'spanlens.parent.missing';
export const PARENT_CYCLE_KEY = 'spanlens.parent.cycle';
export const DUPLICATE_OF_KEY = 'spanlens.duplicateOf';

/** `spans` (one run's, in start order) normalized: see the module comment. The input is not mutated. */
export function normalizeSpans(spans: readonly Span[]): Span[] {
  const out = spans.slice();
  const edit = (i: number, change: Partial<Span>): void => {
    out[i] = { ...out[i]!, ...change };
  };
  // A second span with an id already seen (a re-exported batch) gets `id#2`; children keep the first.
  const seen = new Map<string, number>();
  for (let i = 0; i < out.length; i++) {
    const s = out[i]!;
    const n = (seen.get(s.id) ?? 0) + 1;
    seen.set(s.id, n);
    if (n > 1) edit(i, { id: `${s.id}#${n}`, attributes: { ...s.attributes, [DUPLICATE_OF_KEY]: s.id } });
  }
  const index = new Map<string, number>();
  out.forEach((s, i) => index.set(s.id, i));
  // A parent not in the run: the span becomes a root, its stored parent kept.
  for (let i = 0; i < out.length; i++) {
    const s = out[i]!;
    if (s.parentId !== null && s.parentId !== undefined && !index.has(s.parentId)) {
      edit(i, { parentId: null, attributes: { ...s.attributes, [PARENT_MISSING_KEY]: s.parentId } });
    }
  }
  // Walk up from each span; meeting a span of the current walk again is a cycle (a self-parent
  // included). The earliest-starting member of the cycle (the first in input order on a tie) becomes a root.
  const state = new Uint8Array(out.length); // 1: on the current walk, 2: known to reach a root
  for (let first = 0; first < out.length; first++) {
    const path: number[] = [];
    let cur: number | undefined = first;
    while (cur !== undefined && state[cur] === 0) {
      state[cur] = 1;
      path.push(cur);
      const p: string | null = out[cur]!.parentId;
      cur = p === null || p === undefined ? undefined : index.get(p);
    }
    if (cur !== undefined && state[cur] === 1) {
      let cut = cur;
      for (let k = path.indexOf(cur); k < path.length; k++) {
        const c = path[k]!;
        const kc = startKey(out[c]!);
        const kcut = startKey(out[cut]!);
        if (kc < kcut || (kc === kcut && c < cut)) cut = c;
      }
      const s = out[cut]!;
      edit(cut, { parentId: null, attributes: { ...s.attributes, [PARENT_CYCLE_KEY]: s.parentId } });
    }
    for (const p of path) state[p] = 2;
  }
  // A span that failed (or left its status unset) and recorded an exception but no error: the exception is its error.
  for (let i = 0; i < out.length; i++) {
    const s = out[i]!;
    if (s.error !== undefined || (s.status !== 'error' && s.status !== 'unset') || s.events.length === 0) continue;
    const error = errorFromExceptionEvents(s.events);
    if (error) edit(i, { error });
  }
  return out;
}

function startKey(s: Span): number {
  return Number.isFinite(s.startOffsetMs) ? s.startOffsetMs : Number.POSITIVE_INFINITY;
}
