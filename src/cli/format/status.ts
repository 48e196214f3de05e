import type { Status } from '../../model/types';

const MARKS: Record<Status, string> = { ok: '✓', error: '✗', running: '●', paused: '‖', unset: '·' };

export function statusMark(status: Status): string {
  return MARKS[status] ?? '?';
}

/** `✗ error`, and the store's own word beside it when it says something else (`✓ ok (completed)`). */
export function statusLabel(status: Status, rawStatus?: string, withRaw = false): string {
  const base = `${statusMark(status)} ${status}`;
  return withRaw && rawStatus && rawStatus.toLowerCase() !== status ? `${base} (${rawStatus})` : base;
}
