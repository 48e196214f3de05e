/**
 * The timeline of one run, computed once: every span as a row in tree order (parents before
 * children, siblings by start), with depth, parent row, the row after its subtree (so a view
 * skips a collapsed subtree in one step), start/end on the run's time axis, self time and the
 * critical path. Columns are typed arrays, not an object per span: a 100,000-span run is a few
 * MB and is sent to the webview as it is. Iterative throughout (a store can nest 100k deep).
 */
import { STATUSES, type Span, type SpanNode, type Status } from '../../model/types';
import type { TimelineColumns } from '../../model/timeline';
import { criticalPath } from './criticalPath';
import { selfTimes } from './selfTime';

/** The columns, plus the spans themselves in row order (host side only: the webview gets columns). */
export interface TimelineLayout extends TimelineColumns {
  /** The span of each row (as built: the tree's nodes; from the engine's worker: flat spans). */
  spans: Span[];
}

const STATUS_CODE = new Map<Status, number>(STATUSES.map((s, i) => [s, i]));

function finiteOr(v: number | undefined, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

/** Lays out a span forest (buildSpanTree's output: roots in start order, children sorted). */
export function computeLayout(roots: readonly SpanNode[]): TimelineLayout {
  // Pre-order without recursion: count first so every column is allocated once.
  const spans: SpanNode[] = [];
  const depthList: number[] = [];
  const parentList: number[] = [];
  const stack: Array<[SpanNode, number, number]> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i]!, 0, -1]);
  while (stack.length > 0) {
    const [n, d, p] = stack.pop()!;
    const row = spans.length;
    spans.push(n);
    depthList.push(d);
    parentList.push(p);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, d + 1, row]);
  }
  const count = spans.length;
  const depth = Uint32Array.from(depthList);
  const parent = Int32Array.from(parentList);
  const subtreeEnd = new Uint32Array(count);
  const childCount = new Uint32Array(count);
  const start = new Float64Array(count);
  const end = new Float64Array(count);
  const running = new Uint8Array(count);
  const status = new Uint8Array(count);

  let axisStart = Number.POSITIVE_INFINITY;
  let axisEnd = Number.NEGATIVE_INFINITY;
  let maxDepth = 0;
  for (let i = 0; i < count; i++) {
    const s = spans[i]!;
    const st = finiteOr(s.startOffsetMs, 0);
    start[i] = st;
    const dur = s.durationMs;
    if (typeof dur === 'number' && Number.isFinite(dur) && dur >= 0) {
      end[i] = st + dur;
    } else {
      running[i] = 1;
      end[i] = st;
    }
    if (st < axisStart) axisStart = st;
    if (end[i]! > axisEnd) axisEnd = end[i]!;
    status[i] = STATUS_CODE.get(s.status) ?? STATUS_CODE.get('unset')!;
    childCount[i] = s.children.length;
    if (depth[i]! > maxDepth) maxDepth = depth[i]!;
  }
  if (count === 0) {
    axisStart = 0;
    axisEnd = 0;
  }
  // A run's clock starts at 0; spans recorded before it (clock skew) widen the axis to the left.
  if (axisStart > 0) axisStart = 0;
  if (axisEnd < axisStart) axisEnd = axisStart;
  // A running span reaches the latest time anything in the run reached.
  for (let i = 0; i < count; i++) if (running[i]) end[i] = Math.max(start[i]!, axisEnd);

  // Subtree ends: in pre-order a subtree is contiguous; walk backwards so children are done first.
  for (let i = count - 1; i >= 0; i--) {
    let e = i + 1;
    if (childCount[i]! > 0) {
      // The last child's subtree ends the parent's.
      e = subtreeEnd[lastChildRow(i, parent, count, subtreeEnd)]!;
    }
    subtreeEnd[i] = e;
  }

  const self = selfTimes(count, parent, subtreeEnd, start, end);
  const critical = criticalPath(count, parent, start, end, axisStart, axisEnd);
  return { count, spans, depth, parent, subtreeEnd, childCount, start, end, running, status, self, critical, axisStart, axisEnd, maxDepth };
}

/** The last child of `row`: hop from its first child (row + 1) from sibling to sibling. */
function lastChildRow(row: number, parent: Int32Array, count: number, subtreeEnd: Uint32Array): number {
  let c = row + 1;
  for (;;) {
    const next = subtreeEnd[c]!;
    if (next >= count || parent[next] !== row) return c;
    c = next;
  }
}
