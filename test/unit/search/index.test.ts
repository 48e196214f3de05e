import { beforeAll, describe, expect, it } from 'vitest';
import { IndexBuilder, type SearchIndex } from '../../../src/analysis/search/index';
import { plainSearch } from '../../../src/analysis/search/plain';
import { generate, NOW } from './gen';

function build(runs: ReturnType<typeof generate>['runs'], docs: ReturnType<typeof generate>['docs'], batch = 97): Promise<SearchIndex> {
  const b = new IndexBuilder('/data/gen/flujo_ops.db', 'flujo');
  b.addRuns(runs);
  for (let i = 0; i < docs.length; i += batch) b.addSpans(docs.slice(i, i + batch));
  return b.finish();
}

const QUERIES = [
  'keyerror', "KeyError: 'income'", 'score', 'score_risk', 'call_', 'run_', 'LoopStep', 'loopstep step', 'income', 'gpt',
  'status:error', 'status:error name:call_*', 'name:score_*', 'pipeline:enrich', 'dur>500ms', 'dur<=100 status:ok', 'since:24h',
  'since:2d status:running', 'attr.flujo.step.type=LoopStep', 'attr.nested.model:income', 'attr.tags=a, risk', 'attr.success=true',
  'attr.nested.model', 'is:run keyerror', 'is:span', 'store:flujo', 'store:gen status:error', 'store:postgres', 'run:a', 'x', 'ä', 'ÄÖÜ',
  'value error', '"empty response"', 'true', 'foo:bar', 'zzzz',
  'attr.latency_s>0.5', 'attr.latency_s<=0.1 status:error', 'attr.latency_s>=0.25 name:score_*', 'attr.latency_s<abc', 'attr.latency_s>',
  'attr.success=true attr.latency_s<0.05', 'attr.latency_s:0.12', '0.12',
];

describe('search index against a plain scan', () => {
  const { runs, docs } = generate(60, 40);
  let ix: SearchIndex;
  beforeAll(async () => {
    ix = await build(runs, docs);
  });

  it.each(QUERIES)('same results: %s', async (q) => {
    for (const limit of [5, 1000]) {
      const a = await ix.search(q, { limit, now: NOW });
      const b = plainSearch('/data/gen/flujo_ops.db', 'flujo', runs, docs, q, { limit, now: NOW });
      expect(a).toEqual(b);
    }
  });

  it('a hit found by filters alone shows the attribute an attr. filter matched, its value set off', async () => {
    const n = await ix.search('attr.latency_s>0.5 is:span', { limit: 3, now: NOW });
    expect(n.spans.length).toBe(3);
    for (const h of n.spans) {
      expect(h.field).toBe('filter');
      expect(h.snippet).toMatch(/^latency_s=0\.\d+/);
      expect(Number(h.snippet.slice(h.match![0], h.match![1]))).toBeGreaterThan(0.5);
    }
    const t = await ix.search('status:error attr.flujo.step.type=LoopStep', { limit: 1, now: NOW });
    expect(t.spans[0]).toMatchObject({ snippet: 'flujo.step.type=LoopStep', match: [16, 24] });
  });

  it('the generated store has matches for most queries (the comparison means something)', async () => {
    let nonEmpty = 0;
    for (const q of QUERIES) {
      const r = await ix.search(q, { limit: 5, now: NOW });
      if (r.totalRuns + r.totalSpans > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(QUERIES.length - 8);
  });

  it('a run id prefix (from a span id that embeds it) also agrees on every id fragment', async () => {
    for (const d of docs.slice(0, 200)) {
      const frag = d.spanId.slice(2, 7);
      const a = await ix.search(frag, { limit: 20, now: NOW });
      const b = plainSearch('/data/gen/flujo_ops.db', 'flujo', runs, docs, frag, { limit: 20, now: NOW });
      expect(a).toEqual(b);
    }
  });

  it('a big table (trigram filter, short words ignored) agrees with the plain scan', async () => {
    const big = generate(2600, 40, 7);
    expect(big.docs.length).toBeGreaterThan(100_000);
    const bix = await build(big.runs, big.docs, 5000);
    for (const q of ['keyerror', 'score_risk', 'loopstep', big.docs[1234]!.spanId.slice(1, 9), big.runs[77]!.id, 'status:error name:call_*', 'ab', 'attr.flujo.step.id=' + String(big.docs[99]!.attributes['flujo.step.id'])]) {
      const a = await bix.search(q, { limit: 30, now: NOW });
      const b = plainSearch('/data/gen/flujo_ops.db', 'flujo', big.runs, big.docs, q, { limit: 30, now: NOW });
      expect({ ...a, hints: [] }).toEqual({ ...b, hints: [] });
    }
    expect((await bix.search('ab', { now: NOW })).hints).toContain('words under 3 characters are ignored in a store this big');
  }, 120_000);

  it('a stale query is cancelled', async () => {
    const big = generate(2600, 40, 3);
    const bix = await build(big.runs, big.docs, 5000);
    const ac = new AbortController();
    const p = bix.search('status:ok', { signal: ac.signal, now: NOW });
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  }, 120_000);
});
