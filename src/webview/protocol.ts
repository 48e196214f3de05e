/**
 * The typed messages between the extension host and the Span Details webview.
 * Imported by both sides (types only, plus small guards), so it must not import 'vscode'
 * or anything node-only.
 */
import type { Status } from '../model/types';
import type { CompareRowDetail, CompareWire } from '../model/compare';
import type { TimelineData, TimelineWire } from '../model/timeline';

/** The webview's `viewType`; also the key of its `WebviewPanelSerializer`. */
export const SPAN_DETAILS_VIEW_TYPE = 'spanlens.spanDetails';

/** One attribute (of a span or an event) ready to show: values are already text. */
export interface AttributeRow {
  key: string;
  /** Full value as text: strings as-is, everything else JSON (pretty-printed when long). */
  value: string;
  /** True when the page should fold the value behind a "more" toggle. */
  long: boolean;
  /** What a folded long value shows: the first line(s), cut to a few hundred characters. */
  preview: string;
}

/** An input or output payload found in the span (or its events). */
export interface IoBlock {
  kind: 'input' | 'output';
  /** Where it came from, e.g. `step_input`, `gen_ai.prompt`, `event agent.input`. */
  source: string;
  /** Full text (JSON pretty-printed), capped at MAX_IO_CHARS. */
  text: string;
  /** The first `promptPreviewLength` characters of `text`. */
  preview: string;
  /** True when `preview` is shorter than `text` (the page offers "Show all"). */
  truncated: boolean;
  /** Length of the original text before the hard cap, for "Show all (N characters)". */
  length: number;
  /** True when even `text` was cut at MAX_IO_CHARS. */
  capped: boolean;
}

export interface UsageView {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Cost in US dollars. */
  costUsd?: number;
  /** The attribute keys (or events) the numbers were read from, for a tooltip. */
  sources: string[];
}

export interface ErrorView {
  type?: string;
  message: string;
  stack?: string;
  /** Where the error came from: `span`, `exception event`, `attribute <key>`, `feedback`. */
  origin: string;
}

export interface EventView {
  name: string;
  offsetMs?: number;
  /** "+12.3 ms" from the run's start, or '' when the store recorded no time. */
  offsetText: string;
  attributes: AttributeRow[];
}

export interface SourceView {
  /** `path:line` as recorded (or as mapped into the workspace). */
  label: string;
  path: string;
  line: number;
  guess: boolean;
  /** False when the file is outside every workspace folder or missing: the button is disabled. */
  available: boolean;
  /** Why it is unavailable, for the button's tooltip. */
  reason?: string;
}

/** A tool call in a conversation turn, or a tool this span executed. */
export interface ToolCallView {
  id?: string;
  name: string;
  /** Arguments, pretty-printed when JSON. */
  arguments?: string;
  result?: string;
  /** True when arguments or result are long: the page folds them behind "more". */
  long: boolean;
}

/** One turn of an LLM conversation. */
export interface TurnView {
  role: string;
  /** Where it sits: sent to the model (`input`), its answer (`output`), or the system instructions. */
  side: 'system' | 'input' | 'output';
  /** Full text (cut at MAX_IO_CHARS) when `complete`, else the preview; markdown, shown as text structure. */
  text: string;
  /**
   * False for a turn too long to send with the rest (or past the conversation's budget): the page
   * has its preview and asks for the whole text (`loadTurn`) when the user unfolds it.
   */
  complete: boolean;
  /** True when `text` is pretty-printed JSON (a tool's result, say): shown as code, not markdown. */
  json: boolean;
  /** The first `promptPreviewLength` characters of `text`. */
  preview: string;
  /** True when `preview` is shorter than `text` (the page offers "Show all"). */
  truncated: boolean;
  /** Characters the store recorded, for "Show all (N characters)"; more than `text` when cut. */
  length: number;
  toolCalls: ToolCallView[];
  /** A `tool` turn: the call it answers. */
  toolCallId?: string;
}

