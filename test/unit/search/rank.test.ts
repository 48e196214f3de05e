import { describe, expect, it } from 'vitest';
import { IndexBuilder } from '../../../src/analysis/search/index';
import { fold, snippetOf } from '../../../src/analysis/search/rank';
import type { Run } from '../../../src/model/types';
import type { SearchDoc } from '../../../src/sources/types';

const NOW = Date.UTC(2026, 0, 1);

function run(id: string, startMs: number): Run {
  return { id, store: 's.db', name: 'enrich', status: 'ok', rawStatus: 'completed', spanCount: 1, attributes: {}, startMs };
}

function span(runId: string, spanId: string, name: string, extra: Partial<SearchDoc> = {}): SearchDoc {
  return { runId, spanId, name, status: 'ok', attributes: {}, ...extra };
}

async function order(docs: SearchDoc[], q: string, runs: Run[] = [run('r1', NOW - 1000), run('r2', NOW)]): Promise<string[]> {
  const b = new IndexBuilder('s.db', 'flujo');
  b.addRuns(runs);
  b.addSpans(docs);
  const r = await (await b.finish()).search(q, { now: NOW });
  return r.spans.map((h) => `${h.spanId}:${h.field}`);
}

describe('search ranking', () => {
  it('an exact id beats a substring in an error message', async () => {
    const docs = [
      span('r2', 'x1', 'call_model', { status: 'error', error: 'ValueError: bad id abc123 in request' }),
      span('r1', 'abc123', 'write_output'),
    ];
    expect(await order(docs, 'abc123')).toEqual(['abc123:id-exact', 'x1:error']);
  });

  it('exact id > id prefix > id substring > name > error > attribute', async () => {
    const docs = [
      span('r2', 'q-attr', 'n', { attributes: { note: 'see abc' } }),
      span('r2', 'q-err', 'n', { error: 'abc failed' }),
      span('r2', 'q-name', 'load_abc'),
      span('r2', 'x-abc-y', 'n'),
      span('r2', 'abc-1', 'n'),
      span('r1', 'abc', 'n'),
    ];
    expect(await order(docs, 'abc')).toEqual(['abc:id-exact', 'abc-1:id-prefix', 'x-abc-y:id', 'q-name:name', 'q-err:error', 'q-attr:attr']);
  });

  it('attribute keys are not values: "note" finds nothing, the value does', async () => {
    const docs = [span('r1', 's1', 'n', { attributes: { note: 'hello' } })];
    expect(await order(docs, 'note')).toEqual([]);
    expect(await order(docs, 'hello')).toEqual(['s1:attr']);
  });

  it('newer first for ties, then the store order', async () => {
    const docs = [span('r1', 'a1', 'score_risk'), span('r2', 'a2', 'score_risk'), span('r2', 'a3', 'score_risk')];
    expect(await order(docs, 'score')).toEqual(['a2:name', 'a3:name', 'a1:name']);
  });

  it('several words add up: all must match', async () => {
    const docs = [span('r2', 's1', 'score_risk', { error: "KeyError: 'income'" }), span('r2', 's2', 'score_risk')];
    expect(await order(docs, 'score income')).toEqual(['s1:name']);
  });

  it('the snippet marks the match', () => {
    const s = snippetOf("Traceback …\n  KeyError: 'income'", 'keyerror');
    expect(s.snippet.slice(s.match![0], s.match![1])).toBe('KeyError');
    expect(fold('İx').length).toBe(2);
  });
});
