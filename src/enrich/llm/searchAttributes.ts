/**
 * What search indexes of an LLM call, as `llm.*` attributes beside the span's own: `attr.llm.model`,
 * `attr.llm.total_tokens>1000`, `attr.llm.cost_usd>0.01`, and the messages' text (cut, for words
 * and phrases that the instrumentation's escaped JSON would hide).
 */
import { totalTokens, type LlmCall, type LlmMessage } from '../../model/llm';
import type { Attributes } from '../../model/types';

/** Characters of each side's text indexed for free-text search. */
export const SEARCH_TEXT_CHARS = 4_000;

function joined(messages: readonly LlmMessage[], system?: string): string {
  let s = system ?? '';
  for (const m of messages) {
    if (s.length >= SEARCH_TEXT_CHARS) break;
    if (m.content !== '') s += (s === '' ? '' : '\n') + m.content;
    for (const t of m.toolCalls ?? []) s += `${s === '' ? '' : '\n'}${t.name}(${t.arguments ?? ''})`;
  }
  return s.length > SEARCH_TEXT_CHARS ? s.slice(0, SEARCH_TEXT_CHARS) : s;
}

export function llmSearchAttributes(llm: LlmCall): Attributes {
  const a: Attributes = {};
  if (llm.model !== undefined) a['llm.model'] = llm.model;
  if (llm.provider !== undefined) a['llm.provider'] = llm.provider;
  if (llm.operation !== undefined) a['llm.operation'] = llm.operation;
  const u = llm.usage;
  if (u?.inputTokens !== undefined) a['llm.input_tokens'] = u.inputTokens;
  if (u?.outputTokens !== undefined) a['llm.output_tokens'] = u.outputTokens;
  const total = totalTokens(u);
  if (total !== undefined) a['llm.total_tokens'] = total;
  if (u?.cacheReadTokens !== undefined) a['llm.cache_read_tokens'] = u.cacheReadTokens;
  if (u?.reasoningTokens !== undefined) a['llm.reasoning_tokens'] = u.reasoningTokens;
  if (llm.costUsd !== undefined) a['llm.cost_usd'] = llm.costUsd;
  if (!llm.contentHidden) {
    const input = joined(llm.input, llm.system);
    const output = joined(llm.output);
    if (input !== '') a['llm.input'] = input;
    if (output !== '') a['llm.output'] = output;
    const tools = (llm.tools ?? []).map((t) => t.name).join(' ');
    if (tools !== '') a['llm.tools'] = tools;
  }
  return a;
}
