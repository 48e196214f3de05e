import { describe, expect, it } from 'vitest';
import { buildSpanDetailsView } from '../../../src/extension/details/viewModel';
import { formatCount, formatUsd } from '../../../src/model/format';
import { EMPTY_MESSAGE, renderDetails, renderEmpty } from '../../../src/webview/render';
import { initialState, toggleSection, toggleValue, type UiState } from '../../../src/webview/state';
import { find, findAll, h, textContent, toDom, type DomFactory, type VElement, type VNode } from '../../../src/webview/vdom';
import type { Span } from '../../../src/model/types';
import { makeRun, makeSpan } from './helpers';

const XSS = '<img src=x onerror=alert(1)>';

function render(span: Span, ui: UiState = initialState(), previewLength?: number) {
  const view = buildSpanDetailsView({ storeId: '/p/flujo_ops.db', run: makeRun(), span, promptPreviewLength: previewLength });
  return renderDetails(view, ui);
}

const byTestId = (id: string) => (el: VElement) => el.attrs['data-testid'] === id;
const byAction = (action: string, arg?: string) => (el: VElement) =>
  el.attrs['data-action'] === action && (arg === undefined || el.attrs['data-arg'] === arg);

// ---- a minimal fake DOM: records exactly how toDom builds nodes ----

class FakeText {
  readonly nodeType = 3;
  constructor(public data: string) {}
}
class FakeElement {
  readonly nodeType = 1;
  readonly attributes = new Map<string, string>();
  readonly childNodes: (FakeElement | FakeText)[] = [];
  constructor(public tagName: string) {}
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  appendChild<T extends FakeElement | FakeText>(c: T): T {
    this.childNodes.push(c);
    return c;
  }
  set innerHTML(_v: string) {
    throw new Error('innerHTML must never be used');
  }
  get textContent(): string {
    return this.childNodes.map((c) => (c instanceof FakeText ? c.data : c.textContent)).join('');
  }
}
function fakeDocument() {
  const created: string[] = [];
  const doc = {
    createElement(tag: string) {
      created.push(tag);
      return new FakeElement(tag);
    },
    createTextNode(text: string) {
      return new FakeText(text);
    },
  };
  return { doc: doc as unknown as DomFactory, created };
}
function allTexts(n: FakeElement | FakeText): string[] {
  return n instanceof FakeText ? [n.data] : n.childNodes.flatMap(allTexts);
}

describe('HTML in data renders as text', () => {
  const span = makeSpan({
    name: XSS,
    status: 'error',
    error: { type: '<b>T</b>', message: XSS, stack: '<script>alert(2)</script>' },
    attributes: { [XSS]: XSS, input: XSS },
    events: [{ name: XSS, offsetMs: 1, attributes: { k: XSS } }],
    source: { path: XSS, line: 1 },
  });

  it('keeps the span name as a text child of the h1', () => {
    const { root } = render(span);
    const h1 = find(root, byTestId('span-name'))!;
    expect(h1.tag).toBe('h1');
    expect(h1.children).toEqual([XSS]);
  });

  it('creates only allowed elements in the DOM and puts the name in a Text node', () => {
    const { root } = render(span);
    const { doc, created } = fakeDocument();
    const dom = toDom(doc, root) as unknown as FakeElement;
    expect(created).not.toContain('img');
    expect(created).not.toContain('script');
    expect(created).not.toContain('b');
    expect(allTexts(dom)).toContain(XSS);
    expect(allTexts(dom)).toContain('<script>alert(2)</script>');
    const stack = find(root, byTestId('error-stack'))!;
    expect(textContent(stack)).toBe('<script>alert(2)</script>');
    // No attribute anywhere is an event handler.
    const names = new Set<string>();
    const walk = (n: FakeElement | FakeText) => {
      if (n instanceof FakeElement) {
        n.attributes.forEach((_v, k) => names.add(k));
        n.childNodes.forEach(walk);
      }
    };
    walk(dom);
    expect([...names].filter((n) => n.startsWith('on'))).toEqual([]);
  });
});

describe('toDom guards', () => {
  it('refuses handler, style and URL attributes and unknown tags', () => {
    const { doc } = fakeDocument();
    expect(() => toDom(doc, h('div', { onclick: 'x' }))).toThrow(/attribute not allowed/);
    expect(() => toDom(doc, h('div', { style: 'color:red' }))).toThrow(/attribute not allowed/);
    expect(() => toDom(doc, h('div', { src: 'x' }))).toThrow(/attribute not allowed/);
    expect(() => toDom(doc, { tag: 'script' as never, attrs: {}, children: [] })).toThrow(/tag not allowed/);
  });

  it('drops null/false attributes, keeps true as empty, flattens children', () => {
    const el = h('button', { disabled: true, hidden: false, title: null, 'data-x': 3 }, ['a', null, ['b', false]], undefined);
    expect(el.attrs).toEqual({ disabled: '', 'data-x': '3' });
    expect(el.children).toEqual(['a', 'b']);
  });
});

