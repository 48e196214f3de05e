/**
 * A run's LLM totals from its spans' `llm` (filled by src/enrich/llm): how many calls, tokens in,
 * out and in all, and the cost where the store recorded one. Never estimated.
 */
import { formatUsd, formatCount } from '../model/format';
import { totalTokens, type LlmCall } from '../model/llm';

export interface LlmTotals {
  /** Spans that record an LLM call (or a tool execution). */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Summed over the calls that record a cost; undefined when none does. */
  costUsd?: number;
  /** Distinct models, in the order first seen. */
  models: string[];
}

export function llmTotals(spans: Iterable<{ llm?: LlmCall }>): LlmTotals | undefined {
  const t: LlmTotals = { calls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, models: [] };
  for (const s of spans) {
    const llm = s.llm;
    if (!llm) continue;
    t.calls++;
    t.inputTokens += llm.usage?.inputTokens ?? 0;
    t.outputTokens += llm.usage?.outputTokens ?? 0;
    t.totalTokens += totalTokens(llm.usage) ?? 0;
    if (llm.costUsd !== undefined) t.costUsd = (t.costUsd ?? 0) + llm.costUsd;
    if (llm.model !== undefined && !t.models.includes(llm.model) && t.models.length < 20) t.models.push(llm.model);
  }
  return t.calls > 0 ? t : undefined;
}

/** "1,234 tok", "1.2M tok": compact for a tree row. */
export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M tok`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k tok`;
  return `${formatCount(n)} tok`;
}

/** One line for a span's LLM call: "gpt-4o · 1,230 tok · $0.0042". */
export function llmSummary(llm: LlmCall): string {
  const parts: string[] = [];
  if (llm.model !== undefined) parts.push(llm.model);
  else if (llm.tools && llm.tools.length > 0) parts.push(`tool ${llm.tools[0]!.name}`);
  const tok = totalTokens(llm.usage);
  if (tok !== undefined) parts.push(formatTokens(tok));
  if (llm.costUsd !== undefined) parts.push(formatUsd(llm.costUsd));
  return parts.join(' · ');
}

/** One line for a run's totals: "3 LLM calls · 4,560 tok · $0.012". */
export function totalsSummary(t: LlmTotals): string {
  const parts = [`${t.calls} LLM call${t.calls === 1 ? '' : 's'}`];
  if (t.totalTokens > 0) parts.push(formatTokens(t.totalTokens));
  if (t.costUsd !== undefined) parts.push(formatUsd(t.costUsd));
  return parts.join(' · ');
}
