/**
 * The LLM enrichment pass: span attributes and events, in any dialect, → `Span.llm`.
 * Pure and reader-independent; sources/open.ts applies it to every store's spans.
 */
import type { LlmCall } from '../../model/llm';
import type { Attributes, SpanEvent } from '../../model/types';
import { readClaudeFlow } from './claudeFlow';
import { emptyDraft, finish } from './draft';
import { readFlujo } from './flujo';
import { readOpenInference } from './openInference';
import { readOpenLlmetry } from './openLlmetry';
import { readOtelGenAi } from './otelGenAi';

export interface ExtractOptions {
  /** The store's format: claude-flow's plain keys (`model`, `tokens`) are read only from its stores. */
  format?: string;
}

const GEN_AI = 1;
const FLATTENED = 2;
const OPEN_INFERENCE = 4;
const FLUJO = 8;

/**
 * Which dialects a span may speak, from one pass over its keys and event names: most spans of
 * most stores are no LLM call, and a reader whose keys are absent is not run.
 */
function dialects(attributes: Attributes, events: readonly SpanEvent[]): number {
  let d = 0;
  for (const k in attributes) {
    if (k.startsWith('gen_ai.')) {
      d |= GEN_AI;
      if (k.startsWith('gen_ai.prompt.') || k.startsWith('gen_ai.completion.')) d |= FLATTENED;
    } else if (k.startsWith('llm.') || k.startsWith('openinference.')) {
      d |= OPEN_INFERENCE;
      if (k === 'llm.request.type' || k === 'llm.usage.total_tokens') d |= FLATTENED | GEN_AI;
    } else if (k.startsWith('flujo.budget.') || k === 'aros.model_id') d |= FLUJO;
  }
  for (const e of events) {
    if (e.name.startsWith('gen_ai.')) d |= GEN_AI;
    else if (e.name.startsWith('agent.')) d |= FLUJO;
  }
  return d;
}

/** The LLM call a span records, or undefined when it records none. */
export function extractLlm(span: { attributes: Attributes; events: readonly SpanEvent[] }, opts: ExtractOptions = {}): LlmCall | undefined {
  let found = dialects(span.attributes, span.events);
  const claudeFlow = opts.format === 'claude-flow';
  // Flujo's step history (a run without spans) keeps StepResult's own names: token_counts, cost_usd.
  const flujoSteps = opts.format === 'flujo' && ('token_counts' in span.attributes || 'cost_usd' in span.attributes);
  if (flujoSteps) found |= FLUJO;
  if (found === 0 && !claudeFlow) return undefined;
  const d = emptyDraft();
  if (found & GEN_AI) readOtelGenAi(d, span.attributes, span.events);
  if (found & FLATTENED) readOpenLlmetry(d, span.attributes);
  if (found & OPEN_INFERENCE) readOpenInference(d, span.attributes);
  if (found & FLUJO) readFlujo(d, span.attributes, span.events, flujoSteps);
  if (claudeFlow) readClaudeFlow(d, span.attributes);
  return finish(d);
}

export { hideContent } from './redact';
export { llmSearchFacts, llmSearchText, withLlmSearchAttributes } from './searchAttributes';
