/**
 * The pass per dialect, on attributes and events written by hand to each convention's text
 * where no library running here writes that form: the current GenAI spec's system instructions,
 * tool_call_response parts, cache/reasoning usage, the operation-details event and tool spans;
 * the older per-message events; OpenLLMetry's flattened gen_ai.prompt.N with input tool calls
 * (fixtures.test.ts reads what its JS package 0.22 writes); Flujo's agent.* events (flujo/agents/wrapper.py);
 * claude-flow's plain keys. And hostile input.
 */
import { describe, expect, it } from 'vitest';
import { extractLlm, hideContent } from '../../../src/enrich/llm';
import { MAX_MESSAGES, MAX_MESSAGE_CHARS } from '../../../src/enrich/llm/values';
import type { Attributes, SpanEvent } from '../../../src/model/types';

const span = (attributes: Attributes, events: SpanEvent[] = []) => ({ attributes, events });

describe('OpenTelemetry GenAI, current conventions', () => {
  const input = [
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { temp: 18 } }] },
  ];
  const output = [{ role: 'assistant', parts: [{ type: 'text', content: 'It is 18 °C.' }], finish_reason: 'stop' }];
  const usage = {
    'gen_ai.usage.input_tokens': 120,
    'gen_ai.usage.output_tokens': 30,
    'gen_ai.usage.cache_read.input_tokens': 100,
    'gen_ai.usage.cache_creation.input_tokens': 20,
    'gen_ai.usage.reasoning.output_tokens': 12,
  };

  it('reads messages, system instructions, tool calls and their responses, usage', () => {
    const llm = extractLlm(
      span({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-x',
        'gen_ai.response.model': 'claude-x-2026',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
        'gen_ai.input.messages': JSON.stringify(input),
        'gen_ai.output.messages': JSON.stringify(output),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usage,
      }),
    )!;
    expect(llm).toEqual({
      operation: 'chat',
      provider: 'anthropic',
      model: 'claude-x-2026',
      system: 'Be brief.',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
        { role: 'tool', content: '{"temp":18}', toolCallId: 'c1' },
      ],
      output: [{ role: 'assistant', content: 'It is 18 °C.' }],
      usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 100, cacheCreationTokens: 20, reasoningTokens: 12 },
      finishReasons: ['stop'],
    });
  });

  it('reads the gen_ai.client.inference.operation.details event (structured values)', () => {
    const llm = extractLlm(
      span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' }, [
        {
          name: 'gen_ai.client.inference.operation.details',
          attributes: { 'gen_ai.input.messages': input, 'gen_ai.output.messages': output, 'gen_ai.system_instructions': [{ type: 'text', content: 'S' }] },
        },
      ]),
    )!;
    expect(llm.system).toBe('S');
    expect(llm.input).toHaveLength(3);
    expect(llm.output[0]!.content).toBe('It is 18 °C.');
  });

  it('reads a tool execution span', () => {
    const llm = extractLlm(
      span({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'c1',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
        'gen_ai.tool.call.result': '{"temp":18}',
      }),
    )!;
    expect(llm).toEqual({
      operation: 'execute_tool',
      input: [],
      output: [],
      tools: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}', result: '{"temp":18}' }],
    });
  });

  it('reads the older per-message events and gen_ai.system', () => {
    const llm = extractLlm(
      span({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.prompt_tokens': 9, 'gen_ai.usage.completion_tokens': 4 }, [
        { name: 'gen_ai.system.message', attributes: { content: 'Be brief.' } },
        { name: 'gen_ai.user.message', attributes: { content: 'Hi' } },
        { name: 'gen_ai.assistant.message', attributes: { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] } },
        { name: 'gen_ai.tool.message', attributes: { content: 'ok', id: 'c1' } },
        { name: 'gen_ai.choice', attributes: { index: 0, finish_reason: 'stop', message: { content: 'Hello!' } } },
      ]),
    )!;
    expect(llm.provider).toBe('openai');
    expect(llm.input).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: 'ok', toolCallId: 'c1' },
    ]);
    expect(llm.output).toEqual([{ role: 'assistant', content: 'Hello!' }]);
    expect(llm.finishReasons).toEqual(['stop']);
    expect(llm.usage).toEqual({ inputTokens: 9, outputTokens: 4 });
  });
});

