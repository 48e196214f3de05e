import { CHANGE_KINDS, DEFAULT_MIN_DELTA_MS, DEFAULT_THRESHOLD_PCT, diffRuns, isRunIdPair, type DiffRow, type DiffSide, type RunDiff } from '../../analysis/diff/align';
import { resolveRun } from '../../analysis/lookup';
import type { AttributeValue } from '../../model/types';
import { stringOption } from '../args';
import { UsageError } from '../context';
import { formatDuration, formatTime } from '../format/duration';
import { statusMark } from '../format/status';
import { renderTable } from '../format/table';
import { clean, truncate } from '../format/text';
import { formatValue } from '../format/tree';
import type { Verb } from './verb';

/** Rows shown by default; a bigger diff shows its changed rows and their ancestors (--all: every row). */
const MAX_ROWS_SHOWN = 200;
const MAX_INDENT = 32;

export const diffVerb: Verb = {
  name: 'diff',
  args: ['store', 'runA', 'runB'],
  options: {
    'store-b': { type: 'string' },
    threshold: { type: 'string' },
    'min-ms': { type: 'string' },
    all: { type: 'boolean' },
  },
  summary: 'what changed between two runs, span by span',
  help: `Usage: spanlens diff <store> <runA> <runB> [--store-b STORE] [--threshold PCT] [--min-ms MS] [--all] [--json]

Compares two runs — typically the last one that worked (A) and one that failed
(B): their span trees aligned by the path of names from the root (the k-th of
same-named siblings, such as loop iterations, with the k-th; the roots with
each other whatever their names), each span marked

  same      in both, same status, duration within the threshold
  added     only in B          removed   only in A
  status    its status changed (ok → error …)
  slower    B took longer by more than the threshold; faster: the reverse

A summary comes first: the runs' statuses and durations, the first divergence,
counts per change, the biggest time changes, and the attributes (input, output
…) that changed on the changed spans. Runs are full or partial ids.

Options:
  --store-b STORE  B is a run of this store (same format or not)
  --threshold PCT  slower/faster past this share of A's duration (default ${DEFAULT_THRESHOLD_PCT})
  --min-ms MS      … and past this many milliseconds (default ${DEFAULT_MIN_DELTA_MS})
  --all            every row; by default a diff over ${MAX_ROWS_SHOWN} rows shows the changed
                   ones and the spans above them
  --json           print {a: Run, b: Run, summary, rows: [{path, name, occurrence,
                   depth, change, a?: {spanId, status, rawStatus, startOffsetMs,
                   durationMs?, error?}, b?: …, deltaMs?, renamedFrom?,
                   errorChanged?, attributes?: {changed: {key: [a, b]}}}]}
`,
  async run(ctx) {
    const thresholdPct = numberOption('threshold', stringOption(ctx.values.threshold));
    const minDeltaMs = numberOption('min-ms', stringOption(ctx.values['min-ms']));
    const storeA = await ctx.open(ctx.positionals[0]!);
    const storeBTarget = stringOption(ctx.values['store-b']);
    const storeB = storeBTarget === undefined ? storeA : await ctx.open(storeBTarget);
    const a = await resolveRun(storeA, ctx.positionals[1]!);
    const b = await resolveRun(storeB, ctx.positionals[2]!);
    const diff = diffRuns(a, await storeA.getSpans(a.id), b, await storeB.getSpans(b.id), {
      ...(thresholdPct === undefined ? {} : { thresholdPct }),
      ...(minDeltaMs === undefined ? {} : { minDeltaMs }),
    });
    if (ctx.json) {
      ctx.out(`${JSON.stringify({ a: diff.a, b: diff.b, summary: summaryJson(diff), rows: diff.rows }, null, 2)}\n`);
      return;
    }
    ctx.out(renderDiff(diff, ctx.values.all === true));
  },
};

function numberOption(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`spanlens diff: --${flag} takes a number ≥ 0, not '${clean(v)}'`);
  return n;
}

/** The summary with rows named by path instead of repeated whole. */
function summaryJson(d: RunDiff): Record<string, unknown> {
  const ref = (r: DiffRow): Record<string, unknown> => ({ path: r.path, occurrence: r.occurrence, change: r.change, ...(r.deltaMs !== undefined ? { deltaMs: r.deltaMs } : {}) });
  const s = d.summary;
  return {
    counts: s.counts,
    ...(s.firstDivergence ? { firstDivergence: ref(s.firstDivergence) } : {}),
    statusChanges: s.statusChanges.map(ref),
    biggestTimeChanges: s.biggestTimeChanges.map(ref),
    runs: s.runs,
  };
}

function label(r: DiffRow): string {
  const n = clean(r.name);
  return r.occurrence > 1 ? `${n} #${r.occurrence}` : n;
}

function pathLabel(r: DiffRow): string {
  return truncate(r.path.map(clean).join(' › ') + (r.occurrence > 1 ? ` #${r.occurrence}` : ''), 110);
}

