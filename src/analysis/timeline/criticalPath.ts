/**
 * The critical path of a run: the chain of work that bounds its end, computed as Jaeger does
 * (jaeger-ui's TracePage/CriticalPath): start at the end of the run, take the child that
 * finished last, follow it down; when a span has no child left that finished before the point
 * reached, the span itself was the work then, and the walk goes back to its parent at the
 * span's start. A parent's time between its children is a section of the parent.
 *
 * The data is sanitized first, as Jaeger does: a child is clipped to its parent (a child that
 * runs past its parent's end only counts up to that end), and a child entirely outside its
 * parent is left out with its subtree. Top-level spans (roots, and spans whose parent is
 * missing) are children of the run itself. Children whose end falls after the point reached
 * overlap a child already on the path and are skipped. Zero-length spans can be on the path
 * (marked) but add no section. Iterative: O(n log n) for the sorting, no recursion.
 */
import type { CriticalSections } from '../../model/timeline';

export type { CriticalSections };

export function criticalPath(
  count: number,
  parent: Int32Array,
  start: Float64Array,
  end: Float64Array,
  axisStart: number,
  axisEnd: number,
): CriticalSections {
  const ROOT = count;
  const clipStart = new Float64Array(count + 1);
  const clipEnd = new Float64Array(count + 1);
  const eligible = new Uint8Array(count + 1);
  clipStart[ROOT] = axisStart;
  clipEnd[ROOT] = axisEnd;
  eligible[ROOT] = 1;
  // Rows are in pre-order: a parent is clipped before its children.
  const childTotal = new Uint32Array(count + 2);
  for (let i = 0; i < count; i++) {
    const p = parent[i]! < 0 ? ROOT : parent[i]!;
    if (!eligible[p]) continue;
    const ps = clipStart[p]!;
    const pe = clipEnd[p]!;
    if (start[i]! > pe || end[i]! < ps) continue; // outside its parent: left out with its subtree
    eligible[i] = 1;
    clipStart[i] = Math.max(start[i]!, ps);
    clipEnd[i] = Math.min(end[i]!, pe);
    childTotal[p + 1]!++;
  }
  // Children lists (CSR), each sorted by clipped end, latest first; on a tie the earlier start first.
  const first = new Uint32Array(count + 2);
  for (let p = 0; p <= count; p++) first[p + 1] = first[p]! + childTotal[p + 1]!;
  const fill = first.slice(0, count + 1);
  const list = new Uint32Array(first[count + 1]!);
  for (let i = 0; i < count; i++) {
    if (!eligible[i]) continue;
    const p = parent[i]! < 0 ? ROOT : parent[i]!;
    list[fill[p]!++] = i;
  }
  for (let p = 0; p <= count; p++) {
    const a = first[p]!;
    const b = first[p + 1]!;
    if (b - a > 1) {
      const seg = list.subarray(a, b);
      seg.sort((x, y) => clipEnd[y]! - clipEnd[x]! || clipStart[x]! - clipStart[y]! || x - y);
    }
  }

  const onPath = new Uint8Array(count);
  const secRow: number[] = [];
  const secStart: number[] = [];
  const secEnd: number[] = [];
  const ptr = first.slice(0, count + 1);
  let cur = ROOT;
  let bound = axisEnd;
  for (;;) {
    let next = -1;
    const stop = first[cur + 1]!;
    while (ptr[cur]! < stop) {
      const c = list[ptr[cur]!++]!;
      if (clipEnd[c]! <= bound) {
        next = c;
        break;
      }
    }
    if (next >= 0) {
      if (cur !== ROOT && clipEnd[next]! < bound) {
        secRow.push(cur);
        secStart.push(clipEnd[next]!);
        secEnd.push(bound);
      }
      cur = next;
      onPath[cur] = 1;
      bound = clipEnd[cur]!;
      continue;
    }
    if (cur === ROOT) break;
    const s = clipStart[cur]!;
    if (bound > s) {
      secRow.push(cur);
      secStart.push(s);
      secEnd.push(bound);
    }
    bound = s;
    cur = parent[cur]! < 0 ? ROOT : parent[cur]!;
  }

  // Group by row, earliest first (the walk produced them latest first).
  const n = secRow.length;
  const offsets = new Uint32Array(count + 1);
  for (let k = 0; k < n; k++) offsets[secRow[k]! + 1]!++;
  for (let r = 0; r < count; r++) offsets[r + 1]! += offsets[r]!;
  const at = offsets.slice(0, count);
  const outStart = new Float64Array(n);
  const outEnd = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const r = secRow[k]!;
    const j = at[r]!++;
    outStart[j] = secStart[k]!;
    outEnd[j] = secEnd[k]!;
  }
  return { onPath, offsets, start: outStart, end: outEnd };
}
