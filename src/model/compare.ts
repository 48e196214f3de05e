/**
 * What the run comparison page is sent (src/analysis/diff/encode.ts builds it, src/webview/compare
 * draws it): the aligned rows of two runs as parallel columns, not one object per row, so a
 * comparison of 100,000-span runs stays one cheap message. Plain data, no behaviour.
 */
import type { Status } from './types';

export interface CompareRunHead {
  id: string;
  name: string;
  status: Status;
  rawStatus: string;
  durationMs?: number;
  startMs?: number;
  error?: string;
  /** The store's short name, for the header. */
  store: string;
  /** The store's id (path or URL): what a restored tab reopens. */
  storeId: string;
}

export const COMPARE_CHANGES = ['same', 'added', 'removed', 'status', 'slower', 'faster'] as const;
export type CompareChange = (typeof COMPARE_CHANGES)[number];

export interface CompareWire {
  a: CompareRunHead;
  b: CompareRunHead;
  thresholdPct: number;
  minDeltaMs: number;
  /** Per row, in tree order (parents before children, siblings in B's order). */
  names: string[];
  depth: number[];
  occurrence: number[];
  /** Index in COMPARE_CHANGES. */
  change: number[];
  /** 1 where the status is the same but the error text differs. */
  errorChanged: number[];
  /** Index in STATUSES, -1 where the side has no span. */
  aStatus: number[];
  bStatus: number[];
  /** Start offset and duration (ms) per side; -1 where unknown or absent. */
  aStart: number[];
  aDur: number[];
  bStart: number[];
  bDur: number[];
  /** B's error, else A's ('' for none), first line. */
  error: string[];
  /** How many attributes differ (0: none or not matched). */
  attrChanges: number[];
  counts: Record<CompareChange, number>;
  /** Row of the first divergence, -1 for none. */
  firstDivergence: number;
}

/** One row's whole difference, sent when the row is selected. */
export interface CompareRowDetail {
  row: number;
  path: string[];
  a?: { spanId: string; status: Status; durationMs?: number; error?: string };
  b?: { spanId: string; status: Status; durationMs?: number; error?: string };
  /** [key, A's value as text, B's value as text]; '' where the side lacks the key. */
  attributes: Array<[string, string, string]>;
}
