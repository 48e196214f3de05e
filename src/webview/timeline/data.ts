/**
 * The host's TimelineWire made into the TimelineData the page uses. VS Code hands typed arrays
 * across as typed arrays; anything else (a plain array after a JSON round trip, a test harness) is
 * converted, and lengths and the tree are checked so a bad message can only fail to show, never
 * index out of bounds. What the wire leaves out is derived here: each row's parent and child count
 * (from depth and subtree ends), and the critical-path section of spans on the path end to end.
 */
import type { TimelineData, TimelineWire } from '../protocol';

type Ctor<T> = { from(src: ArrayLike<number>): T };

function col<T extends ArrayLike<number>>(v: unknown, C: Ctor<T> & (abstract new (...a: never[]) => T), n: number, name: string): T {
  const out = v instanceof C ? v : C.from(v as ArrayLike<number>);
  if (out.length !== n) throw new Error(`timeline data: column ${name} has ${out.length} entries, expected ${n}`);
  return out;
}

export function readData(d: TimelineWire): TimelineData {
  const n = d.count;
  if (!Number.isInteger(n) || n < 0 || typeof d.ids !== 'string') throw new Error('timeline data: bad row count');
  const crit = d.critical;
  const listed = (crit.start as ArrayLike<number>).length;
  const depth = col(d.depth, Uint32Array, n, 'depth');
  const subtreeEnd = col(d.subtreeEnd, Uint32Array, n, 'subtreeEnd');
  const nameIndex = col(d.nameIndex, Uint32Array, n, 'nameIndex');
  const start = col(d.start, Float64Array, n, 'start');
  const end = col(d.end, Float64Array, n, 'end');
  // Parents from depths (pre-order: a row's parent is the last row one level up), checked against subtree ends.
  const parent = new Int32Array(n);
  const childCount = new Uint32Array(n);
  const chain: number[] = [];
  for (let i = 0; i < n; i++) {
    const dep = depth[i]!;
    if (dep > chain.length) throw new Error(`timeline data: row ${i} is inconsistent`);
    chain.length = dep;
    const p = dep === 0 ? -1 : chain[dep - 1]!;
    parent[i] = p;
    if (p >= 0) childCount[p]!++;
    chain.push(i);
    if (subtreeEnd[i]! <= i || subtreeEnd[i]! > n || (p >= 0 && subtreeEnd[i]! > subtreeEnd[p]!) || nameIndex[i]! >= d.names.length) {
      throw new Error(`timeline data: row ${i} is inconsistent`);
    }
  }
  // Sections: the listed ones, plus a whole-span one where onPath is 2.
  const onPathIn = col(crit.onPath, Uint8Array, n, 'critical.onPath');
  const offsetsIn = col(crit.offsets, Uint32Array, n + 1, 'critical.offsets');
  const startIn = col(crit.start, Float64Array, listed, 'critical.start');
  const endIn = col(crit.end, Float64Array, listed, 'critical.end');
  let whole = 0;
  for (let i = 0; i < n; i++) if (onPathIn[i] === 2) whole++;
  const onPath = new Uint8Array(n);
  const offsets = new Uint32Array(n + 1);
  const cs = new Float64Array(listed + whole);
  const ce = new Float64Array(listed + whole);
  let k = 0;
  for (let i = 0; i < n; i++) {
    onPath[i] = onPathIn[i] ? 1 : 0;
    if (onPathIn[i] === 2) {
      cs[k] = start[i]!;
      ce[k++] = end[i]!;
    } else {
      const a = offsetsIn[i]!;
      const b = offsetsIn[i + 1]!;
      if (b < a || b > listed) throw new Error(`timeline data: critical sections of row ${i} are inconsistent`);
      for (let j = a; j < b; j++) {
        cs[k] = startIn[j]!;
        ce[k++] = endIn[j]!;
      }
    }
    offsets[i + 1] = k;
  }
  return {
    ...d,
    nameIndex,
    depth,
    parent,
    subtreeEnd,
    childCount,
    start,
    end,
    running: col(d.running, Uint8Array, n, 'running'),
    status: col(d.status, Uint8Array, n, 'status'),
    self: Float64Array.from(col(d.self, Float32Array, n, 'self')),
    critical: { onPath, offsets, start: cs.subarray(0, k), end: ce.subarray(0, k) },
    errorRows: col(d.errorRows, Uint32Array, d.errorText.length, 'errorRows'),
  };
}
