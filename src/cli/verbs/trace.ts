import { resolveRun } from '../../analysis/lookup';
import { computeLayout } from '../../analysis/timeline/layout';
import { buildTrace, type TraceRoot } from '../../analysis/trace';
import { UsageError } from '../context';
import { renderTimeline } from '../format/timeline';
import { renderTree } from '../format/tree';
import { runFields } from './runs-format';
import { treeToJson, type Verb } from './verb';

const DEFAULT_WIDTH = 100;

export const traceVerb: Verb = {
  name: 'trace',
  args: ['store', 'run'],
  options: { timeline: { type: 'boolean' }, 'critical-path': { type: 'boolean' }, width: { type: 'string' } },
  summary: "the run's span tree (or its timeline)",
  help: `Usage: spanlens trace <store> <run> [--timeline] [--critical-path] [--width N] [--json]

The run's spans as a tree, like \`flujo lens trace\`: status, duration and
start offset from the run's start, the error on failed spans, events under
their span. Children are in start order. A span whose parent is missing, or
that sits in a parent cycle, is shown at the top level with a note. Spans the
store did not record as spans say where they come from: "(from step history)"
on a Flujo 0.6 loop's iterations and branch (placed in time from latencies),
"(from the steps table)" on a running Flujo run's steps.

<run> is a full run id or any unique part of it.

Options:
  --timeline       draw the run as a waterfall: one line per span in tree
                   order, a bar on the run's time axis across the terminal's
                   width, and the duration
  --critical-path  mark the critical path (the chain of spans that bounds the
                   run's end, as Jaeger computes it) on the timeline (implies
                   --timeline): '*' before each span on it, its sections drawn
                   solid (█), all else light (░).
                   With --json: "criticalPath": true|false on every span
  --width N        the width to draw --timeline at (default: the terminal's,
                   or ${DEFAULT_WIDTH} when not a terminal)
  --json           print {"run": Run, "root": Span & {children}}. When the run has
                   exactly one top-level span, root is that span. Otherwise (several
                   top-level spans, orphans, a broken cycle, or no spans) root is a
                   synthetic node for the run: "synthetic": true, id/name/status/
                   durationMs of the run, the top-level spans as its children.
                   With --timeline, every span also has "selfMs": its duration
                   minus the time its children cover.
`,
  async run(ctx) {
    const store = await ctx.open(ctx.positionals[0]!);
    const run = await resolveRun(store, ctx.positionals[1]!);
    const trace = buildTrace(run, await store.getSpans(run.id));
    const timeline = ctx.values.timeline === true;
    const critical = ctx.values['critical-path'] === true;
    let width = process.stdout.columns || DEFAULT_WIDTH;
    if (typeof ctx.values.width === 'string') {
      width = Number(ctx.values.width);
      if (!Number.isInteger(width) || width < 40 || width > 1000) throw new UsageError(`spanlens trace: --width takes a number of columns from 40 to 1000, not '${ctx.values.width}'`);
    }
    if (!timeline && !critical) {
      if (ctx.json) return ctx.out(treeToJson(trace));
      ctx.out(runFields(run));
      ctx.out('\n');
      ctx.out(renderTree(trace));
      return;
    }
    // The layout is over the real spans: a synthetic root (the run itself) is not one of them.
    const roots = trace.root.synthetic ? trace.root.children : [trace.root];
    const layout = computeLayout(roots);
    if (ctx.json) {
      // The nodes are buildTrace's own copies: flags go on them, the store's spans are untouched.
      layout.spans.forEach((n, r) => {
        const o = n as TraceRoot & { criticalPath?: boolean; selfMs?: number };
        if (critical) o.criticalPath = layout.critical.onPath[r] === 1;
        if (timeline) o.selfMs = layout.self[r]!;
      });
      return ctx.out(treeToJson(trace));
    }
    ctx.out(runFields(run));
    ctx.out('\n');
    ctx.out(renderTimeline(layout, { width, critical }));
  },
};
