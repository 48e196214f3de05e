/**
 * Search as a plain scan over documents, no index: the reference the index is tested against
 * (same results on a generated store), and what the semantics mean in a few lines.
 */
import type { Run } from '../../model/types';
import type { SearchDoc } from '../../sources/types';
import { BIG_TABLE, type SearchOptions, type SearchResult } from './index';
import { attrNumberTest, attrTest, durOk, parseQuery, textMatcher, type ParsedQuery } from './query';
import { better, FIELD_SCORE, flattenAttributes, fold, idMatch, pairSnippet, snippetOf, type MatchField, type SearchHit } from './rank';

interface Doc {
  kind: 'run' | 'span';
  id: string;
  runId: string;
  runName: string;
  name: string;
  status: SearchDoc['status'];
  durationMs?: number;
  startMs: number;
  error?: string;
  pairs: string[];
  numbers: Array<[string, number]>;
}

export function plainSearch(
  store: string,
  format: string,
  runs: readonly Run[],
  spans: readonly SearchDoc[],
  query: string | ParsedQuery,
  opts: SearchOptions = {},
): SearchResult {
  const q = typeof query === 'string' ? parseQuery(query) : query;
  const limit = opts.limit ?? 50;
  const now = opts.now ?? Date.now();
  const out: SearchResult = { runs: [], spans: [], totalRuns: 0, totalSpans: 0, hints: q.hints };
  if (q.terms.length === 0 && q.filters.length === 0) return out;
  for (const f of q.filters) {
    if (f.kind !== 'store') continue;
    const m = textMatcher(f.pattern);
    const base = store.split(/[\\/]/).pop() ?? store;
    if (!m(fold(store)) && !m(format) && !m(fold(base))) return out;
  }
  const runInfo = new Map<string, { name: string; start: number }>();
  for (const r of runs) if (!runInfo.has(r.id)) runInfo.set(r.id, { name: r.name, start: r.startMs ?? NaN });
  const runDocs: Doc[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const d: Doc = { kind: 'run', id: r.id, runId: r.id, runName: r.name, name: r.name, status: r.status, startMs: r.startMs ?? NaN, ...flattenAttributes(r.attributes) };
    if (r.durationMs !== undefined) d.durationMs = r.durationMs;
    if (r.error) d.error = r.error;
    runDocs.push(d);
  }
  const spanDocs: Doc[] = spans.map((s) => {
    let info = runInfo.get(s.runId);
    if (!info) {
      info = { name: s.runName ?? '', start: NaN };
      runInfo.set(s.runId, info);
    }
    const d: Doc = { kind: 'span', id: s.spanId, runId: s.runId, runName: info.name, name: s.name, status: s.status, startMs: s.startMs ?? info.start, ...flattenAttributes(s.attributes) };
    if (s.durationMs !== undefined) d.durationMs = s.durationMs;
    if (s.error) d.error = s.error;
    return d;
  });
  const is = q.filters.find((f) => f.kind === 'is');
  const firstAttr = q.filters.find((f): f is Extract<typeof f, { kind: 'attr' }> => f.kind === 'attr');
  const go = (docs: Doc[]): { hits: SearchHit[]; total: number } => {
    const terms = docs.length > BIG_TABLE ? q.terms.filter((x) => x.length >= 3) : q.terms;
    if (terms.length === 0 && q.filters.length === 0) return { hits: [], total: 0 };
    const found: Array<{ d: Doc; seq: number; score: number; field: MatchField | 'filter'; term?: string; text: string; pair?: string }> = [];
    // A numeric attribute's key as first spelled in these documents (the index keeps one spelling per key).
    const numberKeys = new Map<string, string>();
    for (const doc of docs) for (const [k] of doc.numbers) if (!numberKeys.has(fold(k))) numberKeys.set(fold(k), k);
    docs.forEach((d, seq) => {
      for (const f of q.filters) {
        switch (f.kind) {
          case 'status':
            if (!f.values.includes(d.status)) return;
            break;
          case 'name':
            if (!textMatcher(f.pattern)(fold(d.name))) return;
            break;
          case 'pipeline':
            if (!textMatcher(f.pattern)(fold(d.runName))) return;
            break;
          case 'run':
            if (!textMatcher(f.pattern)(fold(d.runId))) return;
            break;
          case 'dur':
            if (!durOk(f.op, f.ms, d.durationMs ?? NaN)) return;
            break;
          case 'since':
            if (!(d.startMs >= now - f.ms)) return;
            break;
          case 'attr': {
            const test = attrTest(f);
            const testNumber = attrNumberTest(f);
            const prefix = `${f.key}=`;
            if (
              !d.pairs.some((p) => fold(p).startsWith(prefix) && test(fold(p).slice(prefix.length))) &&
              !d.numbers.some(([k, v]) => fold(k) === f.key && testNumber(v))
            ) {
              return;
            }
            break;
          }
        }
      }
      let score = 0;
      let bestScore = -1;
      let field: MatchField | 'filter' = 'filter';
      let term: string | undefined;
      let text = d.error ?? d.name;
      let pair: string | undefined;
      for (const t of terms) {
        let f: MatchField | undefined = idMatch(fold(d.id), t);
        let tx = d.id;
        if (!f && fold(d.name).includes(t)) [f, tx] = ['name', d.name];
        if (!f && d.error !== undefined && fold(d.error).includes(t)) [f, tx] = ['error', d.error];
        if (!f) {
          const p = d.pairs.find((p) => {
            const eq = p.indexOf('=');
            return fold(p).indexOf(t, eq + 1) > eq;
          });
          if (p !== undefined) [f, tx] = ['attr', p];
        }
        if (!f) return;
        score += FIELD_SCORE[f];
        if (FIELD_SCORE[f] > bestScore) {
          bestScore = FIELD_SCORE[f];
          field = f;
          term = t;
          text = tx;
        }
      }
      if (field === 'filter' && firstAttr) {
        // Filters only: the attribute the first attr. filter matched is what the hit shows.
        const test = attrTest(firstAttr);
        const testNumber = attrNumberTest(firstAttr);
        const prefix = `${firstAttr.key}=`;
        pair = d.pairs.find((p) => fold(p).startsWith(prefix) && test(fold(p).slice(prefix.length)));
        if (pair === undefined) {
          const n = d.numbers.find(([k, v]) => fold(k) === firstAttr.key && testNumber(v));
          if (n) pair = `${numberKeys.get(fold(n[0])) ?? n[0]}=${String(n[1])}`;
        }
      }
      found.push({ d, seq, score, field, term, text, pair });
    });
    found.sort((a, b) => (better(a.score, a.d.startMs, a.seq, b.score, b.d.startMs, b.seq) ? -1 : 1));
    const hits = found.slice(0, limit).map(({ d, score, field, term, text, pair }) => {
      const h: SearchHit = { kind: d.kind, store, runId: d.runId, runName: d.runName, name: d.name, status: d.status, score, field, snippet: '' };
      if (d.kind === 'span') h.spanId = d.id;
      if (d.durationMs !== undefined) h.durationMs = d.durationMs;
      if (!Number.isNaN(d.startMs)) h.startMs = d.startMs;
      Object.assign(h, pair !== undefined ? pairSnippet(pair) : snippetOf(text, term));
      return h;
    });
    return { hits, total: found.length };
  };
  if (!is || is.value === 'run') {
    const r = go(runDocs);
    out.runs = r.hits;
    out.totalRuns = r.total;
  }
  if (!is || is.value === 'span') {
    const r = go(spanDocs);
    out.spans = r.hits;
    out.totalSpans = r.total;
  }
  return out;
}
