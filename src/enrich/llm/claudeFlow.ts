/**
 * claude-flow's `execution_traces` keep a step's own keys as span attributes and the trace's
 * `metadata` JSONB on its root span; where a workflow records its model, tokens or cost there,
 * they are read under these plain names (top level, or inside `metadata`/`usage`). Only for that
 * store: elsewhere a bare `model` key means anything.
 */
import type { Attributes } from '../../model/types';
import type { Draft } from './draft';
import { message } from './messages';
import { contentText, firstNum, firstStr, isRecord } from './values';

function readFlat(d: Draft, a: Attributes): void {
  d.model ??= firstStr(a, ['model', 'model_id', 'model_name', 'llm_model']);
  d.provider ??= firstStr(a, ['provider']);
  d.usage.inputTokens ??= firstNum(a, ['input_tokens', 'prompt_tokens', 'tokens_in']);
  d.usage.outputTokens ??= firstNum(a, ['output_tokens', 'completion_tokens', 'tokens_out']);
  d.usage.totalTokens ??= firstNum(a, ['total_tokens', 'tokens_used', 'tokens']);
  d.usage.cacheReadTokens ??= firstNum(a, ['cache_read_input_tokens', 'cache_read_tokens']);
  d.usage.cacheCreationTokens ??= firstNum(a, ['cache_creation_input_tokens', 'cache_creation_tokens']);
  d.costUsd ??= firstNum(a, ['cost_usd', 'total_cost_usd', 'cost']);
}

export function readClaudeFlow(d: Draft, attrs: Attributes): void {
  const before = JSON.stringify(d.usage) + String(d.model);
  readFlat(d, attrs);
  for (const k of ['metadata', 'usage']) {
    const nested = attrs[k];
    if (isRecord(nested)) readFlat(d, nested as Attributes);
  }
  // Prompt/response texts only where the step is an LLM call by the keys above.
  if (before === JSON.stringify(d.usage) + String(d.model)) return;
  const prompt = attrs['prompt'];
  const response = attrs['response'] ?? attrs['completion'];
  if (d.input.length === 0 && typeof prompt === 'string' && prompt !== '') d.input = [message('user', prompt)];
  if (d.output.length === 0 && response !== undefined && response !== null) d.output = [message('assistant', contentText(response))];
}
