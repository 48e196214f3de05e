/**
 * What the timeline page keeps with getState/setState (the tab is not kept alive when hidden):
 * which subtrees differ from the default expansion, the selection, scroll, zoom, the
 * critical-path toggle and the filter. Spans are named by id, so a live run that grew
 * (rows moved) comes back as it was left.
 */

export interface TimelineState {
  /** The store and run on show: the host reopens them after a window reload. */
  storeId?: string;
  runId?: string;
  /** 'expanded': every row open except `toggled`; 'collapsed': every row closed except `toggled`. */
  mode: 'expanded' | 'collapsed';
  toggled: string[];
  selected?: string;
  scrollTop: number;
  zoom?: [number, number];
  critical: boolean;
  query: string;
}

export function initialTimelineState(): TimelineState {
  return { mode: 'expanded', toggled: [], scrollTop: 0, critical: true, query: '' };
}

const MAX_TOGGLED = 20_000;

export function loadTimelineState(raw: unknown): TimelineState {
  const s = initialTimelineState();
  if (typeof raw !== 'object' || raw === null) return s;
  const o = raw as Record<string, unknown>;
  if (typeof o.storeId === 'string') s.storeId = o.storeId;
  if (typeof o.runId === 'string') s.runId = o.runId;
  if (o.mode === 'collapsed') s.mode = 'collapsed';
  if (Array.isArray(o.toggled)) s.toggled = o.toggled.filter((x): x is string => typeof x === 'string').slice(0, MAX_TOGGLED);
  if (typeof o.selected === 'string') s.selected = o.selected;
  if (typeof o.scrollTop === 'number' && Number.isFinite(o.scrollTop) && o.scrollTop >= 0) s.scrollTop = o.scrollTop;
  if (Array.isArray(o.zoom) && o.zoom.length === 2 && o.zoom.every((x) => typeof x === 'number' && Number.isFinite(x)) && o.zoom[0] < o.zoom[1]) {
    s.zoom = [o.zoom[0] as number, o.zoom[1] as number];
  }
  if (o.critical === false) s.critical = false;
  if (typeof o.query === 'string') s.query = o.query.slice(0, 2000);
  return s;
}
