import { withLlmSearchAttributes } from '../enrich/llm/searchAttributes';
import { errorText } from '../model/errors';
import type { Run, Span } from '../model/types';
import type { SearchDoc } from './types';

/** A span as search indexes it, from the model: what a reader without its own bulk query yields. */
export function spanToDoc(run: Run | undefined, span: Span): SearchDoc {
  // An LLM call (enrichStore) is found by its model, tokens, cost and message text too.
  const attributes = span.llm ? withLlmSearchAttributes(span.attributes, span.llm) : span.attributes;
  const doc: SearchDoc = { runId: span.runId, spanId: span.id, name: span.name, status: span.status, attributes };
  if (span.durationMs !== undefined) doc.durationMs = span.durationMs;
  if (run?.startMs !== undefined) doc.startMs = run.startMs + span.startOffsetMs;
  if (run) doc.runName = run.name;
  if (span.error) doc.error = errorText(span.error);
  return doc;
}
