/**
 * The host's TimelineData as the page uses it. VS Code hands typed arrays across as typed
 * arrays; anything else (a plain array after a JSON round trip, a test harness) is converted,
 * and lengths are checked so a bad message can only fail to show, never index out of bounds.
 */
import type { TimelineData } from '../protocol';

type Ctor<T> = { from(src: ArrayLike<number>): T };

function col<T extends ArrayLike<number>>(v: unknown, C: Ctor<T> & (abstract new (...a: never[]) => T), n: number, name: string): T {
  const out = v instanceof C ? v : C.from(v as ArrayLike<number>);
  if (out.length !== n) throw new Error(`timeline data: column ${name} has ${out.length} entries, expected ${n}`);
  return out;
}

export function readData(d: TimelineData): TimelineData {
  const n = d.count;
  if (!Number.isInteger(n) || n < 0 || typeof d.ids !== 'string') throw new Error('timeline data: bad row count');
  const crit = d.critical;
  const sections = (crit.start as ArrayLike<number>).length;
  const out: TimelineData = {
    ...d,
    nameIndex: col(d.nameIndex, Uint32Array, n, 'nameIndex'),
    depth: col(d.depth, Uint32Array, n, 'depth'),
    parent: col(d.parent, Int32Array, n, 'parent'),
    subtreeEnd: col(d.subtreeEnd, Uint32Array, n, 'subtreeEnd'),
    childCount: col(d.childCount, Uint32Array, n, 'childCount'),
    start: col(d.start, Float64Array, n, 'start'),
    end: col(d.end, Float64Array, n, 'end'),
    running: col(d.running, Uint8Array, n, 'running'),
    status: col(d.status, Uint8Array, n, 'status'),
    self: col(d.self, Float64Array, n, 'self'),
    critical: {
      onPath: col(crit.onPath, Uint8Array, n, 'critical.onPath'),
      offsets: col(crit.offsets, Uint32Array, n + 1, 'critical.offsets'),
      start: col(crit.start, Float64Array, sections, 'critical.start'),
      end: col(crit.end, Float64Array, sections, 'critical.end'),
    },
    errorRows: col(d.errorRows, Uint32Array, d.errorText.length, 'errorRows'),
  };
  for (let i = 0; i < n; i++) {
    const p = out.parent[i]!;
    if (p >= i || out.subtreeEnd[i]! <= i || out.subtreeEnd[i]! > n || out.nameIndex[i]! >= d.names.length) {
      throw new Error(`timeline data: row ${i} is inconsistent`);
    }
  }
  return out;
}
