/**
 * The messages between the extension host and the engine's worker thread (worker/main.ts). The
 * engine runs there so that opening a store (reading a file of hundreds of MB into sql.js, merging
 * its -wal), scanning it, and building or querying its search index never pause the extension
 * host. Everything that crosses is structured-cloned: flat data only (no span trees — cloning is
 * recursive, and a tree is as deep as the data), and no functions.
 */
import type { RunDiff } from '../analysis/diff/align';
import type { NameRunStats } from '../analysis/failures';
import type { LlmTotals } from '../analysis/llmTotals';
import type { ReceiverStats } from '../receiver/server';
import type { FailureCandidate } from '../analysis/similar';
import type { SearchResult } from '../analysis/search/search';
import type { TimelineLayout } from '../analysis/timeline/layout';
import type { Run, Span, SpanNameGroup, SpanSummary } from '../model/types';
import type { RunQuery, SearchDoc, SpanSummaryQuery, StoreFormat, WindowHidden } from '../sources/types';

/** How to open a store: a path (format detected unless given), or a database URL with its format. */
export interface OpenSpec {
  target: string;
  format?: StoreFormat;
  /** The store's id when it is not `target` (a PostgreSQL connection's redacted id). */
  id?: string;
  password?: string;
  /** A server store's window start (epoch ms). */
  sinceMs?: number;
}

/** The TraceStore methods a worker-side store answers (each optional one only where the reader has it). */
export interface StoreCalls {
  listRuns(query?: RunQuery): Run[];
  findRuns(partial: string): Run[];
  getSpans(runId: string): Span[];
  spanSummaries(query?: SpanSummaryQuery): SpanSummary[];
  spanGroups(query?: SpanSummaryQuery): SpanNameGroup[];
  runVersions(): Map<string, string>;
  hiddenByWindow(query?: RunQuery): WindowHidden;
  countRuns(query?: RunQuery): number;
  refresh(): void;
}
export type StoreMethod = keyof StoreCalls;
export const OPTIONAL_METHODS: readonly StoreMethod[] = ['spanGroups', 'runVersions', 'hiddenByWindow', 'countRuns', 'refresh'];

/**
 * Engine work run next to the store, so that only its (small) result crosses: what the
 * extension would otherwise do to a whole store's or a whole run's spans on its own thread.
 */
export interface StoreOps {
  /** Span name → runs, failed runs, p95 (analysis/failures nameRunStats) over the store's span summaries. */
  nameRunStats(query?: SpanSummaryQuery): Map<string, NameRunStats>;
  /** A run's spans whose failure is their own (analysis/failures ownFailures). */
  ownFailures(runId: string): Span[];
  /** A run's timeline layout (analysis/timeline computeLayout over its span tree), its spans flat. */
  timelineLayout(runId: string): FlatTimelineLayout;
  /** One span of a run (what a click on a row of a big run opens), without the rest crossing. */
  span(runId: string, spanId: string): Span | undefined;
  /** The store's newest failures as Find Similar Failures compares them (analysis/similar). */
  failureCandidates(): FailureCandidate[];
  /**
   * One page of a run's span tree: the children of `parentId` (the top-level spans for null),
   * `offset` on, at most `limit`. What the Runs view lists of a big run, a page at a time: the
   * tree is built (once, kept while the store is unchanged) next to the store.
   */
  treePage(runId: string, parentId: string | null, offset: number, limit: number): TreePage;
  /**
   * Where a span sits in its run's tree (the same tree as treePage's): from the top-level span
   * down to it, each with its place among its siblings; undefined when the run has no such span.
   */
  treePath(runId: string, spanId: string): TreeStep[] | undefined;
}

export interface TreeStep {
  id: string;
  /** Its place among its parent's children (or the top-level spans). */
  index: number;
}

/** A span of a tree page, with what its row shows without its children. */
export interface TreeRow {
  span: Span;
  childCount: number;
  /** Failed, or has a failed descendant: its row opens by itself. */
  onErrorPath: boolean;
}

export interface TreePage {
  rows: TreeRow[];
  /** Children of the parent in all (the page may be fewer). */
  total: number;
  /** Whether the parent span is in the run (false: the run changed since it was listed). */
  found: boolean;
  /** The whole run's LLM totals, with the top-level page (null: no LLM call). */
  totals?: LlmTotals | null;
}

