import { describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../../src/analysis/tree';
import { computeLayout, type TimelineLayout } from '../../../src/analysis/timeline/layout';
import { encodeTimeline } from '../../../src/analysis/timeline/encode';
import { readData } from '../../../src/webview/timeline/data';
import type { Run, Span } from '../../../src/model/types';

/** `span('b', 'a', 10, 20)`: id b under a, from 10 ms for 20 ms (duration undefined = running). */
function span(id: string, parent: string | null, start: number, duration: number | undefined, over: Partial<Span> = {}): Span {
  const s: Span = { id, runId: 'r', parentId: parent, name: id, status: 'ok', rawStatus: '', startOffsetMs: start, attributes: {}, events: [], ...over };
  if (duration !== undefined) s.durationMs = duration;
  return s;
}

function layoutOf(spans: Span[]): TimelineLayout {
  return computeLayout(buildSpanTree(spans));
}

function row(l: TimelineLayout, id: string): number {
  const r = l.spans.findIndex((s) => s.id === id);
  if (r < 0) throw new Error(`no row ${id}`);
  return r;
}

/** The critical path as `id[start-end]` in time order, sections of every row merged. */
function path(l: TimelineLayout): string[] {
  const secs: Array<[number, number, string]> = [];
  for (let r = 0; r < l.count; r++) {
    for (let k = l.critical.offsets[r]!; k < l.critical.offsets[r + 1]!; k++) secs.push([l.critical.start[k]!, l.critical.end[k]!, l.spans[r]!.id]);
  }
  secs.sort((a, b) => a[0] - b[0]);
  return secs.map(([s, e, id]) => `${id}[${s}-${e}]`);
}

function onPath(l: TimelineLayout): string[] {
  return l.spans.filter((_, r) => l.critical.onPath[r] === 1).map((s) => s.id).sort();
}

describe('timeline layout: rows', () => {
  it('puts spans in tree order with depth, parent, subtree ends and child counts', () => {
    const l = layoutOf([span('root', null, 0, 100), span('b', 'root', 50, 10), span('a', 'root', 0, 40), span('a1', 'a', 5, 5)]);
    expect(l.spans.map((s) => s.id)).toEqual(['root', 'a', 'a1', 'b']);
    expect([...l.depth]).toEqual([0, 1, 2, 1]);
    expect([...l.parent]).toEqual([-1, 0, 1, 0]);
    expect([...l.subtreeEnd]).toEqual([4, 3, 3, 4]);
    expect([...l.childCount]).toEqual([2, 1, 0, 0]);
    expect(l.axisStart).toBe(0);
    expect(l.axisEnd).toBe(100);
  });

  it('gives a running span the end of the axis and flags it', () => {
    const l = layoutOf([span('root', null, 0, undefined, { status: 'running' }), span('a', 'root', 10, 30)]);
    expect(l.running[row(l, 'root')]).toBe(1);
    expect(l.end[row(l, 'root')]).toBe(40);
    expect(l.self[row(l, 'root')]).toBe(10);
  });
});

describe('timeline layout: self time', () => {
  it('subtracts the union of overlapping children once', () => {
    // children cover 10–40 and 30–60: union 10–60 = 50 of 100
    const l = layoutOf([span('p', null, 0, 100), span('c1', 'p', 10, 30), span('c2', 'p', 30, 30)]);
    expect(l.self[row(l, 'p')]).toBe(50);
    expect(l.self[row(l, 'c1')]).toBe(30);
  });

  it('clips a child that runs past its parent end (and one that starts before it)', () => {
    const l = layoutOf([span('p', null, 10, 50), span('late', 'p', 40, 100), span('early', 'p', 0, 20)]);
    // covered inside 10–60: 10–20 (early) and 40–60 (late) = 30 of 50
    expect(l.self[row(l, 'p')]).toBe(20);
  });

  it('ignores zero-length children and children entirely outside the parent', () => {
    const l = layoutOf([span('p', null, 0, 10), span('z', 'p', 5, 0), span('out', 'p', 50, 10)]);
    expect(l.self[row(l, 'p')]).toBe(10);
    expect(l.self[row(l, 'z')]).toBe(0);
  });

  it('is never negative and equals the duration of a leaf', () => {
    const l = layoutOf([span('p', null, 0, 10), span('big', 'p', -5, 100)]);
    expect(l.self[row(l, 'p')]).toBe(0);
    expect(l.self[row(l, 'big')]).toBe(100);
  });
});

describe('timeline layout: critical path', () => {
  it('follows sequential children and gives the parent its gaps', () => {
    const l = layoutOf([span('p', null, 0, 100), span('a', 'p', 10, 30), span('b', 'p', 50, 40)]);
    expect(path(l)).toEqual(['p[0-10]', 'a[10-40]', 'p[40-50]', 'b[50-90]', 'p[90-100]']);
    expect(onPath(l)).toEqual(['a', 'b', 'p']);
  });

  it('takes the last-finishing of overlapping children and skips the one it overlaps', () => {
    // a 0–60 and b 20–80 overlap; b finishes last, a ends after b starts: a is not on the path.
    const l = layoutOf([span('p', null, 0, 100), span('a', 'p', 0, 60), span('b', 'p', 20, 60), span('c', 'p', 0, 10)]);
    expect(path(l)).toEqual(['c[0-10]', 'p[10-20]', 'b[20-80]', 'p[80-100]']);
    expect(onPath(l)).not.toContain('a');
  });

  it('clips a child that runs past its parent end to that end', () => {
    const l = layoutOf([span('p', null, 0, 50), span('late', 'p', 30, 100)]);
    expect(path(l)).toEqual(['p[0-30]', 'late[30-50]']);
  });

  it('leaves out a child that starts after its parent ended, with its subtree', () => {
    const l = layoutOf([span('root', null, 0, 200), span('p', 'root', 0, 50), span('after', 'p', 60, 10), span('deep', 'after', 61, 5)]);
    expect(onPath(l)).toEqual(['p', 'root']);
    expect(path(l)).toEqual(['p[0-50]', 'root[50-200]']);
  });

  it('treats spans with a missing parent as top-level spans of the run', () => {
    const l = layoutOf([span('root', null, 0, 25), span('orphan', 'gone', 30, 70), span('kid', 'orphan', 35, 20)]);
    expect(l.parent[row(l, 'orphan')]).toBe(-1);
    // The run ends at 100 with the orphan; before it started, the root (which ended first) was the work.
    expect(path(l)).toEqual(['root[0-25]', 'orphan[30-35]', 'kid[35-55]', 'orphan[55-100]']);
    // A top-level span still running when the orphan started overlaps it: not on the path.
    const overlapped = layoutOf([span('root', null, 0, 40), span('orphan', 'gone', 30, 70)]);
    expect(onPath(overlapped)).toEqual(['orphan']);
  });

  it('marks zero-length spans on the path without adding sections, and terminates', () => {
    const l = layoutOf([span('p', null, 0, 30), span('z1', 'p', 25, 0), span('z2', 'p', 25, 0), span('a', 'p', 0, 20)]);
    expect(onPath(l)).toEqual(['a', 'p', 'z1', 'z2']);
    expect(path(l)).toEqual(['a[0-20]', 'p[20-25]', 'p[25-30]']);
  });

  it('handles a run that is one zero-length span, and an empty run', () => {
    const one = layoutOf([span('z', null, 5, 0)]);
    expect(onPath(one)).toEqual(['z']);
    expect(path(one)).toEqual([]);
    const none = computeLayout([]);
    expect(none.count).toBe(0);
    expect(none.critical.offsets.length).toBe(1);
  });

  it('follows the path down a deep chain without recursion', () => {
    const spans: Span[] = [span('s0', null, 0, 200_000)];
    for (let i = 1; i < 100_000; i++) spans.push(span(`s${i}`, `s${i - 1}`, i, 200_000 - 2 * i));
    const l = layoutOf(spans);
    expect(l.maxDepth).toBe(99_999);
    let marked = 0;
    for (let r = 0; r < l.count; r++) marked += l.critical.onPath[r]!;
    expect(marked).toBe(100_000);
    expect(l.self[0]).toBe(2);
  });
});

describe('timeline layout at 100,000 spans', () => {
  it('lays out a deep and wide trace: every span once, subtrees contiguous, sections inside their spans', () => {
    // Wide: 100 steps under the root, each a loop of iterations, each nesting 3 deep.
    const spans: Span[] = [span('root', null, 0, 1_000_000)];
    let t = 0;
    let n = 1;
    for (let s = 0; n < 100_000; s++) {
      const step = `step${s}`;
      spans.push(span(step, 'root', t, 9000));
      for (let i = 0; i < 300 && n < 100_000; i++) {
        const it = `${step}.it${i}`;
        spans.push(span(it, step, t + i * 30, 25, { name: 'iteration', status: i % 97 === 0 ? 'error' : 'ok', error: i % 97 === 0 ? { message: 'boom' } : undefined }));
        spans.push(span(`${it}.a`, it, t + i * 30 + 1, 20, { name: 'call_model' }));
        n += 2;
      }
      n++;
      t += 10_000;
    }
    const l = layoutOf(spans);
    expect(l.count).toBe(spans.length);
    expect(new Set(l.spans.map((s) => s.id)).size).toBe(spans.length);
    const bad: string[] = [];
    let sections = 0;
    for (let r = 0; r < l.count; r++) {
      const p = l.parent[r]!;
      if (p >= 0 && (r <= p || l.subtreeEnd[r]! > l.subtreeEnd[p]!)) bad.push(`row ${r} outside its parent's subtree`);
      for (let k = l.critical.offsets[r]!; k < l.critical.offsets[r + 1]!; k++) {
        sections++;
        if (l.critical.start[k]! < l.start[r]! || l.critical.end[k]! > l.end[r]!) bad.push(`section ${k} outside row ${r}`);
      }
    }
    expect(bad).toEqual([]);
    expect(sections).toBeGreaterThan(100);
    const run: Run = { id: 'r', store: '/x/trace.otlp.json', name: 'big', status: 'error', rawStatus: '', spanCount: l.count, attributes: {} };
    const data = encodeTimeline(run, l, 1);
    expect(data.names.length).toBeLessThan(l.count);
    expect(data.errorRows.length).toBe(spans.filter((s) => s.error).length);
    expect(data.errorText[0]).toBe('boom');
    // The page gets the same tree and critical path back from the smaller message.
    const back = readData(data);
    expect(back.parent).toEqual(l.parent);
    expect(back.critical.offsets).toEqual(l.critical.offsets);
    expect(back.critical.start).toEqual(l.critical.start);
  });
});

/**
 * Jaeger's algorithm as it reads (jaeger-ui computeCriticalPath): recursive, on span objects,
 * after sanitizing (children clipped to the parent, children outside dropped). The iterative
 * column version must give the same sections on any tree.
 */
function referencePath(spans: Span[]): string[] {
  interface N { id: string; s: number; e: number; os: number; kids: N[] }
  const byId = new Map<string, N>();
  for (const sp of spans) byId.set(sp.id, { id: sp.id, s: sp.startOffsetMs, e: sp.startOffsetMs + (sp.durationMs ?? 0), os: sp.startOffsetMs, kids: [] });
  const roots: N[] = [];
  for (const sp of spans) {
    const n = byId.get(sp.id)!;
    const p = sp.parentId === null ? undefined : byId.get(sp.parentId);
    (p ? p.kids : roots).push(n);
  }
  let axisEnd = 0;
  for (const n of byId.values()) axisEnd = Math.max(axisEnd, n.e);
  const run: N = { id: '(run)', s: 0, e: axisEnd, os: 0, kids: roots };
  const sanitize = (p: N): void => {
    p.kids = p.kids.filter((c) => !(c.s > p.e || c.e < p.s));
    for (const c of p.kids) {
      c.s = Math.max(c.s, p.s);
      c.e = Math.min(c.e, p.e);
      sanitize(c);
    }
  };
  sanitize(run);
  const out: Array<[number, number, string]> = [];
  const walk = (n: N, bound: number): void => {
    // Children by end, latest first; ties: earlier (clipped) start first, then the one recorded first.
    const order = n.kids.map((c, i) => [c, i] as const).sort((a, b) => b[0].e - a[0].e || a[0].s - b[0].s || a[0].os - b[0].os || a[1] - b[1]).map(([c]) => c);
    for (const c of order) {
      if (c.e > bound) continue;
      if (n !== run && c.e < bound) out.push([c.e, bound, n.id]);
      walk(c, c.e);
      bound = c.s;
    }
    if (n !== run && bound > n.s) out.push([n.s, bound, n.id]);
  };
  walk(run, run.e);
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([s, e, id]) => `${id}[${s}-${e}]`);
}

describe('critical path against a recursive reference', () => {
  it('agrees on 2,000 random trees with overlaps, zero-length spans, late children and orphans', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let t = 0; t < 2000; t++) {
      const spans: Span[] = [span('s0', null, 0, 100)];
      const n = 2 + Math.floor(rnd() * 25);
      for (let i = 1; i < n; i++) {
        const orphan = rnd() < 0.08;
        const parent = orphan ? 'missing' : `s${Math.floor(rnd() * i)}`;
        const start = Math.floor(rnd() * 110);
        const dur = rnd() < 0.1 ? 0 : Math.floor(rnd() * 60);
        spans.push(span(`s${i}`, parent, start, dur));
      }
      const l = layoutOf(spans);
      const mine = path(l).sort();
      const ref = referencePath(spans).sort();
      expect(mine, `tree ${t}: ${JSON.stringify(spans.map((s) => [s.id, s.parentId, s.startOffsetMs, s.durationMs]))}`).toEqual(ref);
    }
  });
});
