/**
 * The timeline in the compact form the webview gets: parallel typed arrays, one entry per row,
 * and string tables (span names repeat: each distinct name is sent once). One message carries a
 * whole 100,000-span run; nothing in it is markup — the page shows every string as text.
 */
import type { Run, SpanError, Status } from '../../model/types';
import type { TimelineLayout } from './layout';

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

/** The layout's columns (all but the host-side span objects), plus what the page shows as text. */
export interface TimelineData extends Omit<TimelineLayout, 'spans'> {
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

const MAX_ERROR_LINE = 300;
export const ID_SEPARATOR = '\u0000';

/** `TimelineData.ids` back as an array (the page does this when it first needs an id). */
export function splitIds(ids: string, count: number): string[] {
  return count === 0 ? [] : ids.split(ID_SEPARATOR);
}

/** `Type: first line` of an error, cut to a few hundred characters. */
export function errorFirstLine(e: SpanError): string {
  let line = '';
  for (const l of e.message.split(/\r\n|\r|\n/)) {
    const t = l.trim();
    if (t !== '') {
      line = t;
      break;
    }
  }
  // A Python traceback's useful line is its last one.
  if (/^Traceback \(most recent call last\)/.test(line)) {
    const lines = e.message.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '');
    line = lines[lines.length - 1] ?? line;
  }
  const type = e.type?.trim() ?? '';
  const text = type && !line.startsWith(type) ? `${type}: ${line}` : line;
  return text.length > MAX_ERROR_LINE ? `${text.slice(0, MAX_ERROR_LINE - 1)}…` : text;
}

export function storeLabel(store: string): string {
  return store.split(/[\\/]/).filter(Boolean).pop() ?? store;
}

export function encodeTimeline(run: Run, layout: TimelineLayout, version: number): TimelineData {
  const n = layout.count;
  const ids: string[] = new Array<string>(n);
  let nul = false;
  const names: string[] = [];
  const nameIds = new Map<string, number>();
  const nameIndex = new Uint32Array(n);
  const errorRows: number[] = [];
  const errorText: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = layout.spans[i]!;
    ids[i] = s.id;
    if (!nul && s.id.includes(ID_SEPARATOR)) nul = true;
    const name = s.name || s.id;
    let k = nameIds.get(name);
    if (k === undefined) {
      k = names.length;
      names.push(name);
      nameIds.set(name, k);
    }
    nameIndex[i] = k;
    if (s.error) {
      errorRows.push(i);
      errorText.push(errorFirstLine(s.error));
    }
  }
  const info: TimelineRunInfo = { id: run.id, name: run.name || run.id, status: run.status, store: run.store, storeLabel: storeLabel(run.store) };
  if (run.startMs !== undefined) info.startMs = run.startMs;
  const { spans: _spans, ...columns } = layout;
  return {
    ...columns,
    version,
    run: info,
    ids: (nul ? ids.map((id) => id.split(ID_SEPARATOR).join('\uFFFD')) : ids).join(ID_SEPARATOR),
    names,
    nameIndex,
    errorRows: Uint32Array.from(errorRows),
    errorText,
  };
}
