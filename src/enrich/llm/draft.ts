/**
 * What the dialect readers fill in turn: each sets only what is still missing, so the first
 * dialect to know a field wins and one span may mix them (OpenLLMetry prompts, GenAI usage).
 */
import type { LlmCall, LlmUsage } from '../../model/llm';

/** An LlmCall being filled: usage always there to fill, never hidden yet. */
export type Draft = Omit<LlmCall, 'usage' | 'contentHidden'> & { usage: LlmUsage };

export function emptyDraft(): Draft {
  return { input: [], output: [], usage: {} };
}

/** The draft as an LlmCall, or undefined when no dialect found anything that makes it one. */
export function finish(d: Draft): LlmCall | undefined {
  const usage: LlmUsage = {};
  for (const k of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheCreationTokens', 'reasoningTokens', 'totalTokens'] as const) {
    if (d.usage[k] !== undefined) usage[k] = d.usage[k];
  }
  const hasUsage = Object.keys(usage).length > 0;
  const any =
    d.model !== undefined || d.input.length > 0 || d.output.length > 0 || d.system !== undefined || d.tools !== undefined || hasUsage || d.costUsd !== undefined;
  if (!any) return undefined;
  const call: LlmCall = { input: d.input, output: d.output };
  if (d.operation !== undefined) call.operation = d.operation;
  if (d.provider !== undefined) call.provider = d.provider;
  if (d.model !== undefined) call.model = d.model;
  if (d.system !== undefined) call.system = d.system;
  if (d.tools !== undefined) call.tools = d.tools;
  if (hasUsage) call.usage = usage;
  if (d.costUsd !== undefined) call.costUsd = d.costUsd;
  if (d.finishReasons !== undefined && d.finishReasons.length > 0) call.finishReasons = d.finishReasons;
  return call;
}
