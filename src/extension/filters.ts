/**
 * The Runs view's filter: status, pipeline and time window. Pure (no 'vscode') so
 * it is unit-tested; the commands in commands/filterCommands.ts only ask and store.
 */
import type { RunFilter } from '../analysis/runs';
import type { Status } from '../model/types';

export type StatusFilter = 'all' | 'failed' | 'running' | 'passed';
export type TimeWindow = 'all' | '1h' | '24h' | '7d';

export interface RunsFilter {
  status: StatusFilter;
  /** Exact pipeline (run) name; undefined for every pipeline. */
  pipeline?: string;
  window: TimeWindow;
}

export const NO_FILTER: RunsFilter = { status: 'all', window: 'all' };

export const STATUS_FILTERS: ReadonlyArray<{ value: StatusFilter; label: string; status?: Status }> = [
  { value: 'all', label: 'All runs' },
  { value: 'failed', label: 'Failed', status: 'error' },
  { value: 'running', label: 'Running', status: 'running' },
  { value: 'passed', label: 'Passed', status: 'ok' },
];

export const TIME_WINDOWS: ReadonlyArray<{ value: TimeWindow; label: string; short: string; hours?: number }> = [
  { value: 'all', label: 'Any time', short: 'any time' },
  { value: '1h', label: 'Last hour', short: 'last hour', hours: 1 },
  { value: '24h', label: 'Last 24 hours', short: 'last 24 h', hours: 24 },
  { value: '7d', label: 'Last 7 days', short: 'last 7 d', hours: 24 * 7 },
];

export function isFilterActive(f: RunsFilter): boolean {
  return f.status !== 'all' || f.pipeline !== undefined || f.window !== 'all';
}

/** The engine's filter for a view filter; the time window is applied relative to `now` by toRunQuery. */
export function toRunFilter(f: RunsFilter): RunFilter {
  const out: RunFilter = {};
  const status = STATUS_FILTERS.find((s) => s.value === f.status)?.status;
  if (status !== undefined) out.status = status;
  if (f.pipeline !== undefined) out.pipeline = f.pipeline;
  const hours = TIME_WINDOWS.find((w) => w.value === f.window)?.hours;
  if (hours !== undefined) out.sinceHours = hours;
  return out;
}

/** "failed · pipeline checkout · last 24 h", or '' when nothing is filtered: the view's description. */
export function describeFilter(f: RunsFilter): string {
  const parts: string[] = [];
  if (f.status !== 'all') parts.push(STATUS_FILTERS.find((s) => s.value === f.status)?.label.toLowerCase() ?? f.status);
  if (f.pipeline !== undefined) parts.push(`pipeline ${f.pipeline}`);
  if (f.window !== 'all') parts.push(TIME_WINDOWS.find((w) => w.value === f.window)?.short ?? f.window);
  return parts.join(' · ');
}

/** A filter read back from workspaceState: anything unknown falls back to "no filter" instead of throwing. */
export function parseFilter(raw: unknown): RunsFilter {
  if (typeof raw !== 'object' || raw === null) return { ...NO_FILTER };
  const r = raw as Record<string, unknown>;
  const status = STATUS_FILTERS.some((s) => s.value === r.status) ? (r.status as StatusFilter) : 'all';
  const window = TIME_WINDOWS.some((w) => w.value === r.window) ? (r.window as TimeWindow) : 'all';
  const out: RunsFilter = { status, window };
  if (typeof r.pipeline === 'string' && r.pipeline !== '') out.pipeline = r.pipeline;
  return out;
}
