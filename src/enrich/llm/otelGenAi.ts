import { pushAll } from '../../model/arrays';
/**
 * OpenTelemetry GenAI semantic conventions: the current attributes (`gen_ai.input.messages` …
 * as JSON, `gen_ai.provider.name`, usage incl. cache and reasoning), the same on the event
 * `gen_ai.client.inference.operation.details`, tool execution spans (`gen_ai.tool.*`), and the
 * older forms still emitted: `gen_ai.system`, one event per message (`gen_ai.user.message` …,
 * `gen_ai.choice`), and `gen_ai.content.prompt`/`completion` events holding OpenAI-style JSON.
 */
import type { LlmMessage, LlmToolCall } from '../../model/llm';
import type { Attributes, SpanEvent } from '../../model/types';
import type { Draft } from './draft';
import { fromGenAiMessage, fromOpenAiMessage, message, messageList } from './messages';
import { MAX_MESSAGES, argText, contentText, firstNum, firstStr, isRecord, str, strList, structured } from './values';

export const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

const INPUT_TOKENS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'];
const OUTPUT_TOKENS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'];
const CACHE_READ = ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'];
const CACHE_CREATION = ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens'];
const REASONING = ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'];
const TOTAL = ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens'];
/** Not in the conventions; some SDKs record a cost beside usage. Read, never computed. */
const COST = ['gen_ai.usage.cost', 'gen_ai.usage.cost_usd', 'gen_ai.cost.usd'];

/** Messages, system instructions and usage from one attribute set (the span's or the details event's). */
function readAttributes(d: Draft, a: Attributes): void {
  if (d.input.length === 0) d.input = messageList(structured(a['gen_ai.input.messages']), fromGenAiMessage);
  if (d.output.length === 0) d.output = messageList(structured(a['gen_ai.output.messages']), fromGenAiMessage);
  if (d.system === undefined) {
    const si = a['gen_ai.system_instructions'];
    const parsed = structured(si);
    const text = parsed !== undefined ? contentText(parsed) : typeof si === 'string' ? si : '';
    if (text !== '') d.system = text;
  }
  d.operation ??= firstStr(a, ['gen_ai.operation.name']);
  d.provider ??= firstStr(a, ['gen_ai.provider.name', 'gen_ai.system']);
  d.model ??= firstStr(a, ['gen_ai.response.model', 'gen_ai.request.model']);
  const u = d.usage;
  u.inputTokens ??= firstNum(a, INPUT_TOKENS);
  u.outputTokens ??= firstNum(a, OUTPUT_TOKENS);
  u.cacheReadTokens ??= firstNum(a, CACHE_READ);
  u.cacheCreationTokens ??= firstNum(a, CACHE_CREATION);
  u.reasoningTokens ??= firstNum(a, REASONING);
  u.totalTokens ??= firstNum(a, TOTAL);
  d.costUsd ??= firstNum(a, COST);
  d.finishReasons ??= strList(a['gen_ai.response.finish_reasons']);
}

/** A tool execution span (`execute_tool`, or any span naming `gen_ai.tool.name`). */
function readTool(d: Draft, a: Attributes): void {
  const name = str(a['gen_ai.tool.name']);
  if (name === undefined) return;
  const t: LlmToolCall = { name };
  const id = str(a['gen_ai.tool.call.id']);
  if (id !== undefined) t.id = id;
  const args = argText(a['gen_ai.tool.call.arguments']);
  if (args !== undefined) t.arguments = args;
  const result = argText(a['gen_ai.tool.call.result']);
  if (result !== undefined) t.result = result;
  d.tools ??= [t];
}

/** The per-message events of the older conventions, in event order. */
function readMessageEvents(d: Draft, events: readonly SpanEvent[]): void {
  const input: LlmMessage[] = [];
  const output: LlmMessage[] = [];
  for (const e of events) {
    if (input.length + output.length >= MAX_MESSAGES) break;
    const a = e.attributes;
    switch (e.name) {
      case 'gen_ai.system.message':
      case 'gen_ai.user.message':
      case 'gen_ai.assistant.message':
      case 'gen_ai.tool.message': {
        const role = e.name.slice('gen_ai.'.length, -'.message'.length);
        const m = fromOpenAiMessage({
          role: str(a['role']) ?? role,
          content: structured(a['content']) ?? a['content'],
          tool_calls: structured(a['tool_calls']) ?? a['tool_calls'],
          tool_call_id: a['id'],
        });
        if (m) input.push(m);
        break;
      }
      case 'gen_ai.choice': {
        const msg = structured(a['message']) ?? a['message'];
        const m = isRecord(msg) ? fromOpenAiMessage({ role: 'assistant', ...msg }) : message('assistant', contentText(a['content'] ?? msg));
        if (m) output.push(m);
        const fr = str(a['finish_reason']);
        if (fr !== undefined) (d.finishReasons ??= []).push(fr);
        break;
      }
      case 'gen_ai.content.prompt': {
        const v = a['gen_ai.prompt'];
        const parsed = structured(v);
        pushAll(input, (parsed !== undefined ? messageList(parsed, fromOpenAiMessage) : typeof v === 'string' ? [message('user', v)] : []));
        break;
      }
      case 'gen_ai.content.completion': {
        const v = a['gen_ai.completion'];
        const parsed = structured(v);
        pushAll(output, (parsed !== undefined ? messageList(parsed, fromOpenAiMessage) : typeof v === 'string' ? [message('assistant', v)] : []));
        break;
      }
    }
  }
  if (d.input.length === 0) d.input = input;
  if (d.output.length === 0) d.output = output;
}

export function readOtelGenAi(d: Draft, attributes: Attributes, events: readonly SpanEvent[]): void {
  readAttributes(d, attributes);
  readTool(d, attributes);
  for (const e of events) if (e.name === DETAILS_EVENT) readAttributes(d, e.attributes);
  readMessageEvents(d, events);
}
