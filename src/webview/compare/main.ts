/**
 * The Compare Runs page (runs in the webview, bundled to dist/compare.js): two runs' span trees
 * aligned as one list, each row marked by what changed — added, removed, status, slower, faster —
 * with both spans' bars on one time axis (A above, B below), the change in duration, and below the
 * list the selected row's attributes, input and output diffed field by field. Only the rows on
 * screen are in the DOM. Every string from the data is set as text.
 */
import { button, el } from '../dom';
import { formatDuration } from '../../model/format';
import { COMPARE_CHANGES, type CompareRowDetail, type CompareWire } from '../../model/compare';
import { STATUSES } from '../../model/types';
import { isCompareHostMessage, type ComparePageMessage } from '../protocol';
import { ticks } from '../timeline/ticks';
import { listedRows } from './rows';

interface CompareState {
  changedOnly: boolean;
  selected: number;
  scrollTop: number;
  /** Which runs this tab compares: lets VS Code restore it after a reload. */
  pair?: { storeA: string; runA: string; storeB: string; runB: string };
}

interface VsCodeApi {
  postMessage(message: ComparePageMessage): void;
  getState(): unknown;
  setState(state: CompareState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const ROW_H = 24;
const OVERSCAN = 6;
const INDENT_PX = 12;
const MAX_INDENT_DEPTH = 40;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<CompareState> | undefined;
let state: CompareState = {
  changedOnly: saved?.changedOnly === true,
  selected: typeof saved?.selected === 'number' ? saved.selected : -1,
  scrollTop: typeof saved?.scrollTop === 'number' ? saved.scrollTop : 0,
  ...(saved?.pair ? { pair: saved.pair } : {}),
};
let data: CompareWire | undefined;
let listed: number[] = [];
let maxMs = 1;
let detail: CompareRowDetail | undefined;

const root = document.getElementById('root') ?? document.body;
const head = el('header', 'cmp-head');
const runsBox = el('div', 'cmp-runs');
const summary = el('div', 'cmp-summary');
const controls = el('div', 'cmp-controls');
const changedOnlyBtn = button('Changed only', 'List only the spans that changed, and the spans above them');
const firstBtn = button('First divergence', 'Select the first span that differs');
const swapBtn = button('Swap A ⇄ B', 'Compare the other way round');
controls.append(changedOnlyBtn, firstBtn, swapBtn);
head.append(runsBox, summary, controls);
const axis = el('div', 'cmp-axis');
const axisLabel = el('div', 'cmp-axis-label', 'span');
const axisTicks = el('div', 'cmp-axis-ticks');
axis.append(axisLabel, axisTicks);
const scroller = el('div', 'cmp-rows');
scroller.tabIndex = 0;
scroller.setAttribute('role', 'listbox');
scroller.setAttribute('aria-label', 'Spans of both runs, aligned');
const spacer = el('div', 'cmp-spacer');
scroller.append(spacer);
const detailBox = el('section', 'cmp-detail');
const message = el('div', 'cmp-message');
root.append(head, axis, scroller, detailBox, message);

function post(m: ComparePageMessage): void {
  vscode.postMessage(m);
}

function save(): void {
  vscode.setState(state);
}

function statusWord(code: number): string {
  return code >= 0 ? (STATUSES[code] ?? '?') : '';
}

function delta(a: number, b: number): string {
  if (a < 0 || b < 0) return '';
  const d = b - a;
  const pct = a > 0 ? ` (${d > 0 ? '+' : ''}${Math.round((d / a) * 100)}%)` : '';
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${formatDuration(Math.abs(d))}${pct}`;
}

function runLine(tag: 'A' | 'B', r: CompareWire['a']): HTMLElement {
  const line = el('div', `cmp-run cmp-run-${tag.toLowerCase()}`);
  line.append(el('span', 'cmp-tag', tag), el('span', `cmp-dot s-${r.status}`), el('strong', '', r.name || r.id));
  const facts = [r.status, formatDuration(r.durationMs), r.startMs !== undefined ? new Date(r.startMs).toLocaleString() : '', r.store].filter((x) => x !== '');
  line.append(el('span', 'cmp-meta', facts.join(' · ')));
  if (r.error) line.append(el('span', 'cmp-error', r.error.split('\n')[0]!));
  line.title = r.id;
  return line;
}

function renderHead(d: CompareWire): void {
  runsBox.replaceChildren(runLine('A', d.a), runLine('B', d.b));
  summary.replaceChildren();
  for (const k of COMPARE_CHANGES) {
    if (k === 'same' || d.counts[k] === 0) continue;
    summary.append(el('span', `cmp-chip c-${k}`, `${d.counts[k]} ${k}`));
  }
  const text = el('span', 'cmp-meta', [d.a.status !== d.b.status ? `run ${d.a.status} → ${d.b.status}` : '', d.a.durationMs !== undefined && d.b.durationMs !== undefined ? `run ${delta(d.a.durationMs, d.b.durationMs)}` : '', `${d.counts.same} same`, `slower/faster past ${d.thresholdPct}% and ${d.minDeltaMs} ms`].filter(Boolean).join(' · '));
  summary.append(text);
  firstBtn.disabled = d.firstDivergence < 0;
  changedOnlyBtn.setAttribute('aria-pressed', String(state.changedOnly));
  changedOnlyBtn.classList.toggle('on', state.changedOnly);
}

function renderAxis(): void {
  axisTicks.replaceChildren();
  // About one tick per 80 px: a narrow tab (beside Span Details and the source) gets fewer.
  for (const t of ticks(0, maxMs, Math.max(2, Math.floor(axisTicks.clientWidth / 80)))) {
    const tick = el('span', 'cmp-tick', t.label);
    tick.style.left = `${t.at * 100}%`;
    axisTicks.append(tick);
  }
}

function bar(start: number, dur: number, status: number, cls: string): HTMLElement | undefined {
  if (start < 0) return undefined;
  const b = el('span', `cmp-bar ${cls} s-${statusWord(status)}`);
  b.style.left = `${(start / maxMs) * 100}%`;
  b.style.width = dur >= 0 ? `max(1px, ${(dur / maxMs) * 100}%)` : '1px';
  return b;
}

function renderRows(): void {
  const d = data;
  if (!d) return;
  spacer.style.height = `${listed.length * ROW_H}px`;
  const top = scroller.scrollTop;
  const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
  const last = Math.min(listed.length, Math.ceil((top + scroller.clientHeight) / ROW_H) + OVERSCAN);
  // Rows on screen only (a few dozen), built into a fragment and swapped in at once.
  const rows = document.createDocumentFragment();
  for (let k = first; k < last; k++) {
    const i = listed[k]!;
    const change = COMPARE_CHANGES[d.change[i]!] ?? 'same';
    const row = el('div', `cmp-row c-${change}${d.errorChanged[i] ? ' c-error-text' : ''}${i === state.selected ? ' selected' : ''}`);
    row.style.top = `${k * ROW_H}px`;
    row.dataset.row = String(i);
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', String(i === state.selected));
    const badge = el('span', 'cmp-badge', d.errorChanged[i] && change === 'same' ? 'error text' : change);
    const name = el('span', 'cmp-name', d.occurrence[i]! > 1 ? `${d.names[i]} #${d.occurrence[i]}` : d.names[i]!);
    name.style.paddingLeft = `${Math.min(d.depth[i]!, MAX_INDENT_DEPTH) * INDENT_PX}px`;
    const bars = el('span', 'cmp-bars');
    const a = bar(d.aStart[i]!, d.aDur[i]!, d.aStatus[i]!, 'side-a');
    const b = bar(d.bStart[i]!, d.bDur[i]!, d.bStatus[i]!, 'side-b');
    if (a) bars.append(a);
    if (b) bars.append(b);
    const dt = el('span', 'cmp-delta', delta(d.aDur[i]!, d.bDur[i]!));
    const err = el('span', 'cmp-row-error', d.error[i]!);
    row.append(badge, name, bars, dt, err);
    row.title = `${change}: ${d.names[i]} — A ${statusWord(d.aStatus[i]!) || 'absent'} ${d.aDur[i]! >= 0 ? formatDuration(d.aDur[i]!) : ''}, B ${statusWord(d.bStatus[i]!) || 'absent'} ${d.bDur[i]! >= 0 ? formatDuration(d.bDur[i]!) : ''}`;
    rows.append(row);
  }
  spacer.replaceChildren(rows);
}

function renderDetail(): void {
  detailBox.replaceChildren();
  const d = data;
  if (!d || state.selected < 0) {
    detailBox.append(el('div', 'cmp-meta', 'Select a span to see what changed in it, field by field.'));
    return;
  }
  const i = state.selected;
  const change = COMPARE_CHANGES[d.change[i]!] ?? 'same';
  const title = el('div', 'cmp-detail-title');
  title.append(el('span', `cmp-badge c-${change}`, change), el('strong', '', detail?.row === i ? detail.path.join(' › ') : d.names[i]!));
  const openA = button('Open A', 'Span Details and source of the span in run A');
  const openB = button('Open B', 'Span Details and source of the span in run B');
  openA.disabled = d.aStatus[i]! < 0;
  openB.disabled = d.bStatus[i]! < 0;
  openA.addEventListener('click', () => post({ type: 'open', row: i, side: 'a' }));
  openB.addEventListener('click', () => post({ type: 'open', row: i, side: 'b' }));
  title.append(openA, openB);
  detailBox.append(title);
  const sides = el('table', 'cmp-table');
  const headRow = el('tr');
  headRow.append(el('th', '', ''), el('th', '', 'A'), el('th', '', 'B'));
  sides.append(headRow);
  const line = (label: string, a: string, b: string, changed: boolean): void => {
    const tr = el('tr', changed ? 'changed' : '');
    tr.append(el('th', '', label), el('td', 'cmp-value', a), el('td', 'cmp-value', b));
    sides.append(tr);
  };
  line('status', statusWord(d.aStatus[i]!) || '—', statusWord(d.bStatus[i]!) || '—', d.aStatus[i] !== d.bStatus[i]);
  line('duration', d.aDur[i]! >= 0 ? formatDuration(d.aDur[i]!) : '—', d.bDur[i]! >= 0 ? `${formatDuration(d.bDur[i]!)}  ${delta(d.aDur[i]!, d.bDur[i]!)}` : '—', change === 'slower' || change === 'faster');
  if (detail?.row === i) {
    const ae = detail.a?.error ?? '';
    const be = detail.b?.error ?? '';
    if (ae || be) line('error', ae || '—', be || '—', ae !== be);
    for (const [k, a, b] of detail.attributes) line(k, a === '' ? '—' : a, b === '' ? '—' : b, true);
    if (detail.attributes.length === 0 && d.aStatus[i]! >= 0 && d.bStatus[i]! >= 0) {
      const tr = el('tr');
      const td = el('td', 'cmp-meta', 'Attributes, input and output: the same in both runs.');
      td.colSpan = 3;
      tr.append(td);
      sides.append(tr);
    }
  }
  detailBox.append(sides);
}

function relist(keep?: number): void {
  if (!data) return;
  listed = listedRows(data, state.changedOnly);
  if (keep !== undefined) scrollToRow(keep);
  renderRows();
}

function scrollToRow(row: number): void {
  const k = listed.indexOf(row);
  if (k < 0) return;
  const top = k * ROW_H;
  if (top < scroller.scrollTop) scroller.scrollTop = top;
  else if (top + ROW_H > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + ROW_H - scroller.clientHeight;
}

function select(row: number, open = false): void {
  if (!data || row < 0 || row >= data.names.length) return;
  state.selected = row;
  save();
  scrollToRow(row);
  renderRows();
  renderDetail();
  post({ type: 'select', row });
  if (open) post({ type: 'open', row, side: data.bStatus[row]! >= 0 ? 'b' : 'a' });
}

scroller.addEventListener('scroll', () => {
  state.scrollTop = scroller.scrollTop;
  save();
  renderRows();
});
scroller.addEventListener('click', (e) => {
  const row = e.target instanceof Element ? e.target.closest<HTMLElement>('.cmp-row') : null;
  if (row?.dataset.row) select(Number(row.dataset.row), true);
});
scroller.addEventListener('keydown', (e) => {
  if (!data || listed.length === 0) return;
  const k = Math.max(0, listed.indexOf(state.selected));
  let next = -1;
  if (e.key === 'ArrowDown') next = listed[Math.min(listed.length - 1, state.selected < 0 ? 0 : k + 1)]!;
  else if (e.key === 'ArrowUp') next = listed[Math.max(0, k - 1)]!;
  else if (e.key === 'Home') next = listed[0]!;
  else if (e.key === 'End') next = listed[listed.length - 1]!;
  else if (e.key === 'PageDown') next = listed[Math.min(listed.length - 1, k + Math.floor(scroller.clientHeight / ROW_H))]!;
  else if (e.key === 'PageUp') next = listed[Math.max(0, k - Math.floor(scroller.clientHeight / ROW_H))]!;
  else if (e.key === 'Enter' && state.selected >= 0) {
    select(state.selected, true);
    e.preventDefault();
    return;
  }
  if (next >= 0) {
    select(next);
    e.preventDefault();
  }
});
changedOnlyBtn.addEventListener('click', () => {
  state.changedOnly = !state.changedOnly;
  save();
  if (data) renderHead(data);
  relist(state.selected >= 0 ? state.selected : undefined);
});
firstBtn.addEventListener('click', () => {
  if (data && data.firstDivergence >= 0) select(data.firstDivergence);
});
swapBtn.addEventListener('click', () => post({ type: 'swap' }));
window.addEventListener('resize', () => {
  renderAxis();
  renderRows();
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isCompareHostMessage(m)) return;
  if (m.type === 'message') {
    message.textContent = m.text;
    message.className = `cmp-message ${m.kind}`;
    message.hidden = false;
    return;
  }
  if (m.type === 'detail') {
    detail = m.detail;
    if (m.detail.row === state.selected) renderDetail();
    return;
  }
  message.hidden = true;
  const first = data === undefined;
  data = m.data;
  state.pair = { storeA: m.data.a.storeId, runA: m.data.a.id, storeB: m.data.b.storeId, runB: m.data.b.id };
  if (state.selected >= data.names.length) state.selected = -1;
  // The axis spans the longer run; a row's two bars share it, so their lengths compare directly.
  maxMs = 1;
  for (let i = 0; i < data.names.length; i++) {
    maxMs = Math.max(maxMs, data.aStart[i]! + Math.max(0, data.aDur[i]!), data.bStart[i]! + Math.max(0, data.bDur[i]!));
  }
  save();
  renderHead(data);
  renderAxis();
  relist();
  if (first) scroller.scrollTop = state.scrollTop;
  // Open on the first divergence: the question this view answers.
  if (first && state.selected < 0 && data.firstDivergence >= 0) select(data.firstDivergence);
  else {
    renderRows();
    renderDetail();
    if (state.selected >= 0) post({ type: 'select', row: state.selected });
  }
  scroller.focus();
});

post({ type: 'ready' });
