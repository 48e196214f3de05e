/** Time-axis ticks at round steps (1, 2, 5 × 10ⁿ ms) and their labels. Pure. */
import { formatDuration } from '../../model/format';

export interface Tick {
  ms: number;
  /** 0…1 across the visible range. */
  at: number;
  label: string;
}

export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || maxTicks < 1) return 1;
  const raw = span / maxTicks;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

export function ticks(from: number, to: number, maxTicks: number): Tick[] {
  const span = to - from;
  if (!(span > 0)) return [{ ms: from, at: 0, label: formatDuration(from) }];
  const step = niceStep(span, Math.max(1, maxTicks));
  const out: Tick[] = [];
  const first = Math.ceil(from / step) * step;
  for (let k = 0; k < 1000; k++) {
    const ms = first + k * step;
    if (ms > to + step * 1e-9) break;
    // Round away float noise (0.30000000000000004 ms).
    const clean = Math.round(ms / step) * step;
    out.push({ ms: clean, at: (clean - from) / span, label: formatDuration(clean) });
  }
  return out;
}