describe('OpenLLMetry, flattened prompts', () => {
  it('reads gen_ai.prompt.N / gen_ai.completion.N with tool calls, in index order (10 after 2)', () => {
    const a: Attributes = {
      'llm.request.type': 'chat',
      'gen_ai.system': 'OpenAI',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.prompt_tokens': 50,
      'gen_ai.usage.completion_tokens': 7,
      'llm.usage.total_tokens': 57,
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.finish_reason': 'tool_calls',
      'gen_ai.completion.0.tool_calls.0.id': 'c9',
      'gen_ai.completion.0.tool_calls.0.name': 'lookup',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"q":1}',
    };
    for (let i = 0; i <= 10; i++) {
      a[`gen_ai.prompt.${i}.role`] = i === 0 ? 'system' : 'user';
      a[`gen_ai.prompt.${i}.content`] = `m${i}`;
    }
    const llm = extractLlm(span(a))!;
    expect(llm.input.map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10']);
    expect(llm.input[0]!.role).toBe('system');
    expect(llm.output).toEqual([{ role: 'assistant', content: '', toolCalls: [{ id: 'c9', name: 'lookup', arguments: '{"q":1}' }] }]);
    expect(llm).toMatchObject({ operation: 'chat', provider: 'OpenAI', model: 'gpt-4o', finishReasons: ['tool_calls'] });
    expect(llm.usage).toEqual({ inputTokens: 50, outputTokens: 7, totalTokens: 57 });
  });
});

describe('OpenInference', () => {
  it('reads content parts, cost and a TOOL span', () => {
    const llm = extractLlm(
      span({
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'llm.provider': 'openai',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.contents.0.message_content.type': 'text',
        'llm.input_messages.0.message.contents.0.message_content.text': 'part one',
        'llm.input_messages.0.message.contents.1.message_content.text': 'part two',
        'llm.cost.total': 0.0042,
      }),
    )!;
    expect(llm.input).toEqual([{ role: 'user', content: 'part one\n\npart two' }]);
    expect(llm.costUsd).toBe(0.0042);
    const tool = extractLlm(span({ 'openinference.span.kind': 'TOOL', 'tool.name': 'search', 'input.value': '{"q":"x"}', 'output.value': 'found' }))!;
    expect(tool.tools).toEqual([{ name: 'search', arguments: '{"q":"x"}', result: 'found' }]);
  });

  it('a CHAIN span with no model or messages is no LLM call', () => {
    expect(extractLlm(span({ 'openinference.span.kind': 'CHAIN', 'input.value': 'x' }))).toBeUndefined();
  });
});

describe('Flujo', () => {
  // As flujo/agents/wrapper.py records an agent step (two attempts) and manager.py its budget.
  const events: SpanEvent[] = [
    { name: 'agent.system', attributes: { model_id: 'openai:gpt-4o', attempt: 1, system_prompt_preview: 'You summarize tickets.' } },
    { name: 'agent.input', attributes: { model_id: 'openai:gpt-4o', attempt: 1, input_preview: 'ticket 7: printer on fire' } },
    { name: 'agent.response', attributes: { model_id: 'openai:gpt-4o', attempt: 1, response_preview: 'Printer fire.', response_full: 'Printer fire. Call facilities.' } },
    { name: 'agent.usage', attributes: { input_tokens: 40, output_tokens: 8, cost_usd: 0.001 } },
    { name: 'agent.usage', attributes: { input_tokens: 41, output_tokens: 9, cost_usd: 0.002 } },
  ];

  it('reads the agent events: system, prompt, response (full over preview), usage summed over attempts', () => {
    const llm = extractLlm(span({ 'flujo.step.type': 'Step', step_input: 'x', 'flujo.budget.actual_tokens': 98, 'flujo.budget.actual_cost_usd': 0.003 }, events))!;
    expect(llm).toEqual({
      provider: 'openai',
      model: 'openai:gpt-4o',
      system: 'You summarize tickets.',
      input: [{ role: 'user', content: 'ticket 7: printer on fire' }],
      output: [{ role: 'assistant', content: 'Printer fire. Call facilities.' }],
      usage: { inputTokens: 81, outputTokens: 17, totalTokens: 98 },
      costUsd: 0.003,
    });
  });

  it('a step with budget keys at 0 is no LLM call; one that spent tokens is (its step_input is no prompt)', () => {
    expect(extractLlm(span({ step_input: 'x', 'flujo.budget.actual_tokens': 0, 'flujo.budget.actual_cost_usd': 0 }))).toBeUndefined();
    expect(extractLlm(span({ step_input: 'x', 'flujo.budget.actual_tokens': 12, 'flujo.budget.actual_cost_usd': 0.5 }))).toEqual({
      input: [],
      output: [],
      usage: { totalTokens: 12 },
      costUsd: 0.5,
    });
  });

  it("a step-history row (Flujo's steps table) gives its token_counts and cost_usd, in Flujo stores only", () => {
    const row: Attributes = { 'spanlens.source': 'steps', step_index: 2, token_counts: 640, cost_usd: 0.0031, output: 'done' };
    expect(extractLlm(span(row), { format: 'flujo' })).toEqual({ input: [], output: [], usage: { totalTokens: 640 }, costUsd: 0.0031 });
    expect(extractLlm(span({ ...row, token_counts: 0, cost_usd: 0 }), { format: 'flujo' })).toBeUndefined();
    expect(extractLlm(span(row), { format: 'otlp' })).toBeUndefined();
  });

  it('agent.prompt history stands for the prompt when there is no agent.input', () => {
    const llm = extractLlm(span({}, [{ name: 'agent.prompt', attributes: { rendered_history: 'user: summarize ticket 7' } }]))!;
    expect(llm.input).toEqual([{ role: 'user', content: 'user: summarize ticket 7' }]);
  });
});

