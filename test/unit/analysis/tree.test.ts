import { describe, expect, it } from 'vitest';
import { buildSpanTree, detachedParent, PARENT_CYCLE_ATTR, PARENT_MISSING_ATTR, walkTree } from '../../../src/analysis/tree';
import { buildTrace } from '../../../src/analysis/trace';
import type { Span } from '../../../src/model/types';
import { run, shape, span } from './helpers';

function ids(spans: { id: string }[]): string[] {
  return spans.map((s) => s.id);
}

describe('buildSpanTree', () => {
  it('nests children under parents, roots and children in start order', () => {
    const spans = [
      span('root', null, 0),
      span('late', 'root', 50),
      span('early', 'root', 10),
      span('grand', 'early', 12),
      span('second-root', null, 5),
    ];
    expect(shape(buildSpanTree(spans))).toBe('root(early(grand),late),second-root');
  });

  it('keeps input order between spans that start together', () => {
    const spans = [span('r', null, 0), span('b', 'r', 5), span('a', 'r', 5), span('c', 'r', 5)];
    expect(shape(buildSpanTree(spans))).toBe('r(b,a,c)');
  });

  it('makes a span whose parent is missing a root', () => {
    const spans = [span('r', null, 0), span('orphan', 'gone', 3), span('kid', 'orphan', 4)];
    const roots = buildSpanTree(spans);
    expect(shape(roots)).toBe('r,orphan(kid)');
    const byId = new Map(spans.map((s) => [s.id, s]));
    expect(detachedParent(roots[1]!, byId)).toEqual({ reason: 'missing-parent', parentId: 'gone' });
    expect(detachedParent(roots[0]!, byId)).toBeUndefined();
  });

  it('breaks a cycle at its earliest span, each span exactly once', () => {
    const spans = [span('r', null, 0), span('a', 'c', 10), span('b', 'a', 20), span('c', 'b', 30), span('tail', 'c', 40)];
    const roots = buildSpanTree(spans);
    expect(shape(roots)).toBe('r,a(b(c(tail)))');
    expect(detachedParent(roots[1]!, new Map(spans.map((s) => [s.id, s])))).toEqual({ reason: 'cycle', parentId: 'c' });
    const seen: string[] = [];
    walkTree(roots, (n) => seen.push(n.id));
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'r', 'tail']);
  });

  it('handles a span that is its own parent', () => {
    const spans = [span('self', 'self', 0), span('kid', 'self', 1)];
    const roots = buildSpanTree(spans);
    expect(shape(roots)).toBe('self(kid)');
    expect(detachedParent(roots[0]!, new Map(spans.map((s) => [s.id, s])))).toEqual({ reason: 'cycle', parentId: 'self' });
  });

  it('handles two separate cycles and no roots at all', () => {
    const spans = [span('a', 'b', 1), span('b', 'a', 2), span('x', 'y', 0), span('y', 'x', 3)];
    expect(shape(buildSpanTree(spans))).toBe('x(y),a(b)');
  });

  it('keeps every span when ids repeat', () => {
    const spans = [span('r', null, 0), span('d', 'r', 1), span('d', 'r', 2), span('k', 'd', 3)];
    const seen: string[] = [];
    walkTree(buildSpanTree(spans), (n) => seen.push(n.id));
    expect(seen).toEqual(['r', 'd', 'k', 'd']);
  });

  it('sorts spans with a non-finite offset last instead of scrambling the order', () => {
    const spans = [span('r', null, 0), span('nan', 'r', Number.NaN), span('b', 'r', 2), span('a', 'r', 1)];
    expect(shape(buildSpanTree(spans))).toBe('r(a,b,nan)');
  });

  it('does not mutate its input and copies all span fields', () => {
    const input: Span[] = [span('r', null, 0, { name: '<b>x</b>', error: { message: 'boom' } }), span('k', 'r', 1)];
    const before = JSON.stringify(input);
    const [root] = buildSpanTree(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(root!.name).toBe('<b>x</b>');
    expect(root!.error).toEqual({ message: 'boom' });
    expect(root).not.toBe(input[0]);
  });

  it('survives a very deep chain without overflowing the stack', () => {
    const spans: Span[] = [span('s0', null, 0)];
    for (let i = 1; i < 100_000; i++) spans.push(span(`s${i}`, `s${i - 1}`, i));
    let depth = 0;
    walkTree(buildSpanTree(spans), (_n, d) => (depth = Math.max(depth, d)));
    expect(depth).toBe(99_999);
  });

  it('reads a parent the reader already cut loose from its attributes', () => {
    const orphan = span('o', null, 0, { attributes: { [PARENT_MISSING_ATTR]: 'gone' } });
    const cut = span('c', null, 1, { attributes: { [PARENT_CYCLE_ATTR]: 'd' } });
    expect(detachedParent(orphan, new Map())).toEqual({ reason: 'missing-parent', parentId: 'gone' });
    expect(detachedParent(cut, new Map())).toEqual({ reason: 'cycle', parentId: 'd' });
  });

  it('returns an empty forest for no spans', () => {
    expect(buildSpanTree([])).toEqual([]);
  });
});

describe('walkTree', () => {
  it('visits parents before children in tree order with depths', () => {
    const roots = buildSpanTree([span('r', null, 0), span('a', 'r', 1), span('a1', 'a', 2), span('b', 'r', 3), span('z', null, 9)]);
    const seen: string[] = [];
    walkTree(roots, (n, d) => seen.push(`${d}:${n.id}`));
    expect(seen).toEqual(['0:r', '1:a', '2:a1', '1:b', '0:z']);
  });
});

describe('buildTrace', () => {
  it('uses the single root span as root', () => {
    const t = buildTrace(run('run-1'), [span('r', null, 0), span('k', 'r', 1)]);
    expect(t.root.id).toBe('r');
    expect(t.root.synthetic).toBeUndefined();
    expect(ids(t.root.children)).toEqual(['k']);
  });

  it('puts several top-level spans under a synthetic node for the run', () => {
    const r = run('run-1', { name: 'pipe', status: 'error', rawStatus: 'failed', durationMs: 99, error: 'bad' });
    const t = buildTrace(r, [span('a', null, 0), span('orphan', 'missing', 5)]);
    expect(t.root).toMatchObject({
      id: 'run-1',
      runId: 'run-1',
      parentId: null,
      name: 'pipe',
      status: 'error',
      rawStatus: 'failed',
      durationMs: 99,
      error: { message: 'bad' },
      synthetic: true,
    });
    expect(ids(t.root.children)).toEqual(['a', 'orphan']);
  });

  it('gives a run without spans a synthetic root with no children', () => {
    const t = buildTrace(run('run-1'), []);
    expect(t.root.synthetic).toBe(true);
    expect(t.root.children).toEqual([]);
    expect('durationMs' in t.root).toBe(false);
  });
});
