import {
  collectFailureCandidates,
  DEFAULT_MAX_FAILED_RUNS,
  DEFAULT_SIMILARITY_THRESHOLD,
  findSimilarFailures,
  similarityPercent,
} from '../../analysis/similar';
import { countOption } from '../args';
import { UsageError } from '../context';
import { formatCount } from '../format/duration';
import { renderTable } from '../format/table';
import { clean, oneLine, truncate } from '../format/text';
import { toJson, type Verb } from './verb';

/** Rows a human table shows unless --limit says otherwise; --limit 0 lifts it. */
export const DEFAULT_SIMILAR_LIMIT = 20;

function thresholdOption(value: string | boolean | undefined): number {
  if (typeof value !== 'string') return DEFAULT_SIMILARITY_THRESHOLD;
  const t = value.trim();
  const n = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : Number(t);
  if (t === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`spanlens similar: --threshold takes a number from 0 to 1 (or a percentage: 30%), not '${value}'`);
  }
  return n;
}

export const similarVerb: Verb = {
  name: 'similar',
  args: ['store', 'error-text'],
  options: { limit: { type: 'string' }, threshold: { type: 'string' } },
  summary: 'failures like <error-text>, most similar first',
  help: `Usage: spanlens similar <store> <error-text> [--limit N] [--threshold T] [--json]

Failed runs and spans whose error is like <error-text>, most similar first, as
claude-flow's find_similar_failures finds them: Jaccard similarity of the
lower-cased word sets, above 0.3. Before comparing, what differs between two
occurrences of one failure is masked: ids (uuids, hex, quoted ids), numbers with
their unit, paths, URLs and times — so 'timeout after 30s on run 8f3a…' and
'timeout after 45s on run 91c2…' are the same failure.

The newest ${DEFAULT_MAX_FAILED_RUNS} failed runs are compared: each failed span whose failure is its own
(not a parent failing because its child did), or the run's error.

Options:
  --limit N       at most N results (default ${DEFAULT_SIMILAR_LIMIT}; 0 = all)
  --threshold T   keep similarities above T, 0 to 1 or a percentage (default ${DEFAULT_SIMILARITY_THRESHOLD})
  --json          print a JSON array of {similarity, run, span?}: similarity from
                  0 to 1 (two decimals), the run, and the failed span when the
                  match is a span's error
`,
  async run(ctx) {
    const text = ctx.positionals[1]!;
    if (text.trim() === '') throw new UsageError('spanlens similar: empty <error-text> — give the error to look for, in quotes');
    const limit = countOption('similar', 'limit', ctx.values.limit) ?? DEFAULT_SIMILAR_LIMIT;
    const threshold = thresholdOption(ctx.values.threshold);
    const store = await ctx.open(ctx.positionals[0]!);
    const candidates = await collectFailureCandidates(store);
    const all = findSimilarFailures(text, candidates, { threshold });
    const shown = limit === 0 ? all : all.slice(0, limit);
    if (ctx.json) {
      return ctx.out(toJson(shown.map((m) => (m.span ? { similarity: m.similarity, run: m.run, span: m.span } : { similarity: m.similarity, run: m.run }))));
    }
    const what = `“${truncate(clean(text.trim()), 60)}”`;
    const failedRuns = new Set(candidates.map((c) => c.run.id)).size;
    if (shown.length === 0) {
      ctx.out(
        `no failures like ${what} in ${clean(store.id)} (similarity > ${similarityPercent(threshold)}; ` +
          `${formatCount(candidates.length)} failure${candidates.length === 1 ? '' : 's'} of ${formatCount(failedRuns)} failed run${failedRuns === 1 ? '' : 's'} compared)\n`,
      );
      return;
    }
    ctx.out(`${formatCount(all.length)} failure${all.length === 1 ? '' : 's'} like ${what} in ${clean(store.id)}:\n\n`);
    ctx.out(
      renderTable(shown, [
        { header: 'similarity', value: (m) => similarityPercent(m.similarity), align: 'right' },
        { header: 'run id', value: (m) => m.run.id },
        { header: 'pipeline', value: (m) => truncate(clean(m.run.name), 30) },
        { header: 'span', value: (m) => (m.span ? truncate(clean(m.span.name), 30) : '-') },
        { header: 'error', value: (m) => oneLine(m.text, 80) },
      ]),
    );
    if (shown.length < all.length) ctx.out(`\nthe ${formatCount(shown.length)} most similar — --limit 0 shows all ${formatCount(all.length)}\n`);
  },
};
