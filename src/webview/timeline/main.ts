/**
 * The Trace Timeline page (runs in the webview, bundled to dist/timeline.js): a Jaeger-style
 * waterfall of one run. The host sends the run laid out as typed columns (analysis/timeline);
 * the page keeps only the rows on screen in the DOM (a fixed pool of row elements reused while
 * scrolling), so 100,000 spans scroll like 100. Every string from the data is set as text.
 */
import { button, el } from '../dom';
import { STATUSES } from '../../model/types';
import { isTimelineHostMessage, type TimelineData, type TimelineHostMessage, type TimelinePageMessage, type TimelineWire } from '../protocol';
import { splitIds } from '../../model/timeline';
import { readData } from './data';
import { drawOverview, overviewColors, type OverviewColors } from './overview';
import { expandAncestors, indexOfRow, nextMatch, visibleRows } from './rows';
import { loadTimelineState, type TimelineState } from './state';
import { ticks } from './ticks';
import { formatDuration } from '../../model/format';

interface VsCodeApi {
  postMessage(message: TimelinePageMessage): void;
  getState(): unknown;
  setState(state: TimelineState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const ROW_H = 22;
const OVERSCAN = 8;
const INDENT_PX = 12;
const MAX_INDENT_DEPTH = 40;
/** Sections drawn per row at most: a parent between thousands of loop iterations has as many. */
const MAX_SECTIONS_DRAWN = 64;
const SELECT_FOLLOW_MS = 120;

const vscode = acquireVsCodeApi();
let state: TimelineState = loadTimelineState(vscode.getState());

// ---- DOM skeleton (built here: the HTML shell holds only #root) ----

const root = document.getElementById('root') ?? document.body;
const toolbar = el('header', 'tl-toolbar');
const title = el('div', 'tl-title');
const titleDot = el('span', 'tl-dot');
const titleName = el('strong', 'tl-run-name');
const titleMeta = el('span', 'tl-meta');
title.append(titleDot, titleName, titleMeta);
const controls = el('div', 'tl-controls');
const expandAllBtn = button('Expand all', 'Expand every span');
const collapseAllBtn = button('Collapse all', 'Collapse every span');
const criticalBtn = button('Critical path', 'Highlight the critical path: the chain of spans that bounds the run\u2019s end', 'tl-toggle');
const resetZoomBtn = button('Reset zoom', 'Show the whole run (or double-click the time axis)');
controls.append(expandAllBtn, collapseAllBtn, criticalBtn, resetZoomBtn);
const filterBox = el('div', 'tl-filter');
const filterInput = el('input', 'tl-filter-input');
filterInput.type = 'text';
filterInput.placeholder = 'Filter (/): text, status:error, dur>1s, attr.k=v';
filterInput.setAttribute('aria-label', 'Filter spans');
filterInput.spellcheck = false;
const matchCount = el('span', 'tl-count');
matchCount.setAttribute('aria-live', 'polite');
const prevBtn = button('\u2191', 'Previous match (Shift+Enter)', 'tl-icon');
const nextBtn = button('\u2193', 'Next match (Enter)', 'tl-icon');
prevBtn.setAttribute('aria-label', 'Previous match');
nextBtn.setAttribute('aria-label', 'Next match');
filterBox.append(filterInput, matchCount, prevBtn, nextBtn);
toolbar.append(title, controls, filterBox);
const hintsLine = el('div', 'tl-hints');

const overview = el('div', 'tl-overview');
const overviewCanvas = el('canvas', 'tl-overview-canvas');
const overviewWindow = el('div', 'tl-overview-window');
const overviewDrag = el('div', 'tl-drag-sel');
overview.append(overviewCanvas, overviewWindow, overviewDrag);
overview.title = 'The whole run: drag to zoom to a time range, click to scroll there';

const header = el('div', 'tl-header');
const headLabel = el('div', 'tl-head-label');
headLabel.append(el('span', 'tl-head-name', 'Span'), el('span', 'tl-head-dur', 'Duration'), el('span', 'tl-head-self', 'Self'));
const ruler = el('div', 'tl-ruler');
const rulerDrag = el('div', 'tl-drag-sel');
ruler.title = 'Drag to zoom to a time range; double-click to reset';
header.append(headLabel, ruler);

const body = el('div', 'tl-body');
body.tabIndex = 0;
body.setAttribute('role', 'tree');
body.setAttribute('aria-label', 'Spans of the run');
const grid = el('div', 'tl-grid');
const spacer = el('div', 'tl-spacer');
body.append(grid, spacer);
const message = el('div', 'tl-message', 'Reading the run\u2026');

root.append(toolbar, hintsLine, overview, header, body, message);

// ---- data and view state ----

let data: TimelineData | undefined;
/** Span id → row, built on first use (a restored selection, a reveal): not on the way to the first paint. */
let rowOfIdMap: Map<string, number> | undefined;
/** The ids split out of their one string on first use. */
let idList: string[] | undefined;

function idOf(row: number): string {
  if (!data) return '';
  if (!idList) {
    idList = splitIds(data.ids, data.count);
    if (idList.length !== data.count) idList = Array.from({ length: data.count }, (_, i) => idList![i] ?? '');
  }
  return idList[row] ?? '';
}
let collapsed = new Uint8Array(0);
let visible: Uint32Array = new Uint32Array(0);
let selectedRow = -1;
let viewStart = 0;
let viewEnd = 1;
let matches: Uint32Array = new Uint32Array(0);
let isMatch = new Uint8Array(0);
let currentMatch = -1;
let filterSeq = 0;
let answeredSeq = 0;
/** Bumped whenever something every row shows changed (zoom, data, toggles): pooled rows redraw. */
let generation = 0;
let trackWidth = 600;
let colors: OverviewColors | undefined;
let errorByRow = new Map<number, string>();

interface RowSlot {
  el: HTMLDivElement;
  indent: HTMLSpanElement;
  twisty: HTMLSpanElement;
  dot: HTMLSpanElement;
  name: HTMLSpanElement;
  dur: HTMLSpanElement;
  self: HTMLSpanElement;
  track: HTMLDivElement;
  bar: HTMLDivElement;
  err: HTMLSpanElement;
  crit: HTMLDivElement[];
  pos: number;
  key: string;
}
const pool: RowSlot[] = [];

function post(m: TimelinePageMessage): void {
  vscode.postMessage(m);
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(): void {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    vscode.setState(state);
  }, 250);
}

// ---- applying host data ----

function onData(raw: TimelineWire): void {
  const arrived = performance.now();
  let d: TimelineData;
  try {
    d = readData(raw);
  } catch (e) {
    showMessage(`Cannot show this run: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const first = data === undefined;
  const sameRun = state.runId === d.run.id;
  if (!sameRun) {
    // Another run in this tab (a restored tab reopened on a different run): start fresh.
    state = { ...loadTimelineState(undefined), runId: d.run.id, query: state.query };
  }
  state.storeId = d.run.store;
  saveState();
  data = d;
  rowOfIdMap = undefined;
  idList = undefined;
  errorByRow = new Map();
  for (let k = 0; k < d.errorRows.length; k++) errorByRow.set(d.errorRows[k]!, d.errorText[k]!);
  collapsed = new Uint8Array(d.count);
  if (state.mode === 'collapsed') collapsed.fill(1);
  for (const id of state.toggled) {
    const r = rowOf(id);
    if (r !== undefined) collapsed[r] = collapsed[r] ? 0 : 1;
  }
  selectedRow = state.selected !== undefined ? (rowOf(state.selected) ?? -1) : -1;
  if (selectedRow >= 0) expandAncestors(d, collapsed, selectedRow);
  if (state.zoom) [viewStart, viewEnd] = state.zoom;
  else [viewStart, viewEnd] = fullRange();
  isMatch = new Uint8Array(d.count);
  matches = new Uint32Array(0);
  currentMatch = -1;
  message.hidden = d.count > 0;
  if (d.count === 0) showMessage('No spans recorded in this run yet.');
  paintHeader();
  relist();
  if (first) {
    body.scrollTop = state.scrollTop;
    if (filterInput.value !== state.query) filterInput.value = state.query;
  }
  generation++;
  renderRows();
  renderRuler();
  // The overview is drawn once the first rows are painted (a task after the frame): it is the one pass over every span.
  requestAnimationFrame(() =>
    setTimeout(() => {
      post({ type: 'painted', version: d.version, ms: Math.round(performance.now() - arrived) });
      drawOverviewNow();
    }, 0),
  );
  if (state.query.trim() !== '') sendFilter();
}

function rowOf(id: string): number | undefined {
  if (!data) return undefined;
  if (!rowOfIdMap) {
    rowOfIdMap = new Map();
    for (let i = 0; i < data.count; i++) {
      const id = idOf(i);
      if (!rowOfIdMap.has(id)) rowOfIdMap.set(id, i);
    }
  }
  return rowOfIdMap.get(id);
}

function fullRange(): [number, number] {
  const d = data!;
  const span = d.axisEnd - d.axisStart;
  return span > 0 ? [d.axisStart, d.axisEnd] : [d.axisStart, d.axisStart + 1];
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = false;
}

function paintHeader(): void {
  const d = data!;
  titleDot.className = `tl-dot s-${d.run.status}`;
  titleName.textContent = d.run.name;
  const dur = d.axisEnd - Math.min(0, d.axisStart);
  let onPath = 0;
  for (let i = 0; i < d.count; i++) onPath += d.critical.onPath[i]!;
  titleMeta.textContent = ` ${d.count.toLocaleString('en-US')} span${d.count === 1 ? '' : 's'} \u00b7 ${formatDuration(dur)} \u00b7 ${d.run.status} \u00b7 ${onPath} on the critical path \u00b7 ${d.run.storeLabel}`;
  titleMeta.title = `${d.run.id}\n${d.run.store}`;
  criticalBtn.setAttribute('aria-pressed', String(state.critical));
  criticalBtn.classList.toggle('on', state.critical);
  resetZoomBtn.disabled = state.zoom === undefined;
}

function relist(): void {
  if (!data) return;
  visible = visibleRows(data, collapsed);
  spacer.style.height = `${visible.length * ROW_H}px`;
}

// ---- rows ----

function makeSlot(): RowSlot {
  const row = el('div', 'tl-row');
  row.setAttribute('role', 'treeitem');
  const label = el('div', 'tl-label');
  const indent = el('span', 'tl-indent');
  const twisty = el('span', 'tl-twisty');
  const dot = el('span', 'tl-dot');
  const name = el('span', 'tl-name');
  const dur = el('span', 'tl-dur');
  const self = el('span', 'tl-self');
  label.append(indent, twisty, dot, name, dur, self);
  const track = el('div', 'tl-track');
  const bar = el('div', 'tl-bar');
  const err = el('span', 'tl-err');
  track.append(bar, err);
  row.append(label, track);
  row.hidden = true; // shown once it holds a row
  spacer.append(row);
  return { el: row, indent, twisty, dot, name, dur, self, track, bar, err, crit: [], pos: -1, key: '' };
}

function pct(ms: number): number {
  return ((ms - viewStart) / (viewEnd - viewStart)) * 100;
}

function renderRows(): void {
  if (!data) return;
  const height = body.clientHeight || 600;
  const top = body.scrollTop;
  const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
  const need = Math.ceil(height / ROW_H) + 2 * OVERSCAN + 2;
  while (pool.length < need) pool.push(makeSlot());
  const size = pool.length;
  const used = new Uint8Array(size);
  for (let pos = first; pos < last; pos++) {
    const k = pos % size;
    used[k] = 1;
    fillSlot(pool[k]!, pos);
  }
  for (let k = 0; k < size; k++) {
    if (!used[k] && pool[k]!.pos !== -1) {
      pool[k]!.el.hidden = true;
      pool[k]!.pos = -1;
      pool[k]!.key = '';
    }
  }
  placeOverviewWindow(first + OVERSCAN, last - OVERSCAN);
}

function fillSlot(slot: RowSlot, pos: number): void {
  const d = data!;
  const r = visible[pos]!;
  const key = `${r}|${generation}|${r === selectedRow ? 1 : 0}|${isMatch[r]}|${r === currentMatchRow() ? 1 : 0}|${collapsed[r]}`;
  if (slot.pos !== pos) {
    slot.el.style.transform = `translateY(${pos * ROW_H}px)`;
    slot.pos = pos;
  }
  if (slot.el.hidden) slot.el.hidden = false;
  if (slot.key === key) return;
  slot.key = key;
  const e = slot.el;
  e.dataset.row = String(r);
  const status = STATUSES[d.status[r]!] ?? 'unset';
  const hasKids = d.childCount[r]! > 0;
  const depth = d.depth[r]!;
  const onPath = state.critical && d.critical.onPath[r] === 1;
  let cls = `tl-row s-${status}`;
  if (r === selectedRow) cls += ' selected';
  if (isMatch[r]) cls += ' match';
  if (r === currentMatchRow()) cls += ' current';
  if (onPath) cls += ' on-path';
  e.className = cls;
  e.setAttribute('aria-level', String(depth + 1));
  e.setAttribute('aria-selected', String(r === selectedRow));
  if (hasKids) e.setAttribute('aria-expanded', String(!collapsed[r]));
  else e.removeAttribute('aria-expanded');
  slot.indent.style.width = `${Math.min(depth, MAX_INDENT_DEPTH) * INDENT_PX}px`;
  slot.twisty.textContent = hasKids ? (collapsed[r] ? '\u25b8' : '\u25be') : '';
  slot.dot.className = `tl-dot s-${status}`;
  const name = d.names[d.nameIndex[r]!]!;
  slot.name.textContent = depth > MAX_INDENT_DEPTH ? `\u22ef${depth} ${name}` : name;
  const running = d.running[r] === 1;
  const dur = d.end[r]! - d.start[r]!;
  slot.dur.textContent = running ? 'running' : formatDuration(dur);
  slot.self.textContent = hasKids ? formatDuration(d.self[r]!) : '';
  const err = errorByRow.get(r);
  e.title =
    `${name}\nstart +${formatDuration(d.start[r]! - Math.min(0, d.axisStart))} \u00b7 ${running ? 'running' : `duration ${formatDuration(dur)}`} \u00b7 self ${formatDuration(d.self[r]!)}` +
    (d.critical.onPath[r] ? '\non the critical path' : '') +
    (err ? `\n${err}` : '');

  const left = pct(d.start[r]!);
  const right = pct(d.end[r]!);
  slot.bar.className = `tl-bar s-${status}${running ? ' running' : ''}`;
  slot.bar.style.left = `${left}%`;
  slot.bar.style.width = `${Math.max(0, right - left)}%`;

  // Critical sections of this row, neighbours merged.
  let n = 0;
  if (onPath) {
    const a = d.critical.offsets[r]!;
    const b = d.critical.offsets[r + 1]!;
    let k = a;
    while (k < b && n < MAX_SECTIONS_DRAWN) {
      const s = d.critical.start[k]!;
      let en = d.critical.end[k]!;
      k++;
      while (k < b && d.critical.start[k]! <= en) en = Math.max(en, d.critical.end[k++]!);
      const c = slot.crit[n] ?? addCrit(slot);
      const cl = pct(s);
      c.style.left = `${cl}%`;
      c.style.width = `${Math.max(0, pct(en) - cl)}%`;
      c.hidden = false;
      n++;
    }
  }
  for (let k = n; k < slot.crit.length; k++) slot.crit[k]!.hidden = true;

  if (err) {
    slot.err.hidden = false;
    slot.err.textContent = err;
    if (right > 62) {
      slot.err.className = 'tl-err before';
      slot.err.style.left = '';
      slot.err.style.right = `${100 - Math.max(0, left)}%`;
    } else {
      slot.err.className = 'tl-err';
      slot.err.style.right = '';
      slot.err.style.left = `${Math.max(0, right)}%`;
    }
  } else if (!slot.err.hidden) {
    slot.err.hidden = true;
  }
}

function addCrit(slot: RowSlot): HTMLDivElement {
  const c = el('div', 'tl-crit');
  slot.track.insertBefore(c, slot.err);
  slot.crit.push(c);
  return c;
}

function currentMatchRow(): number {
  return currentMatch >= 0 ? matches[currentMatch]! : -1;
}

// ---- ruler, grid and overview ----

function renderRuler(): void {
  if (!data) return;
  trackWidth = ruler.clientWidth || trackWidth;
  const ts = ticks(viewStart - Math.min(0, data.axisStart), viewEnd - Math.min(0, data.axisStart), Math.max(2, Math.floor(trackWidth / 90)));
  ruler.replaceChildren(rulerDrag);
  grid.replaceChildren();
  for (const t of ts) {
    const tick = el('span', t.at > 0.9 ? 'tl-tick end' : 'tl-tick', t.label);
    tick.style.left = `${t.at * 100}%`;
    ruler.append(tick);
    const line = el('div', 'tl-gridline');
    line.style.left = `${t.at * 100}%`;
    grid.append(line);
  }
}

function drawOverviewNow(): void {
  if (!data) return;
  colors ??= overviewColors(getComputedStyle(document.body));
  drawOverview(overviewCanvas, data, colors, state.critical);
  placeOverviewWindow();
}

let lastWindow: [number, number] = [0, 0];
function placeOverviewWindow(firstPos?: number, lastPos?: number): void {
  if (!data || data.count === 0) return;
  if (firstPos !== undefined && lastPos !== undefined) lastWindow = [firstPos, lastPos];
  const [a, b] = full();
  const x0 = ((viewStart - a) / (b - a)) * 100;
  const x1 = ((viewEnd - a) / (b - a)) * 100;
  const firstRow = visible[Math.max(0, Math.min(visible.length - 1, lastWindow[0]))] ?? 0;
  const lastRow = visible[Math.max(0, Math.min(visible.length - 1, lastWindow[1] - 1))] ?? 0;
  overviewWindow.style.left = `${x0}%`;
  overviewWindow.style.width = `${Math.max(0.5, x1 - x0)}%`;
  overviewWindow.style.top = `${(firstRow / data.count) * 100}%`;
  overviewWindow.style.height = `${Math.max(2, ((lastRow - firstRow + 1) / data.count) * 100)}%`;
}

function full(): [number, number] {
  return data ? fullRange() : [0, 1];
}

// ---- selection and navigation ----

let followTimer: ReturnType<typeof setTimeout> | undefined;

function select(row: number, how: 'open' | 'follow' | 'quiet', jump = false): void {
  if (!data || row < 0 || row >= data.count) return;
  if (expandAncestors(data, collapsed, row)) {
    syncToggled();
    relist();
  }
  selectedRow = row;
  state.selected = idOf(row);
  scrollToRow(row, how !== 'open' && jump);
  renderRows();
  saveState();
  if (followTimer !== undefined) clearTimeout(followTimer);
  followTimer = undefined;
  const version = data.version;
  if (how === 'open') post({ type: 'select', spanId: idOf(row), open: true, row, version });
  else if (how === 'follow') {
    const id = idOf(row);
    followTimer = setTimeout(() => post({ type: 'select', spanId: id, open: false, row, version }), SELECT_FOLLOW_MS);
  }
}

/** Brings a row on screen: a step (arrows) scrolls just enough; a jump (match, reveal) centres it. */
function scrollToRow(row: number, center = false): void {
  const pos = indexOfRow(visible, row);
  if (pos < 0) return;
  const y = pos * ROW_H;
  const h = body.clientHeight || 600;
  const off = y < body.scrollTop || y + ROW_H > body.scrollTop + h;
  if (off && center) body.scrollTop = Math.max(0, y - (h - ROW_H) / 2);
  else if (y < body.scrollTop) body.scrollTop = y;
  else if (y + ROW_H > body.scrollTop + h) body.scrollTop = y + ROW_H - h;
}

function moveBy(delta: number): void {
  if (visible.length === 0) return;
  const pos = selectedRow >= 0 ? indexOfRow(visible, selectedRow) : -1;
  const next = Math.max(0, Math.min(visible.length - 1, pos < 0 ? (delta > 0 ? 0 : visible.length - 1) : pos + delta));
  select(visible[next]!, 'follow');
}

/** Records a toggle against the default (mode) so a reload or a live update keeps it. */
function syncToggled(): void {
  if (!data) return;
  const base = state.mode === 'collapsed' ? 1 : 0;
  const out: string[] = [];
  for (let i = 0; i < data.count; i++) if (data.childCount[i]! > 0 && collapsed[i] !== base) out.push(idOf(i));
  state.toggled = out.length > 20_000 ? out.slice(0, 20_000) : out;
  saveState();
}

function toggle(row: number, open?: boolean): void {
  if (!data || data.childCount[row] === 0) return;
  const want = open === undefined ? !collapsed[row] : !open;
  if (Boolean(collapsed[row]) === want) return;
  collapsed[row] = want ? 1 : 0;
  syncToggled();
  relist();
  generation++;
  renderRows();
}

function setAll(mode: 'expanded' | 'collapsed'): void {
  if (!data) return;
  state.mode = mode;
  state.toggled = [];
  collapsed.fill(mode === 'collapsed' ? 1 : 0);
  if (mode === 'collapsed' && selectedRow >= 0 && data.parent[selectedRow]! >= 0) {
    // Keep the selection visible: its top-level ancestor stays where it was, closed.
    let top = selectedRow;
    while (data.parent[top]! >= 0) top = data.parent[top]!;
    selectedRow = top;
    state.selected = idOf(top);
  }
  relist();
  generation++;
  if (selectedRow >= 0) scrollToRow(selectedRow);
  renderRows();
  saveState();
}

function resetZoom(): void {
  const [a, b] = full();
  setZoom(a, b);
}

function setZoom(a: number, b: number): void {
  if (!data) return;
  const [fa, fb] = fullRange();
  a = Math.max(fa, a);
  b = Math.min(fb, b);
  if (!(b - a > (fb - fa) * 1e-6)) return;
  viewStart = a;
  viewEnd = b;
  state.zoom = a <= fa && b >= fb ? undefined : [a, b];
  resetZoomBtn.disabled = state.zoom === undefined;
  generation++;
  renderRuler();
  renderRows();
  placeOverviewWindow();
  saveState();
}

// ---- filter ----

let filterTimer: ReturnType<typeof setTimeout> | undefined;

function sendFilter(): void {
  filterSeq++;
  post({ type: 'filter', seq: filterSeq, query: filterInput.value });
}

function onMatches(m: Extract<TimelineHostMessage, { type: 'matches' }>): void {
  if (!data || m.seq !== filterSeq || m.seq <= answeredSeq) return;
  answeredSeq = m.seq;
  const rows = m.rows instanceof Uint32Array ? m.rows : Uint32Array.from(m.rows as ArrayLike<number>);
  isMatch = new Uint8Array(data.count);
  const ok: number[] = [];
  for (const r of rows) {
    if (r < data.count) {
      isMatch[r] = 1;
      ok.push(r);
    }
  }
  matches = Uint32Array.from(ok);
  currentMatch = -1;
  hintsLine.textContent = m.hints.join(' \u00b7 ');
  hintsLine.hidden = m.hints.length === 0;
  if (m.empty) matchCount.textContent = '';
  else if (matches.length === 0) matchCount.textContent = 'No matches';
  else {
    // Jump to the first match at or after the selection, as a find box does.
    goToMatch(1, true);
  }
  updateCount(m.empty);
  generation++;
  renderRows();
}

function updateCount(empty = false): void {
  if (empty || filterInput.value.trim() === '') {
    matchCount.textContent = '';
    return;
  }
  matchCount.textContent = matches.length === 0 ? 'No matches' : `${currentMatch + 1} of ${matches.length.toLocaleString('en-US')}`;
}

function goToMatch(dir: 1 | -1, fromSelection = false): void {
  if (matches.length === 0) return;
  const from = currentMatch >= 0 ? matches[currentMatch]! : selectedRow;
  let row: number;
  if (fromSelection && selectedRow >= 0 && isMatch[selectedRow]) row = selectedRow;
  else row = from < 0 ? (dir === 1 ? matches[0]! : matches[matches.length - 1]!) : nextMatch(matches, from, dir);
  currentMatch = indexOfRow(matches, row);
  select(row, 'follow', true);
  updateCount();
}

// ---- events ----

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isTimelineHostMessage(m)) return;
  switch (m.type) {
    case 'data':
      onData(m.data);
      break;
    case 'matches':
      onMatches(m);
      break;
    case 'reveal': {
      const r = rowOf(m.spanId);
      if (r !== undefined && r !== selectedRow) select(r, 'quiet', true);
      break;
    }
    case 'message':
      if (m.kind === 'loading' && data) break; // keep showing the last reading while the next one loads
      showMessage(m.text);
      break;
  }
});

body.addEventListener('scroll', () => {
  renderRows();
  state.scrollTop = body.scrollTop;
  saveState();
});

spacer.addEventListener('click', (ev) => {
  const target = ev.target instanceof Element ? ev.target : null;
  const rowEl = target?.closest<HTMLElement>('.tl-row');
  if (!rowEl || !data) return;
  const r = Number(rowEl.dataset.row);
  if (!Number.isInteger(r)) return;
  if (target?.classList.contains('tl-twisty')) {
    toggle(r);
    return;
  }
  body.focus({ preventScroll: true });
  select(r, 'open');
});

spacer.addEventListener('dblclick', (ev) => {
  const rowEl = ev.target instanceof Element ? ev.target.closest<HTMLElement>('.tl-row') : null;
  if (!rowEl || (ev.target as Element).classList.contains('tl-twisty')) return;
  const r = Number(rowEl.dataset.row);
  if (Number.isInteger(r)) toggle(r);
});

body.addEventListener('keydown', (ev) => {
  if (!data) return;
  const page = Math.max(1, Math.floor((body.clientHeight || 600) / ROW_H) - 1);
  switch (ev.key) {
    case 'ArrowDown':
      moveBy(1);
      break;
    case 'ArrowUp':
      moveBy(-1);
      break;
    case 'PageDown':
      moveBy(page);
      break;
    case 'PageUp':
      moveBy(-page);
      break;
    case 'Home':
      if (visible.length > 0) select(visible[0]!, 'follow');
      break;
    case 'End':
      if (visible.length > 0) select(visible[visible.length - 1]!, 'follow');
      break;
    case 'ArrowRight':
      if (selectedRow < 0) moveBy(1);
      else if (data.childCount[selectedRow]! > 0 && collapsed[selectedRow]) toggle(selectedRow, true);
      else if (data.childCount[selectedRow]! > 0) select(selectedRow + 1, 'follow');
      break;
    case 'ArrowLeft':
      if (selectedRow < 0) break;
      if (data.childCount[selectedRow]! > 0 && !collapsed[selectedRow]) toggle(selectedRow, false);
      else if (data.parent[selectedRow]! >= 0) select(data.parent[selectedRow]!, 'follow');
      break;
    case 'Enter':
      if (selectedRow >= 0) select(selectedRow, 'open');
      break;
    case ' ':
      if (selectedRow >= 0) toggle(selectedRow);
      break;
    case '/':
      filterInput.focus();
      filterInput.select();
      break;
    default:
      return;
  }
  ev.preventDefault();
});

document.addEventListener('keydown', (ev) => {
  if (ev.key === '/' && document.activeElement !== filterInput && !(document.activeElement instanceof HTMLInputElement)) {
    ev.preventDefault();
    filterInput.focus();
    filterInput.select();
  }
});

filterInput.addEventListener('input', () => {
  state.query = filterInput.value;
  saveState();
  if (filterTimer !== undefined) clearTimeout(filterTimer);
  filterTimer = setTimeout(sendFilter, 120);
});

filterInput.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter') {
    ev.preventDefault();
    goToMatch(ev.shiftKey ? -1 : 1);
  } else if (ev.key === 'Escape') {
    ev.preventDefault();
    body.focus();
  } else if (ev.key === 'ArrowDown') {
    ev.preventDefault();
    body.focus();
    if (selectedRow < 0) moveBy(1);
  }
});

prevBtn.addEventListener('click', () => goToMatch(-1));
nextBtn.addEventListener('click', () => goToMatch(1));
expandAllBtn.addEventListener('click', () => setAll('expanded'));
collapseAllBtn.addEventListener('click', () => setAll('collapsed'));
resetZoomBtn.addEventListener('click', () => resetZoom());
criticalBtn.addEventListener('click', () => {
  state.critical = !state.critical;
  paintHeader();
  generation++;
  renderRows();
  drawOverviewNow();
  saveState();
});

/** Drag across `zone` to pick a time range; a click without a drag calls `onClick` with the fraction across and down. */
function dragToZoom(zone: HTMLElement, sel: HTMLElement, range: () => [number, number], onClick?: (fx: number, fy: number) => void): void {
  zone.addEventListener('mousedown', (down) => {
    if (down.button !== 0 || !data) return;
    const box = zone.getBoundingClientRect();
    const x0 = down.clientX - box.left;
    sel.hidden = false;
    sel.style.left = `${x0}px`;
    sel.style.width = '0px';
    const move = (ev: MouseEvent): void => {
      const x = Math.max(0, Math.min(box.width, ev.clientX - box.left));
      sel.style.left = `${Math.min(x0, x)}px`;
      sel.style.width = `${Math.abs(x - x0)}px`;
    };
    const up = (ev: MouseEvent): void => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      sel.hidden = true;
      const x1 = Math.max(0, Math.min(box.width, ev.clientX - box.left));
      if (Math.abs(x1 - x0) < 4) {
        onClick?.(x1 / box.width, (ev.clientY - box.top) / box.height);
        return;
      }
      const [a, b] = range();
      const f0 = Math.min(x0, x1) / box.width;
      const f1 = Math.max(x0, x1) / box.width;
      setZoom(a + (b - a) * f0, a + (b - a) * f1);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    down.preventDefault();
  });
}

dragToZoom(ruler, rulerDrag, () => [viewStart, viewEnd]);
dragToZoom(overview, overviewDrag, full, (_fx, fy) => {
  if (!data || data.count === 0) return;
  // Scroll to the listed row nearest that point of the run.
  const row = Math.max(0, Math.min(data.count - 1, Math.floor(fy * data.count)));
  let pos = 0;
  let lo = 0;
  let hi = visible.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (visible[mid]! <= row) {
      pos = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  body.scrollTop = Math.max(0, pos * ROW_H - (body.clientHeight || 600) / 2);
});
ruler.addEventListener('dblclick', () => resetZoom());
rulerDrag.hidden = true;
overviewDrag.hidden = true;

let seenSize = '';
let overviewTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  const size = `${body.clientWidth}x${body.clientHeight}`;
  if (size === seenSize) return;
  seenSize = size;
  renderRuler();
  renderRows();
  // Redrawn after the frame (and once per burst of resizes): it is the one pass over every span.
  if (overviewTimer !== undefined) clearTimeout(overviewTimer);
  overviewTimer = setTimeout(() => {
    overviewTimer = undefined;
    drawOverviewNow();
  }, 50);
}).observe(body);

// VS Code swaps the body's theme class (vscode-light/dark/high-contrast): redraw what uses colours by value.
new MutationObserver(() => {
  colors = undefined;
  drawOverviewNow();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

filterInput.value = state.query;
post({ type: 'ready' });