/** One side of a comparison: a run of a store open in the engine. */
export interface DiffSideSpec {
  store: number;
  runId: string;
  /** The run as it was picked: kept when the store no longer lists it. */
  fallback?: Run;
}

/** Two runs read and aligned (analysis/diff diffRuns): the runs as read now, and their rows. */
export interface RunsCompared {
  diff: RunDiff;
}
export type StoreOp = keyof StoreOps;

/** A timeline layout whose rows are plain spans, not tree nodes (a tree would be cloned as deep as it is). */
export type FlatTimelineLayout = TimelineLayout;

/** What a store is besides its methods: mirrored on the host side, renewed with every answer. */
export interface StoreProps {
  skippedLines?: number;
  skippedFiles?: readonly string[];
}

export interface OpenResult {
  handle: number;
  id: string;
  format: StoreFormat;
  /** Optional methods the reader has. */
  methods: StoreMethod[];
  scan: boolean;
  props: StoreProps;
}

/** A search index kept in the worker: what the host may know of it without its contents. */
export interface IndexInfo {
  handle: number;
  store: string;
  format: string;
  spanCount: number;
  runCount: number;
  bytes: number;
}

export type UpdateOutcome =
  /** Nothing changed: the old index stands. */
  | { kind: 'same' }
  /** The runs that changed were read again into a new index (the old one stays until dropped). */
  | { kind: 'updated'; index: IndexInfo; changedRuns: number }
  /** Too much changed (or the store cannot tell what): build anew. */
  | { kind: 'rebuild' };

export type Request =
  | { type: 'open'; spec: OpenSpec }
  | { type: 'close'; store: number }
  | { type: 'call'; store: number; method: StoreMethod; args: unknown[] }
  | { type: 'op'; store: number; op: StoreOp; args: unknown[] }
  /** Progress: SearchDoc[] batches. */
  | { type: 'scan'; store: number; runIds?: string[] }
  /** Progress: spans indexed so far. */
  | { type: 'indexBuild'; store: number }
  | { type: 'indexUpdate'; store: number; index: number }
  | { type: 'indexSearch'; indexes: number[]; query: string; limit?: number }
  | { type: 'indexDrop'; index: number }
  /** The OTLP/HTTP receiver, listening in the worker: what it stores is announced by `receiverStored` events. */
  | { type: 'receiverStart'; dir: string; host?: string; port?: number }
  /** Stops it once the requests in flight are stored; answers its final counts. */
  | { type: 'receiverStop'; receiver: number }
  /** Two runs (of one store or two) read and aligned. */
  | { type: 'diff'; a: DiffSideSpec; b: DiffSideSpec }
  | { type: 'settings'; hideLlmContent: boolean };

/** What each request resolves to. */
export interface Results {
  open: OpenResult;
  close: void;
  call: unknown;
  op: unknown;
  scan: void;
  indexBuild: IndexInfo;
  indexUpdate: UpdateOutcome;
  indexSearch: SearchResult;
  indexDrop: void;
  receiverStart: ReceiverInfo;
  receiverStop: ReceiverStats;
  diff: RunsCompared;
  settings: void;
}

/** An error as it crosses: StoreError and AbortError keep their names (callers tell them apart). */
export interface WireError {
  name: string;
  message: string;
  store?: string;
  stack?: string;
}

/** A receiver listening in the worker. */
export interface ReceiverInfo {
  handle: number;
  host: string;
  port: number;
  /** The endpoint to give an exporter: `http://host:port/v1/traces`. */
  url: string;
  dir: string;
  stats: ReceiverStats;
}

/** What the worker says without being asked. */
export type EngineEvent =
  /** A receiver stored spans (at most every RECEIVER_EVENT_MS while a burst lasts, and after it). */
  { type: 'receiverStored'; receiver: number; stats: ReceiverStats };

export type ToWorker = { kind: 'request'; id: number; request: Request } | { kind: 'cancel'; id: number };

export type FromWorker =
  | { kind: 'result'; id: number; value: unknown; props?: StoreProps }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'progress'; id: number; value: SearchDoc[] | number }
  | { kind: 'event'; event: EngineEvent };