function sideCell(s: DiffSide | undefined): string {
  if (!s) return '';
  return `${statusMark(s.status)} ${s.status} ${formatDuration(s.durationMs)}`;
}

function delta(ms: number | undefined, base: number | undefined): string {
  if (ms === undefined) return '';
  const sign = ms > 0 ? '+' : ms < 0 ? '-' : '±';
  const pct = base !== undefined && base > 0 ? ` (${ms > 0 ? '+' : ''}${Math.round((ms / base) * 100)}%)` : '';
  return `${sign}${formatDuration(Math.abs(ms))}${pct}`;
}

function value(v: AttributeValue): string {
  return truncate(clean(v === null ? '–' : formatValue(v)), 40);
}

export function renderDiff(d: RunDiff, all: boolean): string {
  const out: string[] = [];
  const run = (tag: string, r: RunDiff['a']): string =>
    `${tag}  ${clean(r.id)}  ${clean(r.name)}  ${statusMark(r.status)} ${r.status}  ${formatDuration(r.durationMs)}  ${formatTime(r.startMs)}${r.error ? `  ${truncate(clean(r.error), 80)}` : ''}`;
  out.push(run('A', d.a), run('B', d.b));
  const s = d.summary;
  const runLine = [`${statusMark(d.a.status)} ${d.a.status}${s.runs.statusChanged ? ` → ${statusMark(d.b.status)} ${d.b.status}` : ''}`];
  if (s.runs.deltaMs !== undefined) runLine.push(delta(s.runs.deltaMs, d.a.durationMs));
  out.push(`Run: ${runLine.join(', ')}`, '');
  if (s.firstDivergence) {
    const f = s.firstDivergence;
    const what = f.change === 'status' ? `${f.a!.status} → ${f.b!.status}` : f.change === 'same' ? 'error text changed' : f.change;
    const err = f.b?.error ?? f.a?.error;
    out.push(`First divergence: ${pathLabel(f)}  ${what}${err ? `  ${truncate(clean(err), 80)}` : ''}`);
  } else {
    out.push('No divergence: same spans, same statuses, durations within the threshold.');
  }
  out.push(`Changes: ${CHANGE_KINDS.filter((k) => k !== 'same').map((k) => `${s.counts[k]} ${k}`).join(', ')}, ${s.counts.same} same`);
  if (s.biggestTimeChanges.length > 0) {
    out.push('Biggest time changes:');
    for (const r of s.biggestTimeChanges) out.push(`  ${truncate(label(r), 48).padEnd(48)}  ${delta(r.deltaMs, r.a?.durationMs).padEnd(16)}  ${formatDuration(r.a?.durationMs)} → ${formatDuration(r.b?.durationMs)}`);
  }
  const changedAttrs = d.rows.filter((r) => r.attributes && r.change !== 'same').slice(0, 10);
  if (changedAttrs.length > 0) {
    out.push('Changed attributes of changed spans:');
    for (const r of changedAttrs) {
      // A run's own id differs in every run: not a change worth a line.
      const entries = Object.entries(r.attributes!.changed).filter(([, [av, bv]]) => !isRunIdPair(d, av, bv));
      const shown = entries.slice(0, 5).map(([k, [av, bv]]) => `${clean(k)}: ${value(av)} → ${value(bv)}`);
      out.push(`  ${truncate(label(r), 40)}  ${shown.join('; ')}${entries.length > 5 ? `; … ${entries.length - 5} more` : ''}`);
    }
  }
  out.push('');
  let rows = d.rows;
  let note = '';
  if (!all && rows.length > MAX_ROWS_SHOWN) {
    // Changed rows and the rows above them: where the changes are, without the unchanged bulk.
    const keep = new Set<number>();
    const stackByDepth: number[] = [];
    rows.forEach((r, i) => {
      stackByDepth[r.depth] = i;
      stackByDepth.length = r.depth + 1;
      if (r.change !== 'same' || r.errorChanged) for (const j of stackByDepth) keep.add(j);
    });
    rows = rows.filter((_, i) => keep.has(i));
    note = `(${d.rows.length - rows.length} unchanged rows not shown; --all shows every row)\n`;
  }
  const table = renderTable(rows, [
    { header: 'change', value: (r) => (r.errorChanged && r.change === 'same' ? 'error' : r.change), align: 'right' },
    { header: 'span', value: (r) => `${'  '.repeat(Math.min(r.depth, MAX_INDENT))}${label(r)}${r.renamedFrom !== undefined ? ` (was ${clean(r.renamedFrom)})` : ''}` },
    { header: 'a', value: (r) => sideCell(r.a) },
    { header: 'b', value: (r) => sideCell(r.b) },
    { header: 'Δ', value: (r) => delta(r.deltaMs, r.a?.durationMs), align: 'right' },
    { header: 'error', value: (r) => truncate(clean(r.b?.error ?? r.a?.error ?? ''), 60) },
  ]);
  return `${out.join('\n')}\n${table}${note}`;
}
