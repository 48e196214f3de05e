/**
 * OpenInference (Arize Phoenix): `llm.input_messages.N.message.{role,content,tool_call_id}`,
 * content parts as `….message.contents.M.message_content.{type,text}`, tool calls as
 * `….message.tool_calls.M.tool_call.{id,function.name,function.arguments}`, `llm.model_name`,
 * `llm.provider`/`llm.system`, `llm.token_count.*`, `llm.cost.total`, and
 * `openinference.span.kind` (a TOOL span's `tool.name` with `input.value`/`output.value`).
 */
import type { LlmMessage, LlmToolCall } from '../../model/llm';
import type { Attributes } from '../../model/types';
import type { Draft } from './draft';
import { message, toolCall } from './messages';
import { argText, contentText, firstNum, firstStr, gatherIndexed, str, strList } from './values';

function messages(attrs: Attributes, prefix: string): LlmMessage[] {
  const out: LlmMessage[] = [];
  for (const [, f] of gatherIndexed(attrs, prefix)) {
    let content = contentText(f['message.content']);
    if (content === '') {
      const parts: string[] = [];
      for (const [, p] of gatherIndexed(f, 'message.contents')) {
        const t = str(p['message_content.text']);
        if (t !== undefined) parts.push(t);
      }
      content = parts.join('\n\n');
    }
    const calls: LlmToolCall[] = [];
    for (const [, c] of gatherIndexed(f, 'message.tool_calls')) {
      calls.push(toolCall(c['tool_call.id'], c['tool_call.function.name'], c['tool_call.function.arguments']));
    }
    out.push(message(str(f['message.role']) ?? 'unknown', content, calls, str(f['message.tool_call_id'])));
  }
  return out;
}

export function readOpenInference(d: Draft, attrs: Attributes): void {
  const kind = str(attrs['openinference.span.kind']);
  if (d.input.length === 0) d.input = messages(attrs, 'llm.input_messages');
  if (d.output.length === 0) d.output = messages(attrs, 'llm.output_messages');
  d.model ??= firstStr(attrs, ['llm.model_name']);
  d.provider ??= firstStr(attrs, ['llm.provider', 'llm.system']);
  if (kind !== undefined && (kind === 'LLM' || d.model !== undefined || d.input.length > 0)) d.operation ??= kind.toLowerCase();
  const u = d.usage;
  u.inputTokens ??= firstNum(attrs, ['llm.token_count.prompt']);
  u.outputTokens ??= firstNum(attrs, ['llm.token_count.completion']);
  u.totalTokens ??= firstNum(attrs, ['llm.token_count.total']);
  u.cacheReadTokens ??= firstNum(attrs, ['llm.token_count.prompt_details.cache_read']);
  u.cacheCreationTokens ??= firstNum(attrs, ['llm.token_count.prompt_details.cache_write']);
  u.reasoningTokens ??= firstNum(attrs, ['llm.token_count.completion_details.reasoning']);
  d.costUsd ??= firstNum(attrs, ['llm.cost.total']);
  d.finishReasons ??= strList(attrs['llm.finish_reason']);
  if (kind === 'TOOL') {
    const name = str(attrs['tool.name']);
    if (name !== undefined && d.tools === undefined) {
      const t: LlmToolCall = { name };
      const args = argText(attrs['tool.parameters'] ?? attrs['input.value']);
      if (args !== undefined) t.arguments = args;
      const result = argText(attrs['output.value']);
      if (result !== undefined) t.result = result;
      d.tools = [t];
      d.operation ??= 'tool';
    }
  }
}
