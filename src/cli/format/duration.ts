const MAX_DAYS = 99_999;

/** Compact human durations: `4.2ms`, `340ms`, `1.2s`, `2m03s`, `1h02m`; `-` when unknown. */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 10) return `${trimZero(ms.toFixed(1))}ms`;
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${trimZero((ms / 1000).toFixed(1))}s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${pad2(totalS % 60)}s`;
  const totalM = Math.round(ms / 60_000);
  if (totalM < 24 * 60) return `${Math.floor(totalM / 60)}h${pad2(totalM % 60)}m`;
  const totalH = Math.round(ms / 3_600_000);
  // A store can claim 1e308 ms: past about 270 years it is a claim, not a duration to spell out.
  if (totalH >= MAX_DAYS * 24) return `>${MAX_DAYS}d`;
  return `${Math.floor(totalH / 24)}d${pad2(totalH % 24)}h`;
}

/** An offset from the run's start: `+340ms`. */
export function formatOffset(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return ms < 0 ? formatDuration(ms) : `+${formatDuration(ms)}`;
}

function trimZero(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
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

/** `1234567` → `1,234,567`, locale-independent so output is stable in tests and logs. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
