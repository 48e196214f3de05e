/**
 * `spanlens trace --timeline`: the run's waterfall in text. One line per span in tree order:
 * the name indented by depth, a bar placed on the run's time axis across the terminal's width,
 * the duration. With `--critical-path`, spans on the critical path are marked `*` and their
 * sections of the path drawn solid (`█`), everything else light (`░`).
 */
import type { TimelineLayout } from '../../analysis/timeline/layout';
import { STATUSES } from '../../model/types';
import { formatDuration } from './duration';
import { statusMark } from './status';
import { clean, displayWidth, truncate } from './text';

export interface TimelineTextOptions {
  /** Total line width in columns (the terminal's). */
  width: number;
  critical: boolean;
}

const MIN_BAR = 10;
/** Indent stops growing here; deeper rows note their depth (a 100k-deep chain must not print 100k columns). */
const MAX_INDENT_DEPTH = 24;

function pad(s: string, w: number, right = false): string {
  const gap = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? gap + s : s + gap;
}

export function renderTimeline(layout: TimelineLayout, opts: TimelineTextOptions): string {
  const width = Math.max(40, Math.floor(opts.width));
  const durW = 7;
  const markW = opts.critical ? 2 : 0;
  const labelW = Math.max(16, Math.min(48, Math.floor(width * 0.38)));
  const barW = Math.max(MIN_BAR, width - labelW - durW - markW - 4);
  const a = layout.axisStart;
  const span = layout.axisEnd - a || 1;
  // Indentation takes at most half the label, so the name (and a deep row's depth) stays readable.
  const maxIndent = Math.min(MAX_INDENT_DEPTH, Math.floor(labelW / 4));
  const col = (ms: number): number => Math.max(0, Math.min(barW, ((ms - a) / span) * barW));

  const lines: string[] = [];
  // The time axis: start, middle and end, over the bars.
  const axis = new Array<string>(barW).fill(' ');
  const put = (at: number, text: string, alignEnd = false): void => {
    const from = Math.max(0, Math.min(barW - text.length, alignEnd ? at - text.length : at));
    for (let i = 0; i < text.length && from + i < barW; i++) axis[from + i] = text[i]!;
  };
  put(0, formatDuration(0));
  if (barW >= 30) put(Math.floor(barW / 2) - 2, formatDuration(a + span / 2));
  put(barW, formatDuration(layout.axisEnd), true);
  lines.push(`${pad('', labelW + markW)}  ${axis.join('')}  ${pad('', durW)}`.trimEnd());

  const cells = new Array<string>(barW);
  for (let r = 0; r < layout.count; r++) {
    const s = layout.spans[r]!;
    const depth = layout.depth[r]!;
    const status = STATUSES[layout.status[r]!] ?? 'unset';
    const note = depth > maxIndent ? `[${depth}] ` : '';
    const label = truncate(`${'  '.repeat(Math.min(depth, maxIndent))}${statusMark(status)} ${note}${clean(s.name || s.id)}`, labelW);
    const on = opts.critical && layout.critical.onPath[r] === 1;

    cells.fill(' ');
    const x0 = col(layout.start[r]!);
    const x1 = col(layout.end[r]!);
    const c0 = Math.min(barW - 1, Math.floor(x0));
    const c1 = Math.max(c0 + 1, Math.min(barW, Math.ceil(x1)));
    const fill = opts.critical ? '░' : '█';
    if (x1 - x0 < 0.5 && layout.running[r] !== 1) cells[c0] = '│';
    else for (let c = c0; c < c1; c++) cells[c] = fill;
    if (on) {
      for (let k = layout.critical.offsets[r]!; k < layout.critical.offsets[r + 1]!; k++) {
        // A cell is on the path when its middle is: a sliver of a section does not fill a whole cell.
        const k0 = col(layout.critical.start[k]!);
        const k1 = col(layout.critical.end[k]!);
        for (let c = Math.max(0, Math.ceil(k0 - 0.5)); c + 0.5 <= k1 && c < barW; c++) cells[c] = '█';
      }
    }
    if (layout.running[r] === 1) cells[Math.min(barW - 1, c1 - 1)] = '▷';
    const dur = layout.running[r] === 1 ? 'running' : formatDuration(layout.end[r]! - layout.start[r]!);
    const mark = opts.critical ? (on ? '* ' : '  ') : '';
    lines.push(`${mark}${pad(label, labelW)}  ${cells.join('')}  ${pad(dur, durW, true)}`);
  }
  return lines.join('\n') + '\n';
}
