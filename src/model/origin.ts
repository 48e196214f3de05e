/**
 * Where a span came from when it is not a span the system recorded as one. Readers mark such
 * spans with `spanlens.source`; views say so next to the span, so a row of a steps table or an
 * entry of a step history never passes for a recorded span.
 */
import type { Span } from './types';

/** The attribute a reader sets on spans it rebuilt from something other than span records. */
export const SOURCE_KEY = 'spanlens.source';
/** Set beside SOURCE_KEY when the span's start and end were placed from durations, not read from a clock. */
export const TIMING_KEY = 'spanlens.timing';

/**
 * `steps`: a row of a steps table (one per finished step; no parent, no clock of its own);
 * `step_history`: an entry of a run's recorded step history (loop iterations, a branch's steps),
 * placed in time from its latency; `traces`: a stored trace tree (a real trace, only stored whole).
 */
export type SpanOrigin = 'steps' | 'step_history' | 'traces';

const ORIGIN_LABEL: Record<SpanOrigin, string | undefined> = {
  steps: 'from the steps table',
  step_history: 'from step history',
  traces: undefined,
};

export function spanOrigin(span: Pick<Span, 'attributes'>): SpanOrigin | undefined {
  const v = span.attributes[SOURCE_KEY];
  return v === 'steps' || v === 'step_history' || v === 'traces' ? v : undefined;
}

/** What a view shows beside a span that is not a recorded span (`from step history`); undefined for recorded spans. */
export function originLabel(span: Pick<Span, 'attributes'>): string | undefined {
  const o = spanOrigin(span);
  return o === undefined ? undefined : ORIGIN_LABEL[o];
}

/** Whether the span's times were placed from durations (its start is where its predecessor ended). */
export function timesPlaced(span: Pick<Span, 'attributes'>): boolean {
  return span.attributes[TIMING_KEY] === 'placed';
}

/**
 * The note a tree shows on a span: its origin's label where it starts a subtree of that origin
 * (its parent came from elsewhere), so a loop's iterations say `from step history` once each and
 * their body steps do not repeat it. Undefined for recorded spans and inside such a subtree.
 */
export function originNote(span: Pick<Span, 'attributes'>, parent: Pick<Span, 'attributes'> | undefined): string | undefined {
  const o = spanOrigin(span);
  if (o === undefined || (parent !== undefined && spanOrigin(parent) === o)) return undefined;
  return ORIGIN_LABEL[o];
}
