/** Search over enriched stores: the wrapper's documents, through both index paths (scan and getSpans). */
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../../src/analysis/search/search';
import { spanToDoc } from '../../../src/sources/searchDoc';
import { enrichStore } from '../../../src/sources/open';
import type { Attributes, Run, Span } from '../../../src/model/types';
import type { TraceStore } from '../../../src/sources/types';
import { memStore } from '../cli/mem-store';

const run: Run = { id: 'r1', store: 'mem', name: 'bot', status: 'ok', rawStatus: 'ok', spanCount: 1, attributes: {} };

function llmSpan(attributes: Attributes): Span {
  return { id: 's1', runId: 'r1', parentId: null, name: 'chat', status: 'ok', rawStatus: 'ok', startOffsetMs: 0, durationMs: 5, attributes, events: [] };
}

/** A long answer with its phrase deep inside, and a span crowded with attributes of its own. */
function crowded(): Span {
  const attrs: Attributes = {};
  for (let i = 0; i < 150; i++) attrs[`app.field_${String(i).padStart(3, '0')}`] = `value ${i}`;
  const answer = `${'filler words here. '.repeat(60)}the secret ingredient is cardamom${' more filler.'.repeat(40)}`;
  attrs['gen_ai.request.model'] = 'gpt-4o';
  attrs['gen_ai.usage.input_tokens'] = 5000;
  attrs['gen_ai.usage.output_tokens'] = 300;
  attrs['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: answer }] }]);
  return llmSpan(attrs);
}

/** The same store with a bulk scan (as the OTLP and Flujo readers have) and without (getSpans per run). */
function stores(span: Span, hide = false): TraceStore[] {
  const plain = memStore('mem', [run], [span]);
  const scanning: TraceStore = { ...plain, scanSpans: async (onBatch) => onBatch([spanToDoc(run, span)]) };
  return [enrichStore(plain, { hideLlmContent: () => hide }), enrichStore(scanning, { hideLlmContent: () => hide })];
}

describe('search over LLM spans', () => {
  it('finds a phrase deep in a long completion, and llm.* filters on a span with 150 attributes of its own', async () => {
    for (const store of stores(crowded())) {
      const ix = await buildIndex(store);
      expect((await ix.search('"secret ingredient is cardamom"')).totalSpans).toBe(1);
      expect((await ix.search('attr.llm.model=gpt-4o')).totalSpans).toBe(1);
      expect((await ix.search('attr.llm.total_tokens>=5300')).totalSpans).toBe(1);
      expect((await ix.search('attr.llm.total_tokens>5300')).totalSpans).toBe(0);
    }
  });

  it('filters on the store\'s cost, never a guessed one', async () => {
    for (const store of stores(llmSpan({ 'llm.model_name': 'm', 'llm.cost.total': 0.25, 'openinference.span.kind': 'LLM' }))) {
      const ix = await buildIndex(store);
      expect((await ix.search('attr.llm.cost_usd>0.2')).totalSpans).toBe(1);
    }
    for (const store of stores(crowded())) {
      expect((await (await buildIndex(store)).search('attr.llm.cost_usd')).totalSpans).toBe(0);
    }
  });

  it('hidden content is not indexed, facts are', async () => {
    for (const store of stores(crowded(), true)) {
      const ix = await buildIndex(store);
      expect((await ix.search('cardamom')).totalSpans).toBe(0);
      expect((await ix.search('attr.llm.model=gpt-4o')).totalSpans).toBe(1);
    }
  });
});

describe('enrichStore', () => {
  it('passes every other member through to the reader, live (a getter, a method it alone has, an absent scan)', async () => {
    class Reader {
      #lines = 0;
      readonly id = 'mem';
      readonly format = 'otlp' as const;
      get skippedLines(): number {
        return this.#lines;
      }
      tear(): void {
        this.#lines++;
      }
      async listRuns(): Promise<Run[]> {
        return [run];
      }
      async getSpans(): Promise<Span[]> {
        return [crowded()];
      }
    }
    const reader = new Reader();
    const store = enrichStore(reader as unknown as TraceStore);
    (store as unknown as Reader).tear();
    expect(store.skippedLines).toBe(1);
    expect(store.scanSpans).toBeUndefined();
    expect((await store.listRuns())[0]!.id).toBe('r1');
    expect((await store.getSpans('r1'))[0]!.llm?.model).toBe('gpt-4o');
  });
});
