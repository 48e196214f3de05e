/**
 * The timeline in the compact form the webview gets: parallel typed arrays, one entry per row,
 * and string tables (span names repeat: each distinct name is sent once). One message carries a
 * whole 100,000-span run; nothing in it is markup — the page shows every string as text.
 */
import { storeDisplayName } from '../../sources/storeFiles';
import { ID_SEPARATOR, splitIds, type TimelineData, type TimelineRunInfo, type TimelineWire } from '../../model/timeline';
import { errorHeadline } from '../../model/errors';
import type { Run, SpanError } from '../../model/types';
import type { TimelineLayout } from './layout';

export { ID_SEPARATOR, splitIds, type TimelineData, type TimelineRunInfo, type TimelineWire };

const MAX_ERROR_LINE = 300;

/** `Type: first line` of an error, cut to a few hundred characters. */
export function errorFirstLine(e: SpanError): string {
  const text = errorHeadline(e);
  return text.length > MAX_ERROR_LINE ? `${text.slice(0, MAX_ERROR_LINE - 1)}…` : text;
}

/** The store as the timeline's header names it: as everywhere else (sources/storeFiles). */
export const storeLabel = storeDisplayName;

export function encodeTimeline(run: Run, layout: TimelineLayout, version: number): TimelineWire {
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
  const { spans: _spans, parent: _parent, childCount: _childCount, self, critical, ...columns } = layout;
  return {
    ...columns,
    self: Float32Array.from(self),
    critical: compactSections(critical, layout.start, layout.end),
    version,
    run: info,
    ids: (nul ? ids.map((id) => id.split(ID_SEPARATOR).join('\uFFFD')) : ids).join(ID_SEPARATOR),
    names,
    nameIndex,
    errorRows: Uint32Array.from(errorRows),
    errorText,
  };
}

/** Sections that are a whole span become `onPath` 2 and are not listed. */
function compactSections(c: TimelineData['critical'], start: Float64Array, end: Float64Array): TimelineWire['critical'] {
  const n = c.onPath.length;
  const onPath = Uint8Array.from(c.onPath);
  const offsets = new Uint32Array(n + 1);
  const keep: number[] = [];
  for (let r = 0; r < n; r++) {
    const a = c.offsets[r]!;
    const b = c.offsets[r + 1]!;
    if (b - a === 1 && c.start[a] === start[r] && c.end[a] === end[r]) onPath[r] = 2;
    else for (let k = a; k < b; k++) keep.push(k);
    offsets[r + 1] = keep.length;
  }
  return {
    onPath,
    offsets,
    start: Float64Array.from(keep, (k) => c.start[k]!),
    end: Float64Array.from(keep, (k) => c.end[k]!),
  };
}
