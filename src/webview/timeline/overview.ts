/**
 * The overview (minimap) above the rows: every span of the run as a 1-pixel line at its place
 * in time (across) and in tree order (down), errors and the critical path in their colours.
 * Drawn on a canvas once per reading/theme/resize, batched into one path per colour.
 */
import type { TimelineData } from '../protocol';

export interface OverviewColors {
  ok: string;
  error: string;
  running: string;
  other: string;
  critical: string;
}

function v(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const s = style.getPropertyValue(name).trim();
  return s || fallback;
}

export function overviewColors(style: CSSStyleDeclaration): OverviewColors {
  return {
    ok: v(style, '--vscode-charts-blue', '#3794ff'),
    error: v(style, '--vscode-charts-red', '#f14c4c'),
    running: v(style, '--vscode-charts-yellow', '#cca700'),
    other: v(style, '--vscode-descriptionForeground', '#888888'),
    critical: v(style, '--vscode-charts-orange', '#d18616'),
  };
}

const ERROR = 1;
const RUNNING = 2;

export function drawOverview(canvas: HTMLCanvasElement, d: TimelineData, c: OverviewColors, critical: boolean): void {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.floor(canvas.clientWidth * ratio));
  const h = Math.max(1, Math.floor(canvas.clientHeight * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, w, h);
  if (d.count === 0) return;
  const a = d.axisStart;
  const span = d.axisEnd - a || 1;
  const rowH = h / d.count;
  const lineH = Math.max(1, rowH);
  const groups: Array<[string, (r: number) => boolean]> = [
    [c.ok, (r) => d.status[r] === 0],
    [c.other, (r) => d.status[r]! > RUNNING],
    [c.running, (r) => d.status[r] === RUNNING],
    [c.error, (r) => d.status[r] === ERROR],
  ];
  // One pass per colour; rows that land on the same pixel line and overlap are drawn once.
  for (const [color, test] of groups) {
    ctx.fillStyle = color;
    ctx.beginPath();
    let lastY = -1;
    let lastX1 = -1;
    for (let r = 0; r < d.count; r++) {
      if (!test(r)) continue;
      const y = Math.floor(r * rowH);
      const x0 = Math.floor(((d.start[r]! - a) / span) * w);
      const x1 = Math.max(x0 + 1, Math.ceil(((d.end[r]! - a) / span) * w));
      if (y === lastY && x1 <= lastX1) continue;
      ctx.rect(x0, y, x1 - x0, lineH);
      if (y !== lastY) lastX1 = x1;
      else lastX1 = Math.max(lastX1, x1);
      lastY = y;
    }
    ctx.fill();
  }
  if (!critical) return;
  ctx.fillStyle = c.critical;
  ctx.beginPath();
  const crit = d.critical;
  for (let r = 0; r < d.count; r++) {
    if (!crit.onPath[r]) continue;
    const y = Math.floor(r * rowH);
    for (let k = crit.offsets[r]!; k < crit.offsets[r + 1]!; k++) {
      const x0 = Math.floor(((crit.start[k]! - a) / span) * w);
      const x1 = Math.max(x0 + 1, Math.ceil(((crit.end[k]! - a) / span) * w));
      // A thin line along the row's foot: with few rows (tall lines) it must not hide the bars.
      const ch = Math.min(lineH, Math.max(2 * ratio, lineH / 4));
      ctx.rect(x0, y + lineH - ch, x1 - x0, ch);
    }
  }
  ctx.fill();
}
