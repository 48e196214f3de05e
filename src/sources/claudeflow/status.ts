import { statusFromWord } from '../../model/status';
import type { Status } from '../../model/types';

/**
 * claude-flow's trace statuses (the CHECK of migration 006_execution_traces.sql):
 * running | success | failed | timeout. `timeout` is an error whose own word is kept.
 */
export const TRACE_STATUS: Readonly<Record<string, Status>> = {
  running: 'running',
  success: 'ok',
  failed: 'error',
  timeout: 'error',
};

/** The raw words a normalized status filter matches, pushed into SQL as `status IN (…)`. */
export function rawStatusesFor(status: Status): string[] {
  return Object.keys(TRACE_STATUS).filter((w) => TRACE_STATUS[w] === status);
}

/** Exactly the words the table allows (anything else, or NULL, is unset): what `rawStatusesFor` filters on. */
export function traceStatus(raw: unknown): Status {
  if (typeof raw !== 'string') return 'unset';
  return Object.prototype.hasOwnProperty.call(TRACE_STATUS, raw) ? TRACE_STATUS[raw]! : 'unset';
}

/**
 * A step's status. The recorder writes success | failed; other words a hand-written or newer
 * step might carry are read by their meaning (model/status), anything else is unset.
 */
export function stepStatus(raw: unknown): Status {
  return typeof raw === 'string' ? (statusFromWord(raw) ?? 'unset') : 'unset';
}
