/**
 * OpenLLMetry (Traceloop) before it moved to the GenAI JSON attributes: messages flattened into
 * `gen_ai.prompt.N.{role,content,tool_call_id}` and `gen_ai.completion.N.{role,content,
 * finish_reason}`, tool calls as `….tool_calls.M.{id,name,arguments}`, `llm.request.type`, and
 * usage as `gen_ai.usage.prompt_tokens` / `completion_tokens` (read by the GenAI reader's lists).
 */
import type { LlmMessage, LlmToolCall } from '../../model/llm';
import type { AttributeValue, Attributes } from '../../model/types';
import type { Draft } from './draft';
import { message, toolCall } from './messages';
import { contentText, gatherIndexed, str, structured } from './values';

function toolCalls(fields: Record<string, AttributeValue>, prefix: string): LlmToolCall[] {
  const calls: LlmToolCall[] = [];
  for (const [, f] of gatherIndexed(fields, prefix)) calls.push(toolCall(f['id'], f['name'], f['arguments']));
  return calls;
}

function messages(attrs: Attributes, prefix: string, defaultRole: string, finishReasons: string[]): LlmMessage[] {
  const out: LlmMessage[] = [];
  for (const [, f] of gatherIndexed(attrs, prefix)) {
    // It writes JSON.stringify(content): a tool-calling assistant turn's null comes as "null".
    const raw = f['content'] === 'null' ? '' : f['content'];
    // Some versions store a list of content parts as JSON text.
    const parsed = typeof raw === 'string' && raw.startsWith('[') ? structured(raw) : undefined;
    const content = contentText(parsed ?? raw);
    out.push(message(str(f['role']) ?? defaultRole, content, toolCalls(f, 'tool_calls'), str(f['tool_call_id'])));
    const fr = str(f['finish_reason']);
    if (fr !== undefined) finishReasons.push(fr);
  }
  return out;
}

export function readOpenLlmetry(d: Draft, attrs: Attributes): void {
  const reasons: string[] = [];
  if (d.input.length === 0) d.input = messages(attrs, 'gen_ai.prompt', 'user', []);
  if (d.output.length === 0) d.output = messages(attrs, 'gen_ai.completion', 'assistant', reasons);
  if (d.finishReasons === undefined && reasons.length > 0) d.finishReasons = reasons;
  d.operation ??= str(attrs['llm.request.type']);
}