describe('renderDetails', () => {
  it('renders the header: badge, name, duration, offset, run, store', () => {
    const { root } = render(makeSpan({ status: 'error', rawStatus: 'failed' }));
    expect(root.attrs['data-span-id']).toBe('span-1');
    const badge = find(root, byTestId('status-badge'))!;
    expect(badge.attrs.class).toContain('status-error');
    expect(textContent(badge)).toBe('error');
    expect(badge.attrs.title).toContain('failed');
    expect(textContent(find(root, byTestId('duration'))!)).toBe('1.25 s');
    expect(textContent(find(root, byTestId('offset'))!)).toBe('+340 ms from run start');
    expect(textContent(find(root, byTestId('run'))!)).toBe('review_pipeline run-1');
    expect(textContent(find(root, byTestId('store'))!)).toBe('flujo_ops.db');
  });

  it('disables Go to Source unless the host found the file', () => {
    const none = find(render(makeSpan()).root, byTestId('go-to-source'))!;
    expect(none.tag).toBe('button');
    expect(none.attrs.disabled).toBe('');
    expect(none.attrs.title).toMatch(/No source/);

    const view = buildSpanDetailsView({
      storeId: 's',
      run: makeRun(),
      span: makeSpan({ source: { path: 'a.py', line: 3 } }),
      sourceAvailability: { available: true },
    });
    const on = find(renderDetails(view, initialState()).root, byTestId('go-to-source'))!;
    expect(on.attrs.disabled).toBeUndefined();
    expect(on.attrs['data-action']).toBe('open-source');
    expect(textContent(on)).toBe('Go to Source');
  });

  it('shows sections with headings; Error only when there is one', () => {
    const ok = render(makeSpan()).root;
    expect(find(ok, byTestId('section-error'))).toBeUndefined();
    expect(find(ok, byTestId('section-io'))).toBeUndefined();
    expect(find(ok, byTestId('section-usage'))).toBeUndefined();
    expect(find(ok, byTestId('section-attributes'))).toBeDefined();
    expect(find(ok, byTestId('section-events'))).toBeDefined();

    const failed = render(
      makeSpan({ status: 'error', error: { type: 'ValueError', message: 'bad value', stack: 'Traceback\n  line' } }),
    );
    const section = find(failed.root, byTestId('section-error'))!;
    const heading = find(section, (e) => e.tag === 'h2')!;
    expect(textContent(heading)).toBe('Error');
    expect(textContent(find(section, byTestId('error-type'))!)).toBe('ValueError');
    expect(textContent(find(section, byTestId('error-message'))!)).toBe('bad value');
    expect(textContent(find(section, byTestId('error-stack'))!)).toBe('Traceback\n  line');
    const copy = find(section, byAction('copy'))!;
    expect(failed.copies[Number(copy.attrs['data-arg'])]).toBe('ValueError: bad value\n\nTraceback\n  line');
  });

  it('folds sections from the UI state, with aria-expanded on the toggle', () => {
    const ui = toggleSection(initialState(), 'attributes');
    const { root } = render(makeSpan({ attributes: { a: 1 } }), ui);
    const section = find(root, byTestId('section-attributes'))!;
    const toggle = find(section, byAction('toggle-section', 'attributes'))!;
    expect(toggle.attrs['aria-expanded']).toBe('false');
    expect(toggle.attrs['aria-controls']).toBe('body-attributes');
    const body = find(section, (e) => e.attrs.id === 'body-attributes')!;
    expect(body.attrs.hidden).toBe('');
    const events = find(find(root, byTestId('section-events'))!, (e) => e.attrs.id === 'body-events')!;
    expect(events.attrs.hidden).toBeUndefined();
  });

  it('renders the attributes table with headers, folded long values and per-row copy', () => {
    const long = 'v'.repeat(400);
    const span = makeSpan({ attributes: { b: 2, a: long } });
    const { root, copies } = render(span);
    const table = find(root, byTestId('attributes-table'))!;
    const headers = findAll(table, (e) => e.tag === 'th' && e.attrs.scope === 'col').map(textContent);
    expect(headers).toEqual(['Key', 'Value', 'Actions']);
    const rows = findAll(table, (e) => e.tag === 'tr' && e.attrs['data-key'] !== undefined);
    expect(rows.map((r) => r.attrs['data-key'])).toEqual(['a', 'b']);
    const a = rows[0];
    expect(find(a, (e) => e.tag === 'th')!.attrs.scope).toBe('row');
    expect(textContent(find(a, (e) => e.tag === 'pre')!).length).toBeLessThan(long.length);
    const more = find(a, byAction('toggle-value', 'attr:a'))!;
    expect(textContent(more)).toBe('more');
    expect(more.attrs['aria-expanded']).toBe('false');
    const copy = find(a, byAction('copy'))!;
    expect(copy.attrs['aria-label']).toBe('Copy value of a');
    expect(copies[Number(copy.attrs['data-arg'])]).toBe(long);
    expect(find(rows[1], byAction('toggle-value'))).toBeUndefined();

    const expanded = render(span, toggleValue(initialState(), 'attr:a')).root;
    const rowA = find(expanded, (e) => e.attrs['data-key'] === 'a')!;
    expect(textContent(find(rowA, (e) => e.tag === 'pre')!)).toBe(long);
    expect(textContent(find(rowA, byAction('toggle-value'))!)).toBe('less');
  });

  it('shows input/output previews with a Show all toggle', () => {
    const span = makeSpan({ attributes: { 'gen_ai.prompt': 'p'.repeat(50), 'gen_ai.completion': 'short' } });
    const { root, copies } = render(span, initialState(), 20);
    const input = find(root, byTestId('io-input'))!;
    expect(input.attrs['data-source']).toBe('gen_ai.prompt');
    expect(textContent(find(input, (e) => e.tag === 'pre')!)).toBe(`${'p'.repeat(20)}…`);
    const toggle = find(input, byAction('toggle-value', 'io:0'))!;
    expect(textContent(toggle)).toBe('Show all (50 characters)');
    expect(copies[Number(find(input, byAction('copy'))!.attrs['data-arg'])]).toBe('p'.repeat(50));
    const output = find(root, byTestId('io-output'))!;
    expect(find(output, byAction('toggle-value'))).toBeUndefined();
    expect(textContent(find(output, (e) => e.tag === 'h3')!)).toBe('Output');

    const all = find(render(span, toggleValue(initialState(), 'io:0'), 20).root, byTestId('io-input'))!;
    expect(textContent(find(all, (e) => e.tag === 'pre')!)).toBe('p'.repeat(50));
    expect(textContent(find(all, byAction('toggle-value'))!)).toBe('Show less');
  });

  it('shows tokens and cost', () => {
    const { root } = render(
      makeSpan({ attributes: { 'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 34, cost_usd: 0.0023 } }),
    );
    const usage = find(root, byTestId('section-usage'))!;
    expect(textContent(find(usage, (e) => e.tag === 'h2')!)).toBe('Tokens & Cost');
    expect(textContent(find(usage, byTestId('tokens-input'))!)).toBe('1,200');
    expect(textContent(find(usage, byTestId('tokens-output'))!)).toBe('34');
    expect(textContent(find(usage, byTestId('tokens-total'))!)).toBe('1,234');
    expect(textContent(find(usage, byTestId('cost'))!)).toBe('$0.0023');
  });

  it('lists events with offsets and attributes', () => {
    const { root } = render(
      makeSpan({
        events: [
          { name: 'flujo.retry', offsetMs: 12.5, attributes: { reason: 'timeout' } },
          { name: 'no.time', attributes: {} },
        ],
      }),
    );
    const list = find(root, byTestId('events-list'))!;
    const items = findAll(list, (e) => e.tag === 'li');
    expect(items.map((li) => textContent(find(li, (e) => e.attrs.class === 'event-head')!))).toEqual([
      '+13 ms flujo.retry',
      '— no.time',
    ]);
    expect(find(items[0], (e) => e.attrs['data-key'] === 'reason')).toBeDefined();
    expect(textContent(find(root, (e) => e.attrs.id === 'heading-events')!)).toBe('Events (2)');
  });

  it('renders the empty state', () => {
    const { root, copies } = renderEmpty();
    expect(root.attrs['data-testid']).toBe('span-details-empty');
    expect(textContent(root)).toBe(EMPTY_MESSAGE);
    expect(EMPTY_MESSAGE).toBe('Select a span in the Spanlens view');
    expect(copies).toEqual([]);
  });

  it('uses a button for every action', () => {
    const { root } = render(
      makeSpan({ status: 'error', error: { message: 'x' }, attributes: { a: 'y'.repeat(500), input: 'i' }, events: [] }),
    );
    const actionable = findAll(root, (e) => e.attrs['data-action'] !== undefined);
    expect(actionable.length).toBeGreaterThan(4);
    for (const el of actionable) {
      expect(el.tag).toBe('button');
      expect(el.attrs.type).toBe('button');
    }
  });
});

describe('number formatting', () => {
  it('formats counts and cost', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatUsd(0.0023)).toBe('$0.0023');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatUsd(0.1)).toBe('$0.10');
  });
});

// Type-level: VNode strings are text, elements are objects.
const _n: VNode = 'text';
void _n;