/** An LLM call as the page shows it (from `Span.llm`). */
export interface ConversationView {
  model?: string;
  provider?: string;
  operation?: string;
  turns: TurnView[];
  /** Messages beyond the page's limit, left out (said in a line). */
  turnsLeftOut: number;
  /** Tools this span executed. */
  tools: ToolCallView[];
  /** Usage and cost as label/value rows, in a fixed order. */
  usage: Array<{ label: string; value: string; testid: string }>;
  finishReasons: string[];
  /** Message content hidden by `spanlens.llm.hideContent`. */
  contentHidden: boolean;
}

/** Everything the page shows for one span: plain JSON, computed on the host. */
export interface SpanDetailsView {
  span: {
    id: string;
    name: string;
    status: Status;
    rawStatus: string;
    parentId: string | null;
    durationMs?: number;
    /** "1.25 s", or "running…" when the span has no duration yet. */
    durationText: string;
    startOffsetMs: number;
    /** "+340 ms" from the run's start. */
    offsetText: string;
  };
  run: {
    id: string;
    name: string;
    status: Status;
    rawStatus: string;
  };
  store: {
    id: string;
    /** Last path segment of the store id, for the header. */
    label: string;
  };
  error?: ErrorView;
  io: IoBlock[];
  /** The span's LLM call, when it records one. */
  conversation?: ConversationView;
  usage?: UsageView;
  attributes: AttributeRow[];
  events: EventView[];
  source?: SourceView;
  promptPreviewLength: number;
}

// ---- host → page ----

export type HostMessage =
  | { type: 'show'; data: SpanDetailsView }
  | { type: 'empty'; message?: string }
  /** The whole text of one conversation turn the page asked for (`loadTurn`). */
  | { type: 'turnText'; spanId: string; index: number; text: string };

// ---- page → host ----

export type PageMessage =
  | { type: 'ready' }
  | { type: 'copy'; text: string }
  /** `spanId` lets the host ignore a click that raced a selection change. */
  | { type: 'openSource'; spanId: string }
  /** The Find Similar Failures button of a failed span. */
  | { type: 'findSimilar'; spanId: string }
  /** Reserved: no button yet. */
  | { type: 'openRun'; runId: string }
  /** The whole text of conversation turn `index` (sent folded, too long to send with the rest). */
  | { type: 'loadTurn'; spanId: string; index: number }
  /** The Open Timeline button: the run's Trace Timeline, with this span selected. */
  | { type: 'openTimeline'; spanId: string };

/** Validates what arrives from the page before the host acts on it. */
export function isPageMessage(m: unknown): m is PageMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
      return true;
    case 'copy':
      return typeof o.text === 'string';
    case 'openSource':
    case 'findSimilar':
    case 'openTimeline':
      return typeof o.spanId === 'string';
    case 'openRun':
      return typeof o.runId === 'string';
    case 'loadTurn':
      return typeof o.spanId === 'string' && Number.isInteger(o.index) && (o.index as number) >= 0;
    default:
      return false;
  }
}

/** Validates what arrives from the host (the page trusts nothing it cannot check cheaply). */
export function isHostMessage(m: unknown): m is HostMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  if (o.type === 'empty') return o.message === undefined || typeof o.message === 'string';
  if (o.type === 'turnText') return typeof o.spanId === 'string' && Number.isInteger(o.index) && typeof o.text === 'string';
  if (o.type === 'show') {
    const d = o.data as Record<string, unknown> | undefined;
    return typeof d === 'object' && d !== null && typeof d.span === 'object' && Array.isArray(d.attributes);
  }
  return false;
}

// ---- Trace Timeline (src/extension/timeline ↔ src/webview/timeline) ----

/** The timeline's `viewType`: one editor tab per run. */
export const TIMELINE_VIEW_TYPE = 'spanlens.timeline';

export type { TimelineData, TimelineWire };

export type TimelineHostMessage =
  /** The whole run, laid out (typed arrays; sent again, with a higher version, when a live run grows). */
  | { type: 'data'; data: TimelineWire }
  /** The rows matching the filter box's query `seq` (ascending), and what the parser did not understand. */
  | { type: 'matches'; seq: number; rows: Uint32Array; hints: string[]; empty: boolean }
  /** Select this span (the Runs view's selection moved to it); the page does not answer with `select`. */
  | { type: 'reveal'; spanId: string }
  /** No data to show: still reading, the run is gone, or the store cannot be read. */
  | { type: 'message'; kind: 'loading' | 'gone' | 'error'; text: string };

