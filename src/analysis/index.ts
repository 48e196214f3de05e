// One import path for the surfaces (CLI, extension) over the engine's analysis.
export { buildSpanTree, detachedParent, walkTree, PARENT_MISSING_ATTR, PARENT_CYCLE_ATTR, type DetachedParent } from './tree';
export { buildTrace, type Trace, type TraceRoot } from './trace';
export { resolveRun, noRunMatches, AmbiguousRunError, MAX_CANDIDATES_SHOWN } from './lookup';
export { filterSpans, nameMatcher, type SpanFilter } from './spans';
export { computeStats, nearestRank, type NameStats, type SpanStats } from './stats';
export { sinceHoursToMs, toRunQuery, filterRuns, type RunFilter } from './runs';