describe('claude-flow', () => {
  it('reads plain model/tokens/cost keys, only from claude-flow stores', () => {
    const a: Attributes = { model: 'claude-sonnet', input_tokens: 10, output_tokens: 5, cost_usd: 0.01, prompt: 'hi', response: 'hello' };
    expect(extractLlm(span(a))).toBeUndefined();
    expect(extractLlm(span(a), { format: 'claude-flow' })).toEqual({
      model: 'claude-sonnet',
      input: [{ role: 'user', content: 'hi' }],
      output: [{ role: 'assistant', content: 'hello' }],
      usage: { inputTokens: 10, outputTokens: 5 },
      costUsd: 0.01,
    });
    expect(extractLlm(span({ user: 'alice', metadata: { model: 'opus', tokens_used: 900 } }), { format: 'claude-flow' })).toMatchObject({
      model: 'opus',
      usage: { totalTokens: 900 },
    });
    expect(extractLlm(span({ name: 'parse', status: 'ok' }), { format: 'claude-flow' })).toBeUndefined();
  });
});

describe('hostile input', () => {
  it('JSON nested 100,000 deep is not parsed and does not throw', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const llm = extractLlm(span({ 'gen_ai.request.model': 'm', 'gen_ai.input.messages': deep, 'gen_ai.output.messages': '{"role":' }))!;
    expect(llm).toEqual({ model: 'm', input: [], output: [] });
  });

  it('a structured value nested 100,000 deep (an OTLP kvlist) is skipped too', () => {
    let v: Attributes = {};
    const root = v;
    for (let i = 0; i < 100_000; i++) {
      const next: Attributes = {};
      v['x'] = next;
      v = next;
    }
    const llm = extractLlm(span({ 'gen_ai.request.model': 'm' }, [{ name: 'gen_ai.client.inference.operation.details', attributes: { 'gen_ai.input.messages': root } }]))!;
    expect(llm.input).toEqual([]);
    const content = extractLlm(span({ 'gen_ai.request.model': 'm', 'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: root }] }] }))!;
    expect(content.input).toEqual([]); // the whole value is too deep to read
  });

  it('a huge message is cut and marked; a huge list of messages is capped', () => {
    const big = 'x'.repeat(MAX_MESSAGE_CHARS + 10);
    const llm = extractLlm(span({ 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: big }] }]) }))!;
    expect(llm.input[0]!.content).toHaveLength(MAX_MESSAGE_CHARS);
    expect(llm.input[0]!.truncated).toBe(true);
    const many = Array.from({ length: MAX_MESSAGES + 50 }, () => ({ role: 'user', parts: [{ type: 'text', content: 'a' }] }));
    expect(extractLlm(span({ 'gen_ai.input.messages': JSON.stringify(many) }))!.input).toHaveLength(MAX_MESSAGES);
    const flat: Attributes = {};
    for (let i = 0; i < MAX_MESSAGES + 50; i++) flat[`gen_ai.prompt.${i}.content`] = 'a';
    flat['gen_ai.prompt.99999999999999.content'] = 'index too long';
    expect(extractLlm(span(flat))!.input).toHaveLength(MAX_MESSAGES);
  });

  it('wrong types everywhere are ignored, not thrown on', () => {
    const llm = extractLlm(
      span({
        'gen_ai.request.model': 42,
        'gen_ai.input.messages': JSON.stringify([null, 3, 'text', { role: 7, parts: 'no' }, { parts: [null, 5, { type: 'tool_call' }] }]),
        'gen_ai.usage.input_tokens': 'lots',
        'gen_ai.usage.output_tokens': '12',
        'gen_ai.response.finish_reasons': '["stop", 3]',
      }),
    )!;
    expect(llm.model).toBeUndefined();
    expect(llm.usage).toEqual({ outputTokens: 12 });
    expect(llm.finishReasons).toEqual(['stop']);
    expect(llm.input.map((m) => m.role)).toEqual(['unknown', 'unknown']);
    expect(llm.input[1]!.toolCalls).toEqual([{ name: '(unnamed tool)' }]);
  });
});

describe('hideContent', () => {
  it('empties texts, arguments and results, and the source attributes and events', () => {
    const s = {
      attributes: { 'gen_ai.prompt.0.content': 'secret', 'gen_ai.prompt.0.role': 'user', 'gen_ai.request.model': 'm' } as Attributes,
      events: [{ name: 'agent.input', attributes: { input_preview: 'secret', model_id: 'm' } }],
    };
    const llm = extractLlm(s)!;
    const hidden = hideContent({ ...s, llm });
    expect(JSON.stringify(hidden)).not.toContain('secret');
    expect(hidden.attributes['gen_ai.prompt.0.role']).toBe('user');
    expect(hidden.events[0]!.attributes['model_id']).toBe('m');
    expect(hidden.llm.input).toEqual([{ role: 'user', content: '' }]);
  });
});
