import type { Attributes, Run, Span, SpanNameGroup, SpanSummary, Status } from '../model/types';

export type StoreFormat = 'flujo' | 'waft' | 'otlp' | 'claude-flow';

/** What a store is asked for runs. All fields optional; results newest first. */
export interface RunQuery {
  status?: Status;
  /** Exact pipeline / run name. */
  pipeline?: string;
  /** Only runs that started at or after this epoch-ms time. */
  sinceMs?: number;
  limit?: number;
  offset?: number;
  /** Only these runs (ids exactly; unknown ones are skipped): search re-reads the runs that changed. */
  ids?: readonly string[];
  /**
   * Runs of any age, past a store's default window (claude-flow lists its last 30 days unless
   * told): `similar` compares the newest failures whenever they happened. Ignored with `sinceMs`.
   */
  anyAge?: boolean;
}

/** What a store's default window left out of a listing: how many runs, and where the window starts. */
export interface WindowHidden {
  /** Runs matching the query that started before the window. */
  count: number;
  /** The window's start (epoch ms) and its length in days. */
  sinceMs: number;
  days: number;
  /** When the oldest of them started (epoch ms), where there is one. */
  oldestMs?: number;
}

export interface SpanSummaryQuery {
  pipeline?: string;
  sinceMs?: number;
}

/**
 * One opened trace store. Every reader implements this; nothing above `sources/`
 * knows a store's own rows. Async even where the reader is synchronous, so the
 * engine can move to a worker without its callers changing.
 */
export interface TraceStore {
  /** The path or URL the user named; also `Run.store`. */
  readonly id: string;
  readonly format: StoreFormat;
  /**
   * Lines of a line-based store (waft, OTLP .jsonl) that were torn or not JSON and so
   * were skipped, as of the last read. Undefined for stores that have no lines to skip.
   */
  readonly skippedLines?: number;
  /**
   * Files of a many-file store (a waft traces folder) that could not be read and so were
   * left out, each as one line saying why (a FIFO, no permission, …); the rest reads on.
   */
  readonly skippedFiles?: readonly string[];
  listRuns(query?: RunQuery): Promise<Run[]>;
  /**
   * `listRuns(query).length`, without building the runs (a SQL COUNT, a pass over the run
   * table): what the status bar's failure count asks on every change. Optional: countRuns.ts
   * falls back to the listing.
   */
  countRuns?(query?: RunQuery): Promise<number>;
  /** Runs whose id contains `partial` (case-insensitive); an exact id match alone when there is one. */
  findRuns(partial: string): Promise<Run[]>;
  /** All spans of one run, in start order. */
  getSpans(runId: string): Promise<Span[]>;
  /** name/status/duration of every span in runs matching the query: the input of stats. */
  spanSummaries(query?: SpanSummaryQuery): Promise<SpanSummary[]>;
  /**
   * The same spans as `spanSummaries`, folded by name (counts per status, durations as
   * numbers): what stats over a whole store needs, without a million objects. Optional:
   * `storeStats` (analysis/stats) falls back to `spanSummaries` for a reader without it.
   */
  spanGroups?(query?: SpanSummaryQuery): Promise<SpanNameGroup[]>;
  /**
   * Every span of the store (or, with `runIds`, of those runs only), in batches, as search
   * indexes it (analysis/search). The event loop must get a turn between batches, and a
   * signal stops the scan with an AbortError. Optional: search falls back to listRuns +
   * getSpans per run for a reader without it.
   */
  scanSpans?(onBatch: (docs: SearchDoc[]) => void, signal?: AbortSignal, runIds?: ReadonlySet<string>): Promise<void>;
  /**
   * A version per run, keyed by run id, that changes whenever the run's record or any of its
   * spans changes; runs that exist only as spans are included. Cheap next to a scan: search
   * compares two of these and re-indexes only the runs whose version moved (analysis/search).
   * Optional: without it a changed store is indexed again whole.
   */
  runVersions?(): Promise<Map<string, string>>;
  /**
   * For a store that lists only recent runs unless asked (claude-flow): how many runs matching
   * `query` (its status and pipeline) its default window hides. Absent on stores without one.
   */
  hiddenByWindow?(query?: RunQuery): Promise<WindowHidden>;
  /**
   * For a store whose kind is `incremental` (waft, OTLP lines): read what was appended since the
   * last read, so the next queries see it without a reopen. Absent where a change means reopening.
   */
  refresh?(): Promise<void>;
  /** Release memory (sql.js databases are not garbage-collected). */
  close(): Promise<void>;
}

/**
 * An error the user can cause and fix (bad file, missing table, unknown id).
 * Its message is one line naming the store or id and what to do; the CLI prints
 * it without a stack and exits 2, the extension shows it on the store's node.
 */
export class StoreError extends Error {
  constructor(message: string, readonly store?: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** One span as search indexes it: what a bulk scan yields (TraceStore.scanSpans). */
export interface SearchDoc {
  runId: string;
  spanId: string;
  name: string;
  status: Status;
  durationMs?: number;
  /** Wall-clock start (epoch ms) where known; search falls back to the run's start. */
  startMs?: number;
  /** The run's (pipeline's) name, when the reader knows it cheaply. */
  runName?: string;
  /** The error as one line of text (`Type: message`), for failed spans. */
  error?: string;
  attributes: Attributes;
}
