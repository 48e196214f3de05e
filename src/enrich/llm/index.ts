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

/** Cheap test before the readers run: most spans of most stores are not LLM calls. */
function mayBeLlm(attributes: Attributes, events: readonly SpanEvent[], format: string | undefined): boolean {
  if (format === 'claude-flow') return true;
  for (const k in attributes) {
    if (k.startsWith('gen_ai.') || k.startsWith('llm.') || k.startsWith('flujo.budget.') || k === 'aros.model_id' || k === 'openinference.span.kind') {
      return true;
    }
  }
  for (const e of events) if (e.name.startsWith('gen_ai.') || e.name.startsWith('agent.')) return true;
  return false;
}

/** The LLM call a span records, or undefined when it records none. */
export function extractLlm(span: { attributes: Attributes; events: readonly SpanEvent[] }, opts: ExtractOptions = {}): LlmCall | undefined {
  if (!mayBeLlm(span.attributes, span.events, opts.format)) return undefined;
  const d = emptyDraft();
  readOtelGenAi(d, span.attributes, span.events);
  readOpenLlmetry(d, span.attributes);
  readOpenInference(d, span.attributes);
  readFlujo(d, span.attributes, span.events);
  if (opts.format === 'claude-flow') readClaudeFlow(d, span.attributes);
  return finish(d);
}

export { hideContent } from './redact';
export { llmSearchFacts, llmSearchText, withLlmSearchAttributes } from './searchAttributes';
