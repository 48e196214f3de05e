/**
 * Self time: a span's duration minus the time its children cover. Children are clipped to
 * the span first (a child that runs past its parent's end, or starts before it, only covers
 * the part inside), and overlapping children count once (the union of their intervals).
 */

/** Each row's children rows, in row order: first child at row + 1, then sibling after sibling. */
export function forEachChild(row: number, parent: Int32Array, subtreeEnd: Uint32Array, count: number, fn: (child: number) => void): void {
  let c = row + 1;
  while (c < count && parent[c] === row) {
    fn(c);
    c = subtreeEnd[c]!;
  }
}

export function selfTimes(count: number, parent: Int32Array, subtreeEnd: Uint32Array, start: Float64Array, end: Float64Array): Float64Array {
  const self = new Float64Array(count);
  const cs: number[] = [];
  const ce: number[] = [];
  for (let p = 0; p < count; p++) {
    const ps = start[p]!;
    const pe = end[p]!;
    const duration = pe - ps;
    cs.length = 0;
    ce.length = 0;
    let sorted = true;
    forEachChild(p, parent, subtreeEnd, count, (c) => {
      const s = Math.max(start[c]!, ps);
      const e = Math.min(end[c]!, pe);
      if (e <= s) return; // outside the parent, or zero-length: covers nothing
      if (cs.length > 0 && s < cs[cs.length - 1]!) sorted = false;
      cs.push(s);
      ce.push(e);
    });
    if (cs.length === 0) {
      self[p] = duration;
      continue;
    }
    let order: number[] | undefined;
    if (!sorted) {
      order = cs.map((_, i) => i).sort((a, b) => cs[a]! - cs[b]!);
    }
    let covered = 0;
    let curS = Number.NaN;
    let curE = Number.NaN;
    for (let k = 0; k < cs.length; k++) {
      const i = order ? order[k]! : k;
      const s = cs[i]!;
      const e = ce[i]!;
      if (Number.isNaN(curS) || s > curE) {
        if (!Number.isNaN(curS)) covered += curE - curS;
        curS = s;
        curE = e;
      } else if (e > curE) {
        curE = e;
      }
    }
    covered += curE - curS;
    self[p] = Math.max(0, duration - covered);
  }
  return self;
}
