import { describe, expect, inject, it } from 'vitest';
import { buildIndex, spanToDoc } from '../../../src/analysis/search/search';
import { plainSearch } from '../../../src/analysis/search/plain';
import { openStore } from '../../../src/sources/open';
import type { SearchDoc } from '../../../src/sources/types';
import { sampleStore, NOW } from '../cli/mem-store';
import { expectUserError, runCli } from '../cli/run-cli';

function cli(argv: string[]) {
  const store = sampleStore();
  return runCli(argv, { now: () => NOW, open: async () => store });
}

describe('spanlens search', () => {
  it('--json: {query, runs, spans, totals, hints}, best first', async () => {
    const r = await cli(['search', 'mem.db', 'KeyError', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { runs: Array<{ runId: string; field: string }>; spans: Array<{ spanId: string; field: string; snippet: string; match: [number, number] }>; totalSpans: number; hints: string[] };
    expect(j.runs.map((h) => [h.runId, h.field])).toEqual([['run_aaa222', 'error']]);
    expect(j.spans[0]).toMatchObject({ spanId: 'r2b', field: 'error' });
    expect(j.spans[0]!.snippet.slice(j.spans[0]!.match[0], j.spans[0]!.match[1])).toBe('KeyError');
    expect(j.hints).toEqual([]);
  });

  it('human output: grouped, with the match marked, --limit per group', async () => {
    const r = await cli(['search', 'mem.db', 'status:ok', '--limit', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Runs \(2\)$/m);
    expect(r.stdout).toMatch(/^Spans \(2 of \d+\)/m);
    const ids = await cli(['search', 'mem.db', 'r2b']);
    expect(ids.stdout).toContain('id: «r2b»');
  });

  it('a filter it does not understand is a hint, not an error', async () => {
    const r = await cli(['search', 'mem.db', 'KeyError foo:bar']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^hint: unknown filter 'foo:' ignored/);
    expect(r.stdout).toContain('score_risk');
  });

  it('no match is not an error; an empty query is', async () => {
    const r = await cli(['search', 'mem.db', 'nothing-like-this']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no runs or spans match/);
    expect(expectUserError(await cli(['search', 'mem.db', '  ']))).toMatch(/empty query/);
    expect(expectUserError(await cli(['search', 'mem.db']))).toMatch(/missing <query>/);
    expect(expectUserError(await cli(['search', 'mem.db', 'x', '--limit', 'many']))).toMatch(/--limit/);
  });
});

describe('search over a real Flujo store (scanSpans)', () => {
  it("finds the failing span's error text and agrees with a plain scan of getSpans", async () => {
    const store = await openStore(inject('flujoStore'));
    try {
      const m = inject('flujoManifest');
      const ix = await buildIndex(store);
      const runs = await store.listRuns();
      const docs: SearchDoc[] = [];
      for (const run of runs) for (const s of await store.getSpans(run.id)) docs.push(spanToDoc(run, s));
      expect(ix.spanCount).toBe(docs.length);
      const r = await ix.search('KeyError income', { limit: 100 });
      const failed = r.spans.find((h) => h.runId === m.scenarios.failedTraceback);
      expect(failed).toMatchObject({ name: 'score_risk', status: 'error', field: 'error' });
      // Span ids, names and statuses as getSpans reads them (the strange run's repaired ids aside).
      for (const q of ['KeyError', 'status:error', 'name:call_*', 'attr.flujo.step.type=LoopStep', 'empty response']) {
        const a = await ix.search(q, { limit: 1000 });
        const b = plainSearch(store.id, store.format, runs, docs, q, { limit: 1000 });
        const key = (h: { runId: string; spanId?: string }) => `${h.runId}/${h.spanId ?? ''}`;
        const strange = m.scenarios.strange;
        expect(a.spans.filter((h) => h.runId !== strange).map(key).sort()).toEqual(b.spans.filter((h) => h.runId !== strange).map(key).sort());
        expect(a.runs.map(key)).toEqual(b.runs.map(key));
      }
      const cancelled = new AbortController();
      cancelled.abort();
      await expect(buildIndex(store, { signal: cancelled.signal })).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await store.close();
    }
  });
});
