/**
 * The Trace Timeline's data as plain types: the columns the engine lays a run out into
 * (analysis/timeline), and the form they travel in to the webview (src/webview/timeline), which
 * may import only the model. Pure: no Node, no DOM.
 */
import type { Status } from './types';

export interface CriticalSections {
  /** 1 where the span is on the critical path. */
  onPath: Uint8Array;
  /** Sections grouped by row: row r's are `offsets[r]` … `offsets[r + 1] - 1`, earliest first. */
  offsets: Uint32Array;
  start: Float64Array;
  end: Float64Array;
}

export interface TimelineColumns {
  count: number;
  depth: Uint32Array;
  /** Row of the parent, -1 for a top-level span. */
  parent: Int32Array;
  /** The first row after this row's subtree. */
  subtreeEnd: Uint32Array;
  childCount: Uint32Array;
  /** Start offset from the run's start (ms). */
  start: Float64Array;
  /** End (ms); a running span (no duration yet) ends where the run's axis ends. */
  end: Float64Array;
  /** 1 where the span has no duration yet (its end is the axis' end, not a recorded one). */
  running: Uint8Array;
  /** Index in STATUSES. */
  status: Uint8Array;
  /** Duration minus the time its children cover (clipped to the span). */
  self: Float64Array;
  critical: CriticalSections;
  /** The run's time axis: earliest start and latest end (ms from the run's start). */
  axisStart: number;
  axisEnd: number;
  maxDepth: number;
}

export interface TimelineRunInfo {
  id: string;
  name: string;
  status: Status;
  /** The store's id (path or URL) and its last segment, for the header. */
  store: string;
  storeLabel: string;
  /** Wall-clock start (epoch ms), where the store records one. */
  startMs?: number;
}

/**
 * What the page works with: the layout's columns (all but the host-side span objects), plus
 * what it shows as text. It arrives as a smaller TimelineWire (`decodeTimeline`).
 */
export interface TimelineData extends TimelineColumns {
  /** Bumped by the host on every new reading of the run (live runs grow). */
  version: number;
  run: TimelineRunInfo;
  /**
   * The span ids, joined by U+0000 (one string crosses to the webview far faster than 100,000);
   * a U+0000 inside an id is sent as U+FFFD. Split with `splitIds`.
   */
  ids: string;
  /** Distinct span names; `nameIndex[row]` points into it. */
  names: string[];
  nameIndex: Uint32Array;
  /** Rows with an error, ascending, and the error's first line for each. */
  errorRows: Uint32Array;
  errorText: string[];
}

/**
 * The message's form of TimelineData, a third smaller (it crosses a websocket in remote and web
 * VS Code): `parent` and `childCount` are left out (the page derives them from `depth` and
 * `subtreeEnd`), self times are 32-bit (text only), and a span on the critical path from its
 * start to its end is `onPath` 2 with no section listed (most leaves on the path are).
 */
export interface TimelineWire extends Omit<TimelineData, 'parent' | 'childCount' | 'self' | 'critical'> {
  self: Float32Array;
  critical: { onPath: Uint8Array; offsets: Uint32Array; start: Float64Array; end: Float64Array };
}

export const ID_SEPARATOR = '\u0000';

/** `TimelineData.ids` back as an array (the page does this when it first needs an id). */
export function splitIds(ids: string, count: number): string[] {
  return count === 0 ? [] : ids.split(ID_SEPARATOR);
}
