/**
 * Which rows of the timeline are on screen's list: every row whose ancestors are all expanded,
 * in tree order. A collapsed row skips its whole subtree in one step (`subtreeEnd`), so the
 * cost is the number of rows shown, not the run's size. Pure: unit-tested without a DOM.
 */

export interface TreeColumns {
  count: number;
  parent: Int32Array;
  subtreeEnd: Uint32Array;
  childCount: Uint32Array;
}

export function visibleRows(t: TreeColumns, collapsed: Uint8Array): Uint32Array {
  const out = new Uint32Array(t.count);
  let n = 0;
  let r = 0;
  while (r < t.count) {
    out[n++] = r;
    r = collapsed[r] && t.childCount[r]! > 0 ? t.subtreeEnd[r]! : r + 1;
  }
  return out.subarray(0, n);
}

/** Expands every ancestor of `row` so it is listed; true when anything changed. */
export function expandAncestors(t: TreeColumns, collapsed: Uint8Array, row: number): boolean {
  let changed = false;
  for (let p = t.parent[row]!; p >= 0; p = t.parent[p]!) {
    if (collapsed[p]) {
      collapsed[p] = 0;
      changed = true;
    }
  }
  return changed;
}

/** Index of `row` in the sorted list `visible`, or -1. */
export function indexOfRow(visible: Uint32Array, row: number): number {
  let lo = 0;
  let hi = visible.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = visible[mid]!;
    if (v === row) return mid;
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The first entry of the sorted `rows` after (`dir` 1) or before (-1) `row`, wrapping around; -1 when empty. */
export function nextMatch(rows: Uint32Array, row: number, dir: 1 | -1): number {
  if (rows.length === 0) return -1;
  let lo = 0;
  let hi = rows.length;
  // First index with rows[i] > row
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]! <= row) lo = mid + 1;
    else hi = mid;
  }
  if (dir === 1) return rows[lo < rows.length ? lo : 0]!;
  // Last index with rows[i] < row
  let i = lo - 1;
  if (i >= 0 && rows[i] === row) i--;
  return rows[i >= 0 ? i : rows.length - 1]!;
}
