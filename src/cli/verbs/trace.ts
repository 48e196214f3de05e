import { resolveRun } from '../../analysis/lookup';
import { buildTrace } from '../../analysis/trace';
import { renderTree } from '../format/tree';
import { runFields } from './runs-format';
import { treeToJson, type Verb } from './verb';

export const traceVerb: Verb = {
  name: 'trace',
  args: ['store', 'run'],
  options: {},
  summary: "the run's span tree",
  help: `Usage: spanlens trace <store> <run> [--json]

The run's spans as a tree, like \`flujo lens trace\`: status, duration and
start offset from the run's start, the error on failed spans, events under
their span. Children are in start order. A span whose parent is missing, or
that sits in a parent cycle, is shown at the top level with a note. Spans the
store did not record as spans say where they come from: "(from step history)"
on a Flujo 0.6 loop's iterations and branch (placed in time from latencies),
"(from the steps table)" on a running Flujo run's steps.

<run> is a full run id or any unique part of it.

Options:
  --json   print {"run": Run, "root": Span & {children}}. When the run has
           exactly one top-level span, root is that span. Otherwise (several
           top-level spans, orphans, a broken cycle, or no spans) root is a
           synthetic node for the run: "synthetic": true, id/name/status/
           durationMs of the run, the top-level spans as its children.
`,
  async run(ctx) {
    const store = await ctx.open(ctx.positionals[0]!);
    const run = await resolveRun(store, ctx.positionals[1]!);
    const trace = buildTrace(run, await store.getSpans(run.id));
    if (ctx.json) return ctx.out(treeToJson(trace));
    ctx.out(runFields(run));
    ctx.out('\n');
    ctx.out(renderTree(trace));
  },
};
