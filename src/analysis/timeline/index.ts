// The trace timeline's engine: layout (tree order, depth, self time, critical path), its compact
// encoding for the webview, and the in-trace filter.
export { computeLayout, type TimelineLayout } from './layout';
export { criticalPath, type CriticalSections } from './criticalPath';
export { selfTimes } from './selfTime';
export { encodeTimeline, errorFirstLine, storeLabel, type TimelineData, type TimelineRunInfo } from './encode';
export { matchRows, type TimelineMatches } from './match';
