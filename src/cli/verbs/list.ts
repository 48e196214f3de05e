import { toRunQuery } from '../../analysis/runs';
import { matchesStatusWord } from '../../model/status';
import { countOption, hoursOption, statusWordOption, stringOption } from '../args';
import { shellQuote } from '../format/text';
import { runsTable } from './runs-format';
import type { RunQuery, TraceStore } from '../../sources/types';
import { formatCount } from '../format/duration';
import { toJson, type Verb, type VerbContext } from './verb';

/** Enough to see what just happened without flooding a terminal; --limit 0 lifts it. */
export const DEFAULT_LIST_LIMIT = 50;

/** `status error, pipeline p, last 24h`: what a filter said, for empty-result and header lines. */
export function describeFilters(f: { status?: string; pipeline?: string; sinceHours?: number; name?: string }): string {
  const parts: string[] = [];
  if (f.status) parts.push(`status ${f.status}`);
  if (f.pipeline !== undefined) parts.push(`pipeline '${f.pipeline}'`);
  if (f.name !== undefined) parts.push(`name '${f.name}'`);
  if (f.sinceHours !== undefined) parts.push(`last ${f.sinceHours}h`);
  return parts.join(', ');
}

/**
 * An empty list from a store with a default window (claude-flow: 30 days): how many older runs
 * it hid and how to see them, instead of a bare "no runs".
 */
async function sayHidden(ctx: VerbContext, store: TraceStore, query: RunQuery): Promise<void> {
  const hidden = await store.hiddenByWindow!(query);
  if (hidden.count === 0) return;
  // Hours back to the oldest hidden run (rounded up to whole days), so the hint lists them all.
  const hours = Math.ceil((ctx.now - (hidden.oldestMs ?? hidden.sinceMs)) / 86_400_000 + 1) * 24;
  ctx.out(
    `${formatCount(hidden.count)} older run${hidden.count === 1 ? '' : 's'} hidden: this store lists its last ${hidden.days} days ` +
      `unless told — \`spanlens list ${shellQuote(store.id)} --since-hours ${hours}\` widens it ` +
      "(in VS Code: the connection's sinceDays in spanlens.postgres.connections)\n",
  );
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
  --status S        only runs with this status: ok, error, running, paused, unset,
                    or the store's own word (failed, completed, success, timeout, …)
  --pipeline P      only runs of this pipeline (exact name)
  --since-hours H   only runs started in the last H hours (fractions allowed: 0.5)
  --limit N         at most N runs (default ${DEFAULT_LIST_LIMIT}; 0 = all)
  --json            print a JSON array of runs
`,
  async run(ctx) {
    const statusWord = statusWordOption('list', ctx.values.status);
    const status = statusWord?.status;
    const pipeline = stringOption(ctx.values.pipeline);
    const sinceHours = hoursOption('list', 'since-hours', ctx.values['since-hours']);
    const limit = countOption('list', 'limit', ctx.values.limit) ?? DEFAULT_LIST_LIMIT;
    const store = await ctx.open(ctx.positionals[0]!);
    // A narrowing word (timeout) is one kind of its status: read them all, keep that kind, then cut.
    const narrow = statusWord?.rawWord !== undefined;
    let runs = await store.listRuns(toRunQuery({ status, pipeline, sinceHours, limit: limit === 0 || narrow ? undefined : limit }, ctx.now));
    if (narrow) {
      runs = runs.filter((r) => matchesStatusWord(statusWord!, r.status, r.rawStatus));
      if (limit !== 0) runs = runs.slice(0, limit);
    }
    if (ctx.json) return ctx.out(toJson(runs));
    const filters = describeFilters({ status: statusWord?.rawWord ?? status, pipeline, sinceHours });
    if (runs.length === 0) {
      ctx.out(`no runs in ${store.id}${filters ? ` (${filters})` : ''}\n`);
      if (sinceHours === undefined && store.hiddenByWindow) await sayHidden(ctx, store, { status, pipeline });
      return;
    }
    ctx.out(runsTable(runs));
    if (limit !== 0 && runs.length === limit) {
      ctx.out(`\nthe newest ${limit} runs — \`spanlens list ${shellQuote(store.id)} --limit 0\` shows all\n`);
    }
  },
};
