/**
 * Small, generic text formatters for durations, times and sizes: shared by the
 * sidebar, the status bar and (where it fits) the CLI. Pure, no locale surprises:
 * the same input gives the same text on every machine except for the local time zone.
 */

import type { DurationClock, Run } from './types';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * How a duration is written. `text` (the editor: sidebar, tooltips, panels): "0.42 ms", "7.5 ms",
 * "340 ms", "1.23 s", "12.3 s", "2m 03s", "1h 02m", "1d 01h"; "—" when unknown. `compact` (the
 * CLI's table cells): "0.4ms", "340ms", "1.2s", "2m03s", "1h02m", "1d01h"; "-" when unknown.
 */
export type DurationStyle = 'text' | 'compact';

/** Past about 270 years a duration is a store's claim (1e308 ms), not a time to spell out. */
const MAX_DAYS = 99_999;

/** A duration in milliseconds as text, in the given style (see DurationStyle). */
export function formatDuration(ms: number | undefined | null, style: DurationStyle = 'text'): string {
  const compact = style === 'compact';
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return compact ? '-' : '—';
  if (ms < 0) return `-${formatDuration(-ms, style)}`;
  const sp = compact ? '' : ' ';
  // Each bound is where rounding would carry into the next unit ("1000 ms" must be "1.00 s").
  if (!compact && ms < 0.995) return `${ms === 0 ? '0' : ms.toFixed(2)} ms`;
  if (ms < (compact ? 10 : 9.95)) return `${trimZero(ms.toFixed(1))}${sp}ms`;
  if (ms < 999.5) return `${Math.round(ms)}${sp}ms`;
  const s = ms / 1000;
  // Under a minute the decimals matter; rounding 59.96 s up must not print "60.0 s".
  if (compact) {
    if (ms < 59_950) return `${trimZero(s.toFixed(1))}s`;
  } else {
    if (s < 9.995) return `${s.toFixed(2)} s`;
    if (s < 59.95) return `${s.toFixed(1)} s`;
  }
  const totalS = Math.round(s);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${sp}${pad2(totalS % 60)}s`;
  // The CLI rounds each unit from the milliseconds; the editor from the unit below (the two
  // differ only at half-units, and each surface's tests pin its own).
  const totalM = compact ? Math.round(ms / 60_000) : Math.round(totalS / 60);
  if (totalM < 24 * 60) return `${Math.floor(totalM / 60)}h${sp}${pad2(totalM % 60)}m`;
  const totalH = compact ? Math.round(ms / 3_600_000) : Math.round(totalM / 60);
  if (totalH >= MAX_DAYS * 24) return `>${MAX_DAYS}d`;
  return `${Math.floor(totalH / 24)}d${sp}${pad2(totalH % 24)}h`;
}

/**
 * An offset from the run's start, signed: "+340 ms", "−2 ms" (a typographic minus) in the editor,
 * "+340ms", "-2ms" in the CLI; unknown is "" in the editor, "-" in the CLI.
 */
export function formatOffset(ms: number | undefined, style: DurationStyle = 'text'): string {
  if (ms === undefined || !Number.isFinite(ms)) return style === 'compact' ? '-' : '';
  if (ms >= 0) return `+${formatDuration(ms, style)}`;
  return style === 'compact' ? formatDuration(ms, style) : `−${formatDuration(-ms, style)}`;
}

/** `1234567` → `1,234,567`; fractions to two places. A fixed locale: the same text on every machine. */
export function formatCount(n: number): string {
  // Safe integers are grouped by hand: the first toLocaleString of a process loads ICU's data
  // (~10 ms), a pause the extension host would take on its first progress message.
  if (Number.isSafeInteger(n)) return groupThousands(n);
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** 1234567 → "1,234,567" (as toLocaleString('en-US') writes it). */
function groupThousands(n: number): string {
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}

/** "$0.0042", "$1.25": a cost in US dollars, cents always shown, small sums to six places. */
export function formatUsd(usd: number): string {
  let s = usd.toFixed(Math.abs(usd) >= 1 ? 2 : 6).replace(/0+$/, '');
  if (s.endsWith('.')) s += '00';
  const [int, frac = ''] = s.split('.');
  return `$${int}.${frac.padEnd(2, '0')}`;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/**
 * A start time as short as is still unambiguous next to `now`:
 * "14:03:22" today, "Nov 21 14:03" this year, "2023-11-21 14:03" before; "—" when unknown.
 */
export function formatStart(startMs: number | undefined, nowMs: number = Date.now()): string {
  if (startMs === undefined || !Number.isFinite(startMs)) return '—';
  const d = new Date(startMs);
  const now = new Date(nowMs);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) {
    return `${hm}:${pad2(d.getSeconds())}`;
  }
  if (d.getFullYear() === now.getFullYear()) return `${MONTHS[d.getMonth()]} ${d.getDate()} ${hm}`;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${hm}`;
}

/** "2024-11-21 14:03:22.120" in local time: for tooltips and reports where precision matters. */
export function formatTimestamp(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
  );
}

/**
 * "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". A time up to 5 min ahead is "just now":
 * span times are a run's wall-clock start plus offsets, and the machine that recorded them may run
 * a little ahead; beyond that, "in the future".
 */
export function formatAgo(ms: number | undefined, nowMs: number = Date.now()): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const d = nowMs - ms;
  if (d < -300_000) return 'in the future';
  if (d < 5000) return 'just now';
  if (d < 60_000) return `${Math.floor(d / 1000)} s ago`;
  if (d < 3_600_000) return `${Math.floor(d / 60_000)} min ago`;
  if (d < 86_400_000) return `${Math.floor(d / 3_600_000)} h ago`;
  return `${Math.floor(d / 86_400_000)} d ago`;
}

/** "812 B", "4.0 KB", "12.3 MB", "1.2 GB" (binary units, as file managers show them). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 100 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

const CLOCK_LABEL: Record<DurationClock, string> = {
  'root-span': 'root span',
  record: 'run record',
  spans: 'first to last span',
};

/**
 * Where a run's duration was read, for a view to say beside it: `root span`, with how far the
 * record's own figure is off when it has one (`root span; run record 13 ms longer`); '' when the
 * reader did not say. `style`: the caller's way of writing durations.
 */
export function durationClockNote(run: Pick<Run, 'durationClock' | 'recordDurationMs' | 'durationMs'>, style: DurationStyle = 'text'): string {
  if (run.durationClock === undefined || run.durationMs === undefined) return '';
  const label = CLOCK_LABEL[run.durationClock];
  if (run.recordDurationMs === undefined) return label;
  const diff = run.recordDurationMs - run.durationMs;
  if (Math.abs(diff) < 0.5) return label;
  return `${label}; run record ${formatDuration(Math.abs(diff), style)} ${diff > 0 ? 'longer' : 'shorter'}`;
}
