/**
 * The pass over spans written by real instrumentation libraries (test/fixtures/llm_write.mjs):
 * OpenLLMetry JS, OpenInference JS and the OpenTelemetry openai instrumentation around the real
 * openai client, each reading one tool-calling conversation through openStore's wrapper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../../src/analysis/search/search';
import type { Span } from '../../../src/model/types';
import { openStore } from '../../../src/sources/open';
import type { TraceStore } from '../../../src/sources/types';
import { makeLlmFiles, type LlmManifest } from './helpers';

let fx: ReturnType<typeof makeLlmFiles>;
let m: LlmManifest;
const stores: TraceStore[] = [];

beforeAll(() => {
  fx = makeLlmFiles();
  m = fx.m;
});
afterAll(async () => {
  for (const s of stores) await s.close();
  fx?.cleanup();
});

async function llmSpans(file: string, hide = false): Promise<Span[]> {
  const store = await openStore(file, { hideLlmContent: () => hide });
  stores.push(store);
  const runs = await store.listRuns();
  expect(runs).toHaveLength(1);
  const spans = await store.getSpans(runs[0]!.id);
  expect(spans.find((s) => s.name === 'agent.turn')?.llm).toBeUndefined();
  // The two calls, in start order: the tool call, then the answer.
  return spans.filter((s) => s.llm !== undefined).sort((a, b) => a.startOffsetMs - b.startOffsetMs);
}

describe('OpenLLMetry JS (@traceloop/instrumentation-openai): current GenAI JSON attributes', () => {
  it('reads both calls as a conversation with the tool call and its result', async () => {
    const [first, second] = await llmSpans(m.files.openllmetry);
    expect(first!.llm).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      input: [
        { role: 'system', content: m.system },
        { role: 'user', content: m.question },
      ],
      output: [{ role: 'assistant', content: '', toolCalls: [{ id: 'call_weather_1', name: 'get_weather' }] }],
      usage: { inputTokens: 71, outputTokens: 17, totalTokens: 88 },
      finishReasons: ['tool_call'],
    });
    expect(JSON.parse(first!.llm!.output[0]!.toolCalls![0]!.arguments!)).toEqual(JSON.parse(m.toolArgs));
    const input = second!.llm!.input;
    expect(input.map((x) => x.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(input[3]).toMatchObject({ role: 'tool', toolCallId: 'call_weather_1' });
    expect(JSON.parse(input[3]!.content)).toEqual(JSON.parse(m.toolResult));
    expect(second!.llm!.output).toEqual([{ role: 'assistant', content: m.answer }]);
    expect(second!.llm!.costUsd).toBeUndefined(); // not recorded: never guessed
  });
});

describe('OpenLLMetry JS 0.22 (@traceloop/instrumentation-openai): flattened gen_ai.prompt.N / gen_ai.completion.N', () => {
  it('reads the prompts, the completion with its tool call, and usage', async () => {
    const [first, second] = await llmSpans(m.files['openllmetry-0.22']);
    expect(first!.llm).toEqual({
      operation: 'chat',
      provider: 'OpenAI',
      model: 'gpt-4o-mini-2024-07-18',
      input: [
        { role: 'system', content: m.system },
        { role: 'user', content: m.question },
      ],
      output: [{ role: 'assistant', content: '', toolCalls: [{ name: 'get_weather', arguments: m.toolArgs }] }],
      usage: { inputTokens: 71, outputTokens: 17, totalTokens: 88 },
      finishReasons: ['tool_calls'],
    });
    // It records neither the input's tool calls nor the tool turn's call id; its "null" content is no text.
    expect(second!.llm!.input.slice(2)).toEqual([
      { role: 'assistant', content: '' },
      { role: 'tool', content: m.toolResult },
    ]);
    expect(second!.llm!.output).toEqual([{ role: 'assistant', content: m.answer }]);
  });
});

describe('OpenInference JS (@arizeai/openinference-instrumentation-openai)', () => {
  it('reads flattened llm.input_messages / llm.output_messages, tool calls and token counts', async () => {
    const [first, second] = await llmSpans(m.files.openinference);
    expect(first!.llm).toMatchObject({
      operation: 'llm',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      input: [
        { role: 'system', content: m.system },
        { role: 'user', content: m.question },
      ],
      output: [{ role: 'assistant', content: '', toolCalls: [{ id: 'call_weather_1', name: 'get_weather', arguments: m.toolArgs }] }],
      usage: { inputTokens: 71, outputTokens: 17, totalTokens: 88 },
    });
    expect(second!.llm!.input[3]).toEqual({ role: 'tool', content: m.toolResult, toolCallId: 'call_weather_1' });
    expect(second!.llm!.output).toEqual([{ role: 'assistant', content: m.answer }]);
    expect(second!.llm!.usage).toEqual({ inputTokens: 96, outputTokens: 21, totalTokens: 117, cacheReadTokens: 64, reasoningTokens: 5 });
  });
});

describe('OpenTelemetry JS (@opentelemetry/instrumentation-openai): GenAI spans without content', () => {
  it('reads operation, the older gen_ai.system provider, model, usage and finish reasons', async () => {
    const [first, second, third] = await llmSpans(m.files['otel-genai']);
    expect(first!.llm).toEqual({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      input: [],
      output: [],
      usage: { inputTokens: 71, outputTokens: 17 },
      finishReasons: ['tool_calls'],
    });
    expect(second!.llm!.usage).toEqual({ inputTokens: 96, outputTokens: 21 });
    // A Responses API call: the current gen_ai.provider.name, its instructions as plain-text system instructions.
    expect(third!.llm).toEqual({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      system: m.system,
      input: [],
      output: [],
      usage: { inputTokens: 40, outputTokens: 15 },
      finishReasons: ['stop'],
    });
  });
});

describe('the privacy setting', () => {
  it('hides content in llm and in the attributes it came from; roles, tools and tokens stay', async () => {
    const [, second] = await llmSpans(m.files.openllmetry, true);
    const llm = second!.llm!;
    expect(llm.contentHidden).toBe(true);
    expect(llm.input.map((x) => [x.role, x.content])).toEqual([
      ['system', ''],
      ['user', ''],
      ['assistant', ''],
      ['tool', ''],
    ]);
    expect(llm.input[2]!.toolCalls).toEqual([{ id: 'call_weather_1', name: 'get_weather' }]);
    expect(llm.usage?.inputTokens).toBe(96);
    expect(second!.attributes['gen_ai.input.messages']).toBe('[hidden]');
    expect(JSON.stringify(second)).not.toContain('Paris');
  });
});

describe('search over an enriched store', () => {
  it('finds prompt and completion text and filters on llm.model, tokens and cost', async () => {
    for (const file of [m.files.openllmetry, m.files.openinference]) {
      const store = await openStore(file);
      stores.push(store);
      const index = await buildIndex(store);
      const text = await index.search('"light jacket"');
      expect(text.spans.map((h) => h.name)).toHaveLength(1);
      expect((await index.search('attr.llm.model=gpt-4o-mini*')).totalSpans).toBe(2);
      const big = await index.search('attr.llm.total_tokens>100');
      expect(big.totalSpans).toBe(1);
      expect(big.spans[0]!.snippet).toContain('117');
      expect((await index.search('attr.llm.input_tokens>=71 attr.llm.output_tokens<20')).totalSpans).toBe(1);
      expect((await index.search('attr.llm.cost_usd')).totalSpans).toBe(0);
    }
  });

  it('indexes no content while it is hidden', async () => {
    const store = await openStore(m.files.openinference, { hideLlmContent: () => true });
    stores.push(store);
    const index = await buildIndex(store);
    expect((await index.search('jacket')).totalSpans).toBe(0);
    expect((await index.search('attr.llm.total_tokens>100')).totalSpans).toBe(1);
  });
});
