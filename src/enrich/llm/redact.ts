/**
 * The privacy setting: an LLM span's message content hidden everywhere — in `llm` and in the
 * attributes and events it was read from — while roles, structure, model and tokens stay.
 */
import type { LlmCall, LlmMessage } from '../../model/llm';
import type { AttributeValue, Attributes, SpanEvent } from '../../model/types';

export const HIDDEN = '[hidden]';

const CONTENT_KEYS = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.prompt',
  'gen_ai.completion',
  'input.value',
  'output.value',
  'tool.parameters',
  'llm.prompts',
  'llm.invocation_parameters',
  'step_input',
  'output',
  'prompt',
  'response',
  'completion',
  // inside events
  'content',
  'message',
  'tool_calls',
  'system_prompt_preview',
  'system_prompt_full',
  'input_preview',
  'input_full',
  'response_preview',
  'response_full',
  'rendered_history',
]);

/** Flattened forms: gen_ai.prompt.0.content, llm.input_messages.0.message.contents.1.message_content.text, … */
const FLAT_CONTENT = [
  /^gen_ai\.(prompt|completion)\.\d+\.(content|tool_calls\.\d+\.arguments)$/,
  /^llm\.(input|output)_messages\.\d+\.message\.(content|contents\.\d+\.message_content\.text|tool_calls\.\d+\.tool_call\.function\.arguments)$/,
  /^llm\.prompts\.\d+/,
  // Spanlens's own search chunks (searchAttributes.ts)
  /^llm\.(input|output)\.\d+$/,
];

export function isContentKey(key: string): boolean {
  return CONTENT_KEYS.has(key) || FLAT_CONTENT.some((re) => re.test(key));
}

function redactAttributes(a: Attributes): Attributes {
  let out: Attributes | undefined;
  for (const k in a) {
    if (!isContentKey(k)) continue;
    const v: AttributeValue = a[k]!;
    if (v === null || v === '') continue;
    out ??= { ...a };
    out[k] = HIDDEN;
  }
  return out ?? a;
}

function hideMessage(m: LlmMessage): LlmMessage {
  const out: LlmMessage = { role: m.role, content: '' };
  if (m.toolCalls) out.toolCalls = m.toolCalls.map((t) => (t.id === undefined ? { name: t.name } : { id: t.id, name: t.name }));
  if (m.toolCallId !== undefined) out.toolCallId = m.toolCallId;
  return out;
}

function hideCall(llm: LlmCall): LlmCall {
  const out: LlmCall = { ...llm, input: llm.input.map(hideMessage), output: llm.output.map(hideMessage), contentHidden: true };
  if (out.system !== undefined) out.system = '';
  if (out.tools) out.tools = out.tools.map((t) => (t.id === undefined ? { name: t.name } : { id: t.id, name: t.name }));
  return out;
}

/** A span (or search document) with its LLM content hidden; unchanged when it has no `llm`. */
export function hideContent<S extends { attributes: Attributes; events?: SpanEvent[]; llm?: LlmCall }>(span: S): S {
  if (!span.llm) return span;
  const out: S = { ...span, llm: hideCall(span.llm), attributes: redactAttributes(span.attributes) };
  if (span.events) out.events = span.events.map((e) => ({ ...e, attributes: redactAttributes(e.attributes) }));
  return out;
}
