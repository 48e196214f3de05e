/**
 * The one model every store is read into. Views, CodeLens, search and the CLI
 * are computed from these types, never from a store's own rows.
 */

/** Normalized status; the store's own word is kept beside it as `rawStatus`. */
export type Status = 'ok' | 'error' | 'running' | 'paused' | 'unset';

export const STATUSES: readonly Status[] = ['ok', 'error', 'running', 'paused', 'unset'];

/** JSON-like attribute values: what stores actually hold. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/** A place in source code. `path` is as recorded, or workspace-relative once mapped. */
export interface SourceRef {
  path: string;
  line: number;
  column?: number;
  /** True when found by name lookup rather than recorded by the system. */
  guess?: boolean;
}

export interface SpanError {
  type?: string;
  message: string;
  stack?: string;
}

export interface SpanEvent {
  name: string;
  /** Milliseconds from the run's start, when the store records a time. */
  offsetMs?: number;
  attributes: Attributes;
}

export interface Run {
  id: string;
  /** The store's id (its path or URL) — lets views and search say where a run came from. */
  store: string;
  name: string;
  status: Status;
  rawStatus: string;
  /** Wall-clock start in epoch milliseconds, where the store records one. */
  startMs?: number;
  durationMs?: number;
  spanCount: number;
  error?: string;
  attributes: Attributes;
}

export interface Span {
  id: string;
  runId: string;
  parentId: string | null;
  name: string;
  status: Status;
  rawStatus: string;
  /** Milliseconds from the run's start (the earliest span of the run when the store has no run clock). */
  startOffsetMs: number;
  /** Absent while the span is still running. */
  durationMs?: number;
  attributes: Attributes;
  events: SpanEvent[];
  error?: SpanError;
  source?: SourceRef;
}

/** A span with its children: what `trace` shows and the sidebar expands. */
export interface SpanNode extends Span {
  children: SpanNode[];
}

/**
 * The cheap projection of a span used by stats over a whole store:
 * a million of these is affordable where a million full Spans is not.
 */
export interface SpanSummary {
  runId: string;
  name: string;
  status: Status;
  durationMs?: number;
}
