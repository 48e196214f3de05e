import { sinceHoursToMs } from '../../analysis/runs';
import { storeStats } from '../../analysis/stats';
import type { SpanSummaryQuery } from '../../sources/types';
import { STATUSES } from '../../model/types';
import { hoursOption, stringOption } from '../args';
import { formatCount, formatDuration } from '../format/duration';
import { statusLabel } from '../format/status';
import { renderTable } from '../format/table';
import { clean, truncate } from '../format/text';
import { describeFilters } from './list';
import { toJson, type Verb } from './verb';

export const statsVerb: Verb = {
  name: 'stats',
  args: ['store'],
  options: { pipeline: { type: 'string' }, 'since-hours': { type: 'string' } },
  summary: 'span counts and durations per name',
  help: `Usage: spanlens stats <store> [--pipeline P] [--since-hours H] [--json]

Span statistics over the whole store (or the runs selected): the total, the
count per status, and per span name the count, average, p50 and p95 duration.
Percentiles are nearest-rank (always a duration that occurred) over spans that
have a duration; spans still running count but have none.

Options:
  --pipeline P      only spans of runs of this pipeline (exact name)
  --since-hours H   only spans of runs started in the last H hours (default: all time)
  --json            print {"totalSpans", "byStatus": {status: count},
                    "byName": [{name, count, avgMs, p50Ms, p95Ms}]}, and for
                    waft and OTLP stores "skippedLines": lines skipped as torn
                    or not JSON
`,
  async run(ctx) {
    const pipeline = stringOption(ctx.values.pipeline);
    const sinceHours = hoursOption('stats', 'since-hours', ctx.values['since-hours']);
    const store = await ctx.open(ctx.positionals[0]!);
    const query: SpanSummaryQuery = {};
    if (pipeline !== undefined) query.pipeline = pipeline;
    const sinceMs = sinceHours === undefined ? undefined : sinceHoursToMs(sinceHours, ctx.now);
    if (sinceMs !== undefined) query.sinceMs = sinceMs;
    const stats = await storeStats(store, query);
    // Line-based stores (waft, OTLP) say how many lines they skipped; others have no such count.
    if (ctx.json) return ctx.out(toJson(store.skippedLines === undefined ? stats : { ...stats, skippedLines: store.skippedLines }));
    const filters = clean(describeFilters({ pipeline, sinceHours }));
    ctx.out(`${formatCount(stats.totalSpans)} spans in ${clean(store.id)}${filters ? ` (${filters})` : ''}\n`);
    if (stats.totalSpans === 0) return;
    ctx.out('\n');
    ctx.out(renderTable(STATUSES, [
      { header: 'status', value: (s) => statusLabel(s) },
      { header: 'spans', value: (s) => formatCount(stats.byStatus[s]), align: 'right' },
    ]));
    ctx.out('\n');
    ctx.out(renderTable(stats.byName, [
      { header: 'name', value: (n) => truncate(clean(n.name), 60) },
      { header: 'count', value: (n) => formatCount(n.count), align: 'right' },
      { header: 'avg', value: (n) => formatDuration(n.avgMs), align: 'right' },
      { header: 'p50', value: (n) => formatDuration(n.p50Ms), align: 'right' },
      { header: 'p95', value: (n) => formatDuration(n.p95Ms), align: 'right' },
    ]));
  },
};
