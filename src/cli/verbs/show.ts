import { resolveRun } from '../../analysis/lookup';
import { PARENT_CYCLE_ATTR, PARENT_MISSING_ATTR } from '../../analysis/tree';
import type { Span } from '../../model/types';
import { formatCount, formatDuration, formatOffset } from '../format/duration';
import { statusLabel, statusMark } from '../format/status';
import { renderTable } from '../format/table';
import { clean, cleanLines, shortId, truncate } from '../format/text';
import { errorLine } from '../format/tree';
import { runFields } from './runs-format';
import { toJson, type Verb } from './verb';

/** The flat span table of `show` and `spans`: start order, short ids, one-line errors. */
export function spansTable(spans: readonly Span[], withIndex: boolean): string {
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
export function errorDetails(spans: readonly Span[]): string {
  const failed = spans.filter((s) => s.error);
  if (failed.length === 0) return '';
  const out: string[] = [`Errors (${failed.length}):`];
  for (const s of failed) {
    const e = s.error!;
    out.push('', `${statusMark(s.status)} ${clean(s.name)}  span ${clean(s.id)}`);
    if (e.type) out.push(`    type: ${clean(e.type)}`);
    for (const l of cleanLines(e.message)) out.push(`    ${l}`.trimEnd());
    if (e.stack && e.stack.trim() !== e.message.trim()) for (const l of cleanLines(e.stack)) out.push(`    ${l}`.trimEnd());
  }
  return out.join('\n') + '\n';
}

export const showVerb: Verb = {
  name: 'show',
  args: ['store', 'run'],
  options: {},
  summary: 'the run and all its spans',
  help: `Usage: spanlens show <store> <run> [--json]

The run's summary and attributes, every span in start order, then the full
error text (tracebacks included) of each failed span.

<run> is a full run id or any unique part of it.

Options:
  --json   print {"run": Run, "spans": Span[]}
`,
  async run(ctx) {
    const store = await ctx.open(ctx.positionals[0]!);
    const run = await resolveRun(store, ctx.positionals[1]!);
    const spans = await store.getSpans(run.id);
    if (ctx.json) return ctx.out(toJson({ run, spans }));
    ctx.out(runFields(run, { attributes: true }));
    if (spans.length === 0) return ctx.out('\nno spans recorded for this run\n');
    ctx.out(`\n${formatCount(spans.length)} spans:\n`);
    ctx.out(spansTable(spans, true));
    const details = errorDetails(spans);
    if (details) ctx.out(`\n${details}`);
  },
};
