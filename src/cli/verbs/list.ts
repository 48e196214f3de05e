import { toRunQuery } from '../../analysis/runs';
import { countOption, hoursOption, statusOption, stringOption } from '../args';
import { clean, shellQuote } from '../format/text';
import { runsTable } from './runs-format';
import { toJson, type Verb } from './verb';

/** Enough to see what just happened without flooding a terminal; --limit 0 lifts it. */
export const DEFAULT_LIST_LIMIT = 50;

/** `status error, pipeline p, last 24h`: what a filter said, for empty-result and header lines. */
export function describeFilters(f: { status?: string; pipeline?: string; sinceHours?: number; name?: string }): string {
  const parts: string[] = [];
  if (f.status) parts.push(`status ${f.status}`);
  if (f.pipeline !== undefined) parts.push(`pipeline '${clean(f.pipeline)}'`);
  if (f.name !== undefined) parts.push(`name '${clean(f.name)}'`);
  if (f.sinceHours !== undefined) parts.push(`last ${f.sinceHours}h`);
  return parts.join(', ');
}

export const listVerb: Verb = {
  name: 'list',
  args: ['store'],
  options: {
    status: { type: 'string' },
    pipeline: { type: 'string' },
    'since-hours': { type: 'string' },
    limit: { type: 'string' },
  },
  summary: 'runs, newest first',
  help: `Usage: spanlens list <store> [--status S] [--pipeline P] [--since-hours H] [--limit N] [--json]

Lists runs, newest first.

Options:
  --status S        only runs with this status: ok, error, running, paused, unset
  --pipeline P      only runs of this pipeline (exact name)
  --since-hours H   only runs started in the last H hours (fractions allowed: 0.5)
  --limit N         at most N runs (default ${DEFAULT_LIST_LIMIT}; 0 = all)
  --json            print a JSON array of runs
`,
  async run(ctx) {
    const status = statusOption('list', ctx.values.status);
    const pipeline = stringOption(ctx.values.pipeline);
    const sinceHours = hoursOption('list', 'since-hours', ctx.values['since-hours']);
    const limit = countOption('list', 'limit', ctx.values.limit) ?? DEFAULT_LIST_LIMIT;
    const store = await ctx.open(ctx.positionals[0]!);
    const runs = await store.listRuns(toRunQuery({ status, pipeline, sinceHours, limit: limit === 0 ? undefined : limit }, ctx.now));
    if (ctx.json) return ctx.out(toJson(runs));
    const filters = describeFilters({ status, pipeline, sinceHours });
    if (runs.length === 0) return ctx.out(`no runs in ${clean(store.id)}${filters ? ` (${filters})` : ''}\n`);
    ctx.out(runsTable(runs));
    if (limit !== 0 && runs.length === limit) {
      ctx.out(`\nthe newest ${limit} runs — \`spanlens list ${shellQuote(store.id)} --limit 0\` shows all\n`);
    }
  },
};
