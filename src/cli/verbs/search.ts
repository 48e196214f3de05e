import { buildIndex, parseQuery } from '../../analysis/search/search';
import { FIELD_WORD, type SearchHit } from '../../analysis/search/rank';
import { countOption } from '../args';
import { UsageError } from '../context';
import { formatCount, formatDuration, formatTime } from '../format/duration';
import { statusMark } from '../format/status';
import { renderTable } from '../format/table';
import { clean, oneLine } from '../format/text';
import { toJson, type Verb } from './verb';

const DEFAULT_LIMIT = 20;

export const searchVerb: Verb = {
  name: 'search',
  args: ['store', 'query'],
  options: { limit: { type: 'string' } },
  summary: 'runs and spans by id, name, error text or attribute',
  help: `Usage: spanlens search <store> "<query>" [--limit N] [--json]

Searches the store's runs and spans as Spanlens: Search Traces does in VS Code:
by id (any part of it), name, error text and attribute value. Results are
grouped (runs, spans), best first: an exact id, then an id prefix, an id
substring, a name, an error, an attribute value; newer first for ties.

Query: free text (every word must match; "quotes" keep a phrase) plus filters:
  status:error        ok, error, running, paused, unset (status:error,running)
  name:score_*        span or run name; * and ? are wildcards, else a substring
  pipeline:enrich     the run's (pipeline's) name
  run:0a85            the run's id
  store:flujo         the store's path or format
  dur>500ms           also dur>=, dur<, dur<=; units ms, s, m, h
  since:24h           started in the last 30m, 24h, 7d, 2w
  attr.KEY=VALUE      an attribute's value (exact, * wildcards); attr.KEY:text
                      a substring; attr.KEY alone: the attribute is present
  attr.llm.model=gpt-4o*  an LLM call's model; also attr.llm.provider,
                      attr.llm.input_tokens, .output_tokens, .total_tokens,
                      .cache_read_tokens, .reasoning_tokens and .cost_usd with
                      >, >=, <, <= (attr.llm.total_tokens>1000); message text
                      is found as free text (and in attr.llm.input / .output)
  is:run / is:span    one group only
A filter that is not understood is reported as a hint, never an error.

Options:
  --limit N   results per group (default ${DEFAULT_LIMIT})
  --json      print {query, runs, spans, totalRuns, totalSpans, hints}
`,
  async run(ctx) {
    const text = ctx.positionals[1]!;
    const limit = countOption('search', 'limit', ctx.values.limit) ?? DEFAULT_LIMIT;
    const query = parseQuery(text);
    if (query.terms.length === 0 && query.filters.length === 0) {
      const why = query.hints.length > 0 ? ` (${query.hints.join('; ')})` : '';
      throw new UsageError(`spanlens search: empty query${why} — give text to look for or a filter such as status:error`);
    }
    const store = await ctx.open(ctx.positionals[0]!);
    // Searched once and dropped: no run versions (they only serve updating an index).
    const index = await buildIndex(store, { updatable: false });
    const r = await index.search(query, { limit, now: ctx.now });
    if (ctx.json) {
      return ctx.out(toJson({ query: { text, terms: query.terms, filters: query.filters }, ...r }));
    }
    for (const h of r.hints) ctx.out(`hint: ${clean(h)}\n`);
    if (r.totalRuns === 0 && r.totalSpans === 0) {
      ctx.out(`no runs or spans match '${clean(text)}' in ${clean(store.id)}\n`);
      return;
    }
    const group = (title: string, hits: SearchHit[], total: number): void => {
      if (total === 0) return;
      ctx.out(`${title} (${formatCount(hits.length)}${total > hits.length ? ` of ${formatCount(total)}` : ''})\n`);
      ctx.out(
        renderTable(
          hits,
          [
            { header: '', value: (h) => statusMark(h.status) },
            { header: 'name', value: (h) => oneLine(h.name || '(no name)', 40) },
            { header: anySpan(hits) ? 'run / span' : 'run', value: (h) => (h.spanId ? `${h.runId} / ${h.spanId}` : h.runId) },
            { header: 'duration', value: (h) => formatDuration(h.durationMs), align: 'right' },
            { header: 'started', value: (h) => formatTime(h.startMs) },
            { header: 'matched', value: (h) => matched(h) },
          ],
          '  ',
        ),
      );
    };
    group('Runs', r.runs, r.totalRuns);
    if (r.totalRuns > 0 && r.totalSpans > 0) ctx.out('\n');
    group('Spans', r.spans, r.totalSpans);
  },
};

function anySpan(hits: SearchHit[]): boolean {
  return hits.some((h) => h.spanId !== undefined);
}


/** `error: …KeyError: 'income'…` with the match in «» (terminals have no highlight we can rely on). */
function matched(h: SearchHit): string {
  const s = h.match ? `${h.snippet.slice(0, h.match[0])}«${h.snippet.slice(h.match[0], h.match[1])}»${h.snippet.slice(h.match[1])}` : h.snippet;
  const w = FIELD_WORD[h.field];
  return oneLine(w ? `${w}: ${s}` : s, 100);
}
