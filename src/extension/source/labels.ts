/**
 * Words of the source features: location labels, CodeLens titles, the failures QuickPick.
 * Pure (no 'vscode'): unit-tested in test/unit/extension-pure/source*.test.ts.
 */
import { failureLensText, passingLensText, type FailureGroup, type FailureSample, type NameRunStats } from '../../analysis/failures';
import { formatAgo, formatStart } from '../../model/format';
import type { SourceRef } from '../../model/types';

/** `pipelines/enrich.py:24`, `src/app.ts:10:5`, with ` (guess)` for a step-name lookup. */
export function locationLabel(src: SourceRef): string {
  return `${src.path}:${src.line}${src.column !== undefined ? `:${src.column}` : ''}${src.guess ? ' (guess)' : ''}`;
}

/**
 * Text from a trace inside a label that renders `$(icon)` syntax (CodeLens, QuickPick, status
 * bar): `$(x)` in data is escaped so it shows as written instead of as an icon.
 */
export function escapeIcons(text: string): string {
  return text.replace(/(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z0-9-]*)?)\)/g, (m, escaped: string | undefined) => (escaped ? m : `\\${m}`));
}

/** The CodeLens above a failing line: `$(error) score_risk failed in 8 of 40 runs · last: … · 2 h ago`. */
export function failureLensTitle(g: FailureGroup, nowMs: number = Date.now()): string {
  return `$(error) ${escapeIcons(failureLensText(g, nowMs))}`;
}

/** Its tooltip: where the location came from, and what clicking does. */
export function failureLensTooltip(g: FailureGroup): string {
  const where = g.guess ? `${g.path}:${g.line}, guessed from the step name` : `${g.path}:${g.line}`;
  return `${g.spanName} failed here (${where}) in ${g.failedRuns} of the runs read. Click to list them.`;
}

/** The quieter lens of a line whose spans ran: `score_risk · 40 runs · p95 1.20 s`. */
export function passingLensTitle(s: NameRunStats, guess: boolean): string {
  return `${escapeIcons(passingLensText(s))}${guess ? ' (guess)' : ''}`;
}

export interface PickText {
  label: string;
  description: string;
  detail: string;
}

/** A run whose span failed, as a QuickPick row. */
export function failurePickText(s: FailureSample, nowMs: number = Date.now()): PickText {
  const when = s.timeMs ?? s.runStartMs;
  const id = s.runId.length > 16 ? `${s.runId.slice(0, 16)}…` : s.runId;
  return {
    label: `$(error) ${escapeIcons(oneLine(s.runName || s.runId, 80))}`,
    description: [id, when === undefined ? '' : `${formatStart(when, nowMs)} (${formatAgo(when, nowMs)})`].filter(Boolean).join(' · '),
    detail: escapeIcons(s.error ? `${oneLine(s.spanName, 80)}: ${oneLine(s.error, 200)}` : `${oneLine(s.spanName, 80)} failed (no error recorded)`),
  };
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
