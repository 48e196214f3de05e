import { patternMatcher } from './glob';
import type { Span, Status } from '../model/types';

export interface SpanFilter {
  status?: Status;
  /** Case-insensitive substring of the name; with a `*` it is a glob over the whole name instead. */
  name?: string;
}

/** A predicate for span names: substring, or whole-name glob when the pattern holds `*`. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  const test = patternMatcher(pattern.toLowerCase());
  return (name) => test(name.toLowerCase());
}

/** Spans matching every given criterion, order kept. */
export function filterSpans(spans: Span[], filter: SpanFilter): Span[] {
  const matchName = filter.name !== undefined && filter.name !== '' ? nameMatcher(filter.name) : undefined;
  const status = filter.status;
  if (!matchName && !status) return spans.slice();
  return spans.filter((s) => (!status || s.status === status) && (!matchName || matchName(s.name)));
}
