/** Which comparison rows are listed: all, or the changed ones with the rows above them. Pure. */

export interface RowColumns {
  depth: readonly number[];
  change: readonly number[];
  errorChanged: readonly number[];
}

/** Row indexes shown, in tree order. With `changedOnly`, a changed row brings its ancestors. */
export function listedRows(c: RowColumns, changedOnly: boolean): number[] {
  const n = c.depth.length;
  const out: number[] = [];
  if (!changedOnly) {
    for (let i = 0; i < n; i++) out.push(i);
    return out;
  }
  // The open chain of ancestors by depth; each is listed once, when a changed row below it is.
  const chain: number[] = [];
  const listed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const d = c.depth[i]!;
    chain.length = Math.min(chain.length, d);
    chain[d] = i;
    if (c.change[i] !== 0 || c.errorChanged[i]) {
      for (const j of chain) {
        if (j === undefined || listed[j]) continue;
        listed[j] = 1;
        out.push(j);
      }
    }
  }
  return out;
}
