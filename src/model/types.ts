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
  /**
   * Which clock `durationMs` is read from, where a reader can tell: the run's root span
   * (`root-span`, preferred: the system's own measure of the run), the run's record (its end −
   * start, or a duration it stores), or the extent of its spans.
   */
  durationClock?: DurationClock;
  /** The run record's own duration, kept beside a root span's when both exist (they differ by the record's bookkeeping). */
  recordDurationMs?: number;
  spanCount: number;
  error?: string;
  attributes: Attributes;
}

export type DurationClock = 'root-span' | 'record' | 'spans';

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

/**
 * The spans of one name, folded for stats over a whole store: how many there are per status
 * and their durations as plain numbers. A million spans are a few dozen of these, where a
 * million SpanSummary objects cost more to build than the stats themselves.
 */
export interface SpanNameGroup {
  name: string;
  /** Spans of this name per status; every status is present, zero when unseen. */
  byStatus: Record<Status, number>;
  /** Durations (ms) of the spans of this name that have one, in no particular order. */
  durationsMs: Float64Array;
}

const UNSET_CODE = STATUSES.indexOf('unset');

interface GroupTally {
  name: string;
  counts: number[]; // per STATUSES index
  durations: number[]; // V8 keeps these unboxed
}

/**
 * Folds spans into SpanNameGroups. `add` takes one span at a time; `addCode` is the same with
 * the status as its index in STATUSES, for readers' hot loops.
 */
export class SpanGrouper {
  private readonly byName = new Map<string, GroupTally>();
  private last: GroupTally | undefined;

  add(name: string, status: Status, durationMs: number | undefined): void {
    // An unexpected status (a reader bug) counts as unset rather than adding a key.
    const code = STATUSES.indexOf(status);
    this.addCode(name, code < 0 ? UNSET_CODE : code, durationMs);
  }

  addCode(name: string, statusCode: number, durationMs: number | undefined): void {
    // Spans of one name often come in runs; skipping the Map lookup then is measurably faster.
    let g = this.last;
    if (g === undefined || g.name !== name) {
      g = this.byName.get(name);
      if (g === undefined) {
        g = { name, counts: [0, 0, 0, 0, 0], durations: [] };
        this.byName.set(name, g);
      }
      this.last = g;
    }
    g.counts[statusCode]!++;
    if (typeof durationMs === 'number') g.durations.push(durationMs);
  }

  /** The groups, in the order their names were first seen. */
  groups(): SpanNameGroup[] {
    const out: SpanNameGroup[] = [];
    for (const g of this.byName.values()) {
      const byStatus = {} as Record<Status, number>;
      STATUSES.forEach((s, i) => (byStatus[s] = g.counts[i]!));
      out.push({ name: g.name, byStatus, durationsMs: Float64Array.from(g.durations) });
    }
    return out;
  }
}
