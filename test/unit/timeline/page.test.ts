import { describe, expect, it } from 'vitest';
import { computeLayout } from '../../../src/analysis/timeline/layout';
import { encodeTimeline, splitIds } from '../../../src/analysis/timeline/encode';
import { buildSpanTree } from '../../../src/analysis/tree';
import type { Run, Span } from '../../../src/model/types';
import { isTimelineHostMessage, isTimelinePageMessage } from '../../../src/webview/protocol';
import { readData } from '../../../src/webview/timeline/data';
import { expandAncestors, indexOfRow, nextMatch, visibleRows } from '../../../src/webview/timeline/rows';
import { loadTimelineState } from '../../../src/webview/timeline/state';
import { niceStep, ticks } from '../../../src/webview/timeline/ticks';

function span(id: string, parent: string | null, start: number, duration: number, over: Partial<Span> = {}): Span {
  return { id, runId: 'r', parentId: parent, name: id, status: 'ok', rawStatus: '', startOffsetMs: start, durationMs: duration, attributes: {}, events: [], ...over };
}
const run: Run = { id: 'r', store: '/w/flujo_ops.db', name: 'enrich', status: 'error', rawStatus: 'failed', spanCount: 5, attributes: {} };

function data() {
  const layout = computeLayout(
    buildSpanTree([
      span('root', null, 0, 100),
      span('a', 'root', 0, 40),
      span('a1', 'a', 1, 10),
      span('b', 'root', 50, 50, { status: 'error', error: { type: 'KeyError', message: "'income'\nmore" } }),
      span('id\u0000with-nul', 'b', 60, 5),
    ]),
  );
  return encodeTimeline(run, layout, 3);
}

describe('timeline page: rows', () => {
  it('lists expanded rows and skips collapsed subtrees in one step', () => {
    const d = readData(data());
    const collapsed = new Uint8Array(d.count);
    expect(Array.from(visibleRows(d, collapsed))).toEqual([0, 1, 2, 3, 4]);
    collapsed[1] = 1;
    expect(Array.from(visibleRows(d, collapsed))).toEqual([0, 1, 3, 4]);
    collapsed[0] = 1;
    expect(Array.from(visibleRows(d, collapsed))).toEqual([0]);
    expect(expandAncestors(d, collapsed, 2)).toBe(true);
    expect(Array.from(visibleRows(d, collapsed))).toEqual([0, 1, 2, 3, 4]);
  });

  it('finds rows and steps through matches, wrapping around', () => {
    const m = Uint32Array.from([2, 5, 9]);
    expect(indexOfRow(m, 5)).toBe(1);
    expect(indexOfRow(m, 4)).toBe(-1);
    expect(nextMatch(m, 5, 1)).toBe(9);
    expect(nextMatch(m, 9, 1)).toBe(2);
    expect(nextMatch(m, 2, -1)).toBe(9);
    expect(nextMatch(m, 6, -1)).toBe(5);
    expect(nextMatch(new Uint32Array(0), 1, 1)).toBe(-1);
  });
});