export type TimelinePageMessage =
  | { type: 'ready' }
  /** A row was selected: `open` (click, Enter) shows Span Details and the source; otherwise only the selection follows. */
  | { type: 'select'; spanId: string; open: boolean; row: number; version: number }
  | { type: 'filter'; seq: number; query: string }
  /** A reading's first rows are on screen: `ms` from the message's arrival to that frame (the host logs it). */
  | { type: 'painted'; version: number; ms: number };

function isTypedArrayLike(v: unknown): boolean {
  return ArrayBuffer.isView(v) || Array.isArray(v);
}

export function isTimelinePageMessage(m: unknown): m is TimelinePageMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
      return true;
    case 'select':
      return typeof o.spanId === 'string' && typeof o.open === 'boolean' && Number.isInteger(o.row) && typeof o.version === 'number';
    case 'filter':
      return typeof o.seq === 'number' && typeof o.query === 'string' && o.query.length <= 2000;
    case 'painted':
      return typeof o.version === 'number' && typeof o.ms === 'number';
    default:
      return false;
  }
}

const DATA_COLUMNS = ['nameIndex', 'depth', 'subtreeEnd', 'start', 'end', 'running', 'status', 'self', 'errorRows'] as const;

export function isTimelineHostMessage(m: unknown): m is TimelineHostMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'data': {
      const d = o.data as Record<string, unknown> | undefined;
      if (typeof d !== 'object' || d === null || typeof d.count !== 'number' || typeof d.ids !== 'string' || !Array.isArray(d.names)) return false;
      if (typeof d.run !== 'object' || d.run === null || typeof d.critical !== 'object' || d.critical === null) return false;
      return DATA_COLUMNS.every((k) => isTypedArrayLike(d[k]));
    }
    case 'matches':
      return typeof o.seq === 'number' && isTypedArrayLike(o.rows) && Array.isArray(o.hints);
    case 'reveal':
      return typeof o.spanId === 'string';
    case 'message':
      return typeof o.text === 'string' && (o.kind === 'loading' || o.kind === 'gone' || o.kind === 'error');
    default:
      return false;
  }
}

// ---- Compare Runs (src/extension/compare ↔ src/webview/compare) ----

/** The comparison's `viewType`: one editor tab per pair of runs. */
export const COMPARE_VIEW_TYPE = 'spanlens.compareRuns';

export type { CompareRowDetail, CompareWire };

export type CompareHostMessage =
  /** The two runs aligned: every row, as columns. */
  | { type: 'data'; data: CompareWire }
  /** The selected row's whole difference (attributes field by field, both errors). */
  | { type: 'detail'; detail: CompareRowDetail }
  /** Nothing to show: still reading, or a run or store that cannot be read. */
  | { type: 'message'; kind: 'loading' | 'error'; text: string };

export type ComparePageMessage =
  | { type: 'ready' }
  /** A row was selected (the page then wants its detail). */
  | { type: 'select'; row: number }
  /** Span Details and the source of one side of a row (click, Enter, or the buttons). */
  | { type: 'open'; row: number; side: 'a' | 'b' }
  /** Compare the other way round (B as the base). */
  | { type: 'swap' };

export function isComparePageMessage(m: unknown): m is ComparePageMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'swap':
      return true;
    case 'select':
      return Number.isInteger(o.row) && (o.row as number) >= 0;
    case 'open':
      return Number.isInteger(o.row) && (o.row as number) >= 0 && (o.side === 'a' || o.side === 'b');
    default:
      return false;
  }
}

export function isCompareHostMessage(m: unknown): m is CompareHostMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  if (o.type === 'data') {
    const d = o.data as Record<string, unknown> | undefined;
    return typeof d === 'object' && d !== null && Array.isArray(d.names) && Array.isArray(d.change) && typeof d.a === 'object' && typeof d.b === 'object';
  }
  if (o.type === 'detail') {
    const d = o.detail as Record<string, unknown> | undefined;
    return typeof d === 'object' && d !== null && Number.isInteger(d.row) && Array.isArray(d.attributes);
  }
  if (o.type === 'message') return (o.kind === 'loading' || o.kind === 'error') && typeof o.text === 'string';
  return false;
}
