import { noRunMatches } from '../../analysis/lookup';
import { UsageError } from '../context';
import { formatCount } from '../format/duration';
import { clean, shellQuote } from '../format/text';
import { runFields, runsTable } from './runs-format';
import { toJson, type Verb } from './verb';

/** Rows of a human `get` table; --json always lists every match. */
const MAX_ROWS = 50;

export const getVerb: Verb = {
  name: 'get',
  args: ['store', 'partial-id'],
  options: {},
  summary: 'runs whose id contains <partial-id>',
  help: `Usage: spanlens get <store> <partial-id> [--json]

Finds runs by any part of their id (case-insensitive substring; an exact id
matches only itself), as \`flujo lens get\` does. One match: its summary.
Several: a table of them, to pick a longer id from. None: an error, exit 2.

Options:
  --json   print a JSON array of the matching runs
`,
  async run(ctx) {
    const partial = ctx.positionals[1]!.trim();
    if (partial === '') throw new UsageError('spanlens get: empty <partial-id> — give part of a run id');
    const store = await ctx.open(ctx.positionals[0]!);
    const runs = await store.findRuns(partial);
    if (runs.length === 0) throw noRunMatches(store.id, partial);
    if (ctx.json) return ctx.out(toJson(runs));
    const s = shellQuote(store.id);
    if (runs.length === 1) {
      const id = shellQuote(runs[0]!.id);
      ctx.out(runFields(runs[0]!));
      ctx.out(`\nspanlens show ${s} ${id}   ·   spanlens trace ${s} ${id}\n`);
      return;
    }
    ctx.out(`${formatCount(runs.length)} runs match '${clean(partial)}' — give more of the id to pick one:\n\n`);
    ctx.out(runsTable(runs.slice(0, MAX_ROWS)));
    if (runs.length > MAX_ROWS) ctx.out(`… and ${formatCount(runs.length - MAX_ROWS)} more (--json lists all)\n`);
  },
};
