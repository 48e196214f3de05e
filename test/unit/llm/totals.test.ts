import { describe, expect, it } from 'vitest';
import { formatTokens, llmSummary, llmTotals, totalsSummary } from '../../../src/analysis/llmTotals';
import { formatUsd } from '../../../src/model/format';
import { spanDescription } from '../../../src/extension/format';
import type { LlmCall } from '../../../src/model/llm';
import type { Span } from '../../../src/model/types';

const call = (over: Partial<LlmCall>): LlmCall => ({ input: [], output: [], ...over });

describe('LLM totals and one-line summaries', () => {
  it('sums tokens and the recorded costs over a run; no cost when none is recorded', () => {
    const t = llmTotals([
      { llm: call({ model: 'a', usage: { inputTokens: 100, outputTokens: 20 }, costUsd: 0.001 }) },
      {},
      { llm: call({ model: 'b', usage: { totalTokens: 900 } }) },
      { llm: call({ model: 'a', usage: { inputTokens: 5 }, costUsd: 0.0025 }) },
    ])!;
    expect(t).toEqual({ calls: 3, inputTokens: 105, outputTokens: 20, totalTokens: 1025, costUsd: 0.0035, models: ['a', 'b'] });
    expect(totalsSummary(t)).toBe('3 LLM calls · 1,025 tok · $0.0035');
    expect(llmTotals([{}, {}])).toBeUndefined();
    expect(totalsSummary(llmTotals([{ llm: call({}) }])!)).toBe('1 LLM call');
  });

  it('formats tokens and costs compactly', () => {
    expect([formatTokens(999), formatTokens(12_345), formatTokens(2_500_000), formatTokens(25_000_000)]).toEqual(['999 tok', '12k tok', '2.5M tok', '25M tok']);
    expect([formatUsd(0.0042), formatUsd(1), formatUsd(12.345), formatUsd(0)]).toEqual(['$0.0042', '$1.00', '$12.35', '$0.00']);
  });

  it('a span row says its model and tokens; a tool span its tool; a failure keeps its error type first', () => {
    const base: Span = { id: 's', runId: 'r', parentId: null, name: 'chat', status: 'ok', rawStatus: 'ok', startOffsetMs: 0, durationMs: 820, attributes: {}, events: [] };
    expect(spanDescription({ ...base, llm: call({ model: 'gpt-4o-mini', usage: { inputTokens: 1200, outputTokens: 30 } }) })).toBe('820 ms · gpt-4o-mini · 1,230 tok');
    expect(llmSummary(call({ tools: [{ name: 'get_weather' }] }))).toBe('tool get_weather');
    expect(spanDescription({ ...base, status: 'error', error: { type: 'RateLimitError', message: 'x' }, llm: call({ model: 'm' }) })).toBe('820 ms · RateLimitError');
  });
});
