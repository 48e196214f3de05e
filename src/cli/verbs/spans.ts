import { resolveRun } from '../../analysis/lookup';
import { filterSpans } from '../../analysis/spans';
import { matchesStatusWord } from '../../model/status';
import { statusWordOption, stringOption } from '../args';
import { formatCount } from '../format/duration';
import { clean } from '../format/text';
import { describeFilters } from './list';
import { spansTable } from './show';
import { toJson, type Verb } from './verb';

export const spansVerb: Verb = {
  name: 'spans',
  args: ['store', 'run'],
  options: { status: { type: 'string' }, name: { type: 'string' } },
  summary: "the run's spans, filtered by status or name",
  help: `Usage: spanlens spans <store> <run> [--status S] [--name N] [--json]

The run's spans in start order, optionally filtered.

<run> is a full run id or any unique part of it.

Options:
  --status S   only spans with this status: ok, error, running, paused, unset,
               or the store's own word (failed, completed, success, timeout, …)
  --name N     only spans whose name contains N (case-insensitive); with a *,
               N is a glob over the whole name: 'agent.*', '*_step'
  --json       print a JSON array of spans
`,
  async run(ctx) {
    const statusWord = statusWordOption('spans', ctx.values.status);
    const status = statusWord?.status;
    const name = stringOption(ctx.values.name);
    const store = await ctx.open(ctx.positionals[0]!);
    const run = await resolveRun(store, ctx.positionals[1]!);
    const all = await store.getSpans(run.id);
    const spans = filterSpans(all, { status, name }).filter((s) => !statusWord || matchesStatusWord(statusWord, s.status, s.rawStatus));
    if (ctx.json) return ctx.out(toJson(spans));
    const filters = clean(describeFilters({ status: statusWord?.rawWord ?? status, name }));
    const head = `${formatCount(spans.length)} of ${formatCount(all.length)} spans in run ${clean(run.id)}${filters ? ` (${filters})` : ''}`;
    if (spans.length === 0) return ctx.out(`${head}\n`);
    ctx.out(`${head}:\n\n`);
    ctx.out(spansTable(spans, false));
  },
};