describe('timeline page: data from the host', () => {
  it('decodes to the layout it was encoded from: parents, child counts, every critical section', () => {
    const spans = [
      span('root', null, 0, 100),
      span('a', 'root', 0, 40),
      span('a1', 'a', 1, 10),
      span('b', 'root', 50, 50),
      span('b1', 'b', 60, 5),
    ];
    const layout = computeLayout(buildSpanTree(spans));
    const wire = encodeTimeline(run, layout, 1);
    // Leaves on the path from end to end travel as a flag, not a section.
    expect(wire.critical.start.length).toBeLessThan(layout.critical.start.length);
    const d = readData(wire);
    expect(Array.from(d.parent)).toEqual(Array.from(layout.parent));
    expect(Array.from(d.childCount)).toEqual(Array.from(layout.childCount));
    expect(Array.from(d.critical.onPath)).toEqual(Array.from(layout.critical.onPath));
    expect(Array.from(d.critical.offsets)).toEqual(Array.from(layout.critical.offsets));
    expect(Array.from(d.critical.start)).toEqual(Array.from(layout.critical.start));
    expect(Array.from(d.critical.end)).toEqual(Array.from(layout.critical.end));
  });

  it('is one typed message: ids in one string (a NUL inside an id replaced), names once, error first lines', () => {
    const d = data();
    expect(isTimelineHostMessage({ type: 'data', data: d })).toBe(true);
    expect(splitIds(d.ids, d.count)).toEqual(['root', 'a', 'a1', 'b', 'id\uFFFDwith-nul']);
    expect(d.errorText).toEqual(["KeyError: 'income'"]);
    expect(d.version).toBe(3);
  });

  it('accepts plain arrays (after a JSON round trip) and refuses inconsistent columns', () => {
    const round = JSON.parse(JSON.stringify(data(), (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)));
    const d = readData(round);
    expect(d.start).toBeInstanceOf(Float64Array);
    expect(Array.from(d.parent)).toEqual([-1, 0, 1, 0, 3]);
    expect(Array.from(d.childCount)).toEqual([2, 1, 0, 1, 0]);
    expect(() => readData({ ...round, depth: [0, 2, 1, 1, 2] })).toThrow(/inconsistent/);
    expect(() => readData({ ...round, subtreeEnd: [5, 3, 3, 5, 9] })).toThrow(/inconsistent/);
    expect(() => readData({ ...round, depth: [0, 1] })).toThrow(/depth/);
    expect(isTimelineHostMessage({ type: 'data', data: { ...round, ids: ['a'] } })).toBe(false);
  });

  it('validates what the page sends', () => {
    expect(isTimelinePageMessage({ type: 'select', spanId: 'a', open: true, row: 1, version: 3 })).toBe(true);
    expect(isTimelinePageMessage({ type: 'select', spanId: 'a', open: 'yes', row: 1, version: 3 })).toBe(false);
    expect(isTimelinePageMessage({ type: 'filter', seq: 1, query: 'status:error' })).toBe(true);
    expect(isTimelinePageMessage({ type: 'filter', seq: 1, query: 'x'.repeat(5000) })).toBe(false);
    expect(isTimelinePageMessage({ type: 'eval', code: '1' })).toBe(false);
  });
});

describe('timeline page: ticks and state', () => {
  it('puts ticks at round steps with units', () => {
    expect(niceStep(1000, 5)).toBe(200);
    expect(niceStep(7, 4)).toBe(2);
    const ts = ticks(0, 2500, 5);
    expect(ts.map((t) => t.label)).toEqual(['0 ms', '500 ms', '1.00 s', '1.50 s', '2.00 s', '2.50 s']);
    expect(ts[ts.length - 1]!.at).toBe(1);
    expect(ticks(5, 5, 4)).toHaveLength(1);
  });

  it('restores only a valid state', () => {
    expect(loadTimelineState({ mode: 'collapsed', toggled: ['a', 3], zoom: [10, 5], critical: false, scrollTop: -1 })).toEqual({
      mode: 'collapsed',
      toggled: ['a'],
      scrollTop: 0,
      critical: false,
      query: '',
    });
    expect(loadTimelineState('junk').mode).toBe('expanded');
  });
});

describe('Span Details: the Open Timeline button', () => {
  it('is on every span and sends openTimeline with the span', async () => {
    const { buildSpanDetailsView } = await import('../../../src/extension/details/viewModel');
    const { renderDetails } = await import('../../../src/webview/render');
    const { initialState } = await import('../../../src/webview/state');
    const { find, textContent } = await import('../../../src/webview/vdom');
    const { isPageMessage } = await import('../../../src/webview/protocol');
    const { makeRun, makeSpan } = await import('../webview/helpers');
    const view = buildSpanDetailsView({ storeId: '/p/flujo_ops.db', run: makeRun(), span: makeSpan(), promptPreviewLength: 500 });
    const button = find(renderDetails(view, initialState()).root, (el) => el.attrs['data-action'] === 'open-timeline');
    expect(button && textContent(button)).toBe('Open Timeline');
    expect(isPageMessage({ type: 'openTimeline', spanId: 's1' })).toBe(true);
    expect(isPageMessage({ type: 'openTimeline' })).toBe(false);
  });
});
