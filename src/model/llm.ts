/**
 * An LLM call as the model carries it (`Span.llm`): a conversation, the tools involved, usage and
 * cost. Filled by the enrichment pass (src/enrich/llm) from whatever dialect the store speaks, so
 * views never learn OpenTelemetry GenAI, OpenLLMetry, OpenInference or Flujo attribute names.
 */

/** A tool the model asked for, or that this span executed. */
export interface LlmToolCall {
  id?: string;
  name: string;
  /** Arguments as text (JSON as recorded; views pretty-print it). */
  arguments?: string;
  /** The tool's result as text, where the span records one. */
  result?: string;
}

/** One turn of the conversation. */
export interface LlmMessage {
  /** `system`, `user`, `assistant`, `tool`, or the store's own word. */
  role: string;
  /** The message's text; '' when it has none (a tool call only) or content is hidden. */
  content: string;
  toolCalls?: LlmToolCall[];
  /** For a `tool` turn: the call it answers. */
  toolCallId?: string;
  /** True when `content` was cut at MAX_MESSAGE_CHARS by the pass. */
  truncated?: boolean;
}

export interface LlmUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
  /** As recorded, where the store gives a total (Flujo gives only that). */
  totalTokens?: number;
}

export interface LlmCall {
  /** `chat`, `text_completion`, `embeddings`, `execute_tool`, … as recorded. */
  operation?: string;
  /** `openai`, `anthropic`, … as recorded. */
  provider?: string;
  /** The response's model where recorded, else the request's. */
  model?: string;
  input: LlmMessage[];
  output: LlmMessage[];
  /** System instructions recorded apart from the messages. */
  system?: string;
  /** Tools executed by this span (a tool span), with their results. */
  tools?: LlmToolCall[];
  usage?: LlmUsage;
  /** The store's own figure; never estimated. */
  costUsd?: number;
  finishReasons?: string[];
  /** Set when content was hidden by the privacy setting (roles, structure and tokens kept). */
  contentHidden?: boolean;
}

/** The recorded total, else input + output where either is known. */
export function totalTokens(u: LlmUsage | undefined): number | undefined {
  if (!u) return undefined;
  if (u.totalTokens !== undefined) return u.totalTokens;
  if (u.inputTokens === undefined && u.outputTokens === undefined) return undefined;
  return (u.inputTokens ?? 0) + (u.outputTokens ?? 0);
}
