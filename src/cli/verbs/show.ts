import { resolveRun } from '../../analysis/lookup';
import { PARENT_CYCLE_ATTR, PARENT_MISSING_ATTR } from '../../analysis/tree';
import type { Span } from '../../model/types';
import { conversations } from '../format/conversation';
import { formatCount, formatDuration, formatOffset } from '../format/duration';
import { statusLabel, statusMark } from '../format/status';
import { renderTable } from '../format/table';
import { clean, cleanLines, shortId, truncate } from '../format/text';
import { errorLine } from '../format/tree';
import { withWorkspaceSources, workspaceSources } from '../workspace';
import { runFields } from './runs-format';
import { toJson, type Verb } from './verb';

/** `pipelines/enrich.py:24`, `src/a.ts:3:7`, `steps.py:10 (guess)`; '' without a source. */
export function sourceCell(s: Span): string {
  const src = s.source;
  if (!src) return '';
  return `${clean(src.path)}:${src.line}${src.column !== undefined ? `:${src.column}` : ''}${src.guess ? ' (guess)' : ''}`;
}

/** The flat span table of `show` and `spans`: start order, short ids, one-line errors; a source column on request. */
export function spansTable(spans: readonly Span[], withIndex: boolean, opts: { source?: boolean } = {}): string {
  const index = new Map(spans.map((s, i) => [s, i + 1]));
  return renderTable(spans, [
    ...(withIndex ? [{ header: '#', value: (s: Span) => String(index.get(s)), align: 'right' as const }] : []),
    { header: 'start', value: (s) => formatOffset(s.startOffsetMs), align: 'right' },
    { header: 'duration', value: (s) => formatDuration(s.durationMs), align: 'right' },
    { header: 'status', value: (s) => statusLabel(s.status) },
    { header: 'name', value: (s) => truncate(clean(s.name), 60) },
    { header: 'span', value: (s) => shortId(s.id) },
    { header: 'parent', value: (s) => parentCell(s) },
    { header: 'error', value: (s) => (s.error ? errorLine(s.error, 60) : '') },
    ...(opts.source ? [{ header: 'source', value: (s: Span) => truncate(sourceCell(s), 70) }] : []),
  ]);
}

/** The parent's short id; for a span cut loose from its stored parent, that parent and why. */
function parentCell(s: Span): string {
  if (s.parentId !== null && s.parentId !== undefined) return shortId(s.parentId);
  const missing = s.attributes[PARENT_MISSING_ATTR];
  if (typeof missing === 'string') return `${shortId(missing)} (missing)`;
  const cycle = s.attributes[PARENT_CYCLE_ATTR];
  if (typeof cycle === 'string') return `${shortId(cycle)} (cycle)`;
  return '-';
}

/** Full error text of failed spans, tracebacks included: what the table cut to one line. */
export function errorDetails(spans: readonly Span[], withSource = false): string {
  const failed = spans.filter((s) => s.error);
  if (failed.length === 0) return '';
  const out: string[] = [`Errors (${failed.length}):`];
  for (const s of failed) {
    const e = s.error!;
    out.push('', `${statusMark(s.status)} ${clean(s.name)}  span ${clean(s.id)}`);
    if (e.type) out.push(`    type: ${clean(e.type)}`);
    if (withSource && s.source) out.push(`    source: ${sourceCell(s)}`);
    for (const l of cleanLines(e.message)) out.push(`    ${l}`.trimEnd());
    if (e.stack && e.stack.trim() !== e.message.trim()) for (const l of cleanLines(e.stack)) out.push(`    ${l}`.trimEnd());
  }
  return out.join('\n') + '\n';
}

export const showVerb: Verb = {
  name: 'show',
  args: ['store', 'run'],
  options: { workspace: { type: 'string' }, full: { type: 'boolean' } },
  summary: 'the run and all its spans',
  help: `Usage: spanlens show <store> <run> [--workspace DIR] [--full] [--json]

The run's summary and attributes, every span in start order, then the full
error text (tracebacks included) of each failed span, then the run's LLM
calls as conversations: model, tokens and cost, then each turn ([system],
[user], [assistant] with its tool calls, [tool]), read from OpenTelemetry
GenAI, OpenLLMetry, OpenInference or Flujo attributes. Set
SPANLENS_HIDE_CONTENT=1 to print roles and tokens without message text.

<run> is a full run id or any unique part of it.

Options:
  --workspace DIR  locate each span in DIR, a checkout of the code that ran:
                   from code.* attributes, the innermost frame of your code in
                   its stack trace, a file:line in its attributes, or (marked
                   "guess") the definition of a step of that name. Paths
                   recorded elsewhere (/home/ci/project/app/x.py) match files
                   of DIR by their longest common suffix. Adds a source column,
                   and "source": {path, line, column?, guess?} (path relative
                   to DIR, '/'-separated) to spans in --json.
  --full           print LLM messages whole (default: 12 lines of each)
  --json           print {"run": Run, "spans": Span[]}; an LLM span has "llm":
                   {operation, provider, model, input, output, system, tools,
                   usage, costUsd, finishReasons}
`,
  async run(ctx) {
    const dir = typeof ctx.values.workspace === 'string' ? ctx.values.workspace : undefined;
    // Checked before the store is read: a typo in DIR is the cheaper mistake to report.
    const ws = dir === undefined ? undefined : workspaceSources(dir);
    const store = await ctx.open(ctx.positionals[0]!);
    const run = await resolveRun(store, ctx.positionals[1]!);
    let spans = await store.getSpans(run.id);
    if (ws) spans = withWorkspaceSources(spans, ws);
    if (ctx.json) return ctx.out(toJson({ run, spans }));
    ctx.out(runFields(run, { attributes: true }));
    if (spans.length === 0) return ctx.out('\nno spans recorded for this run\n');
    ctx.out(`\n${formatCount(spans.length)} spans:\n`);
    ctx.out(spansTable(spans, true, { source: ws !== undefined }));
    const details = errorDetails(spans, ws !== undefined);
    if (details) ctx.out(`\n${details}`);
    const talk = conversations(spans, ctx.values.full === true);
    if (talk) ctx.out(`\n${talk}`);
  },
};
