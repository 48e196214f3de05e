import { formatDuration as formatDurationIn, formatOffset as formatOffsetIn } from '../../model/format';

/** Compact human durations (model/format's `compact` style): `4.2ms`, `340ms`, `1.2s`, `2m03s`, `1h02m`; `-` when unknown. */
export function formatDuration(ms: number | undefined | null): string {
  return formatDurationIn(ms, 'compact');
}

/** An offset from the run's start: `+340ms`. */
export function formatOffset(ms: number | undefined): string {
  return formatOffsetIn(ms, 'compact');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Epoch ms as local wall time `2026-11-21 14:03:07`; `-` when unknown. */
export function formatTime(epochMs: number | undefined): string {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return '-';
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return '-';
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

/** `1234567` → `1,234,567` (model/format's). */
export { formatCount } from '../../model/format';
