/**
 * Failures by source line: the engine side of CodeLens, Problems and the gutter. The extension
 * reads recent failed runs, resolves each failing span to a workspace line, and hands the
 * samples here; this module groups them, counts, and words the result. Pure, no 'vscode'.
 *
 *   score_risk failed in 8 of 40 runs · last: KeyError: 'income' · 2 h ago
 *
 * "8" counts distinct runs in which a span of that name failed at that line; "40" counts
 * distinct runs in which a span of that name ran at all (from the stores' span summaries).
 */
import { errorHeadline } from '../model/errors';
import { formatAgo, formatDuration } from '../model/format';
import type { Run, SourceRef, Span, SpanSummary } from '../model/types';
import { nearestRank } from './stats';

/** One failing span, resolved to a workspace line. */
export interface FailureSample {
  storeId: string;
  runId: string;
  runName: string;
  runStartMs?: number;
  spanId: string;
  spanName: string;
  /** When it failed (epoch ms): the run's clock + the span's offset and duration, where the run has a clock. */
  timeMs?: number;
  /** One line: `KeyError: 'income'`; the run's error when the span has none; '' when neither says. */
  error: string;
  /** Workspace-relative (`/`-separated) path, 1-based line and column; `guess` for step-name lookups. */
  source: SourceRef;
}

/** Failures of one span name at one line. */
export interface FailureGroup {
  /** `path:line:spanName`: stable while the data says the same. */
  key: string;
  path: string;
  line: number;
  column?: number;
  /** Every sample's location was a step-name guess. */
  guess: boolean;
  spanName: string;
  /** Distinct runs (over all stores) in which the span failed here. */
  failedRuns: number;
  /** Distinct runs in which a span of this name ran; at least `failedRuns`. */
  totalRuns: number;
  /** Error of the newest sample. */
  lastError: string;
  lastMs?: number;
  /** Newest first, at most `maxSamples`. */
  samples: FailureSample[];
}

/** Runs and durations of one span name: the quieter lens of lines that ran without failing. */
export interface NameRunStats {
  name: string;
  /** Distinct runs with a span of this name. */
  runs: number;
  /** Spans of this name. */
  spans: number;
  /** Distinct runs in which a span of this name failed. */
  failedRuns: number;
  p95Ms: number | null;
}

export const DEFAULT_MAX_SAMPLES = 50;

/**
 * The failed spans of one run whose failure is their own: failed spans no failed span names
 * as its parent. A parent fails because its child did ("Loop body failed: …", a pipeline's
 * root); the line that failed is the child's, and counting both would double every lens (and
 * its text repeats the child's, so similar failures compare the child's). The one copy: grep
 * before writing another.
 */
export function ownFailures(spans: readonly Span[]): Span[] {
  const failedParents = new Set<string>();
  for (const s of spans) if (s.status === 'error' && s.parentId != null && s.parentId !== s.id) failedParents.add(s.parentId);
  return spans.filter((s) => s.status === 'error' && !failedParents.has(s.id));
}

/** `KeyError: 'income'`: the error's type and message on one line, else the last line of its stack; '' when none. */
export function errorSummary(span: Pick<Span, 'error' | 'status'>, max = 120): string {
  const e = span.error;
  let text = '';
  if (e) {
    text = errorHeadline(e);
    if (text === '' && e.stack) text = lastLine(e.stack);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function lastLine(s: string): string {
  const lines = s.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length ? lines[lines.length - 1]!.trim() : '';
}

/** When the span ended (or started, while it has no duration), epoch ms; undefined without a run clock. */
export function failureTimeMs(run: Pick<Run, 'startMs'>, span: Pick<Span, 'startOffsetMs' | 'durationMs'>): number | undefined {
  if (run.startMs === undefined || !Number.isFinite(run.startMs)) return undefined;
  const offset = Number.isFinite(span.startOffsetMs) ? span.startOffsetMs : 0;
  const dur = span.durationMs !== undefined && Number.isFinite(span.durationMs) ? span.durationMs : 0;
  return run.startMs + offset + dur;
}

/** A sample of `span` of `run` failing at `source`. */
export function failureSample(storeId: string, run: Run, span: Span, source: SourceRef): FailureSample {
  const s: FailureSample = {
    storeId,
    runId: run.id,
    runName: run.name,
    spanId: span.id,
    spanName: span.name,
    error: errorSummary(span) || oneLine(run.error ?? '', 120),
    source,
  };
  if (run.startMs !== undefined) s.runStartMs = run.startMs;
  const t = failureTimeMs(run, span);
  if (t !== undefined) s.timeMs = t;
  return s;
}

function newestFirst(a: FailureSample, b: FailureSample): number {
  const ta = a.timeMs ?? a.runStartMs ?? -Infinity;
  const tb = b.timeMs ?? b.runStartMs ?? -Infinity;
  return tb - ta || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

/**
 * Groups samples by path, line and span name. `totalRunsByName` (span name → distinct runs
 * it ran in, summed over stores) gives the "of N runs"; a name missing there counts its
 * failed runs. Sorted by path, line, then most failed runs first.
 */
export function aggregateFailures(
  samples: Iterable<FailureSample>,
  totalRunsByName: ReadonlyMap<string, number> = new Map(),
  maxSamples = DEFAULT_MAX_SAMPLES,
): FailureGroup[] {
  const byKey = new Map<string, { samples: FailureSample[]; runs: Set<string>; guess: boolean }>();
  for (const s of samples) {
    const key = `${s.source.path}:${s.source.line}:${s.spanName}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { samples: [], runs: new Set(), guess: true }));
    g.samples.push(s);
    g.runs.add(`${s.storeId}\u0000${s.runId}`);
    if (!s.source.guess) g.guess = false;
  }
  const out: FailureGroup[] = [];
  for (const [key, g] of byKey) {
    g.samples.sort(newestFirst);
    const newest = g.samples[0]!;
    const failedRuns = g.runs.size;
    const group: FailureGroup = {
      key,
      path: newest.source.path,
      line: newest.source.line,
      guess: g.guess,
      spanName: newest.spanName,
      failedRuns,
      totalRuns: Math.max(failedRuns, totalRunsByName.get(newest.spanName) ?? 0),
      lastError: newest.error,
      samples: g.samples.slice(0, Math.max(1, maxSamples)),
    };
    const column = g.samples.find((s) => s.source.column !== undefined)?.source.column;
    if (column !== undefined) group.column = column;
    const last = newest.timeMs ?? newest.runStartMs;
    if (last !== undefined) group.lastMs = last;
    out.push(group);
  }
  return out.sort(
    (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || b.failedRuns - a.failedRuns || (a.spanName < b.spanName ? -1 : 1),
  );
}

/** Per span name: distinct runs, failed runs, spans, p95 duration. One pass; the input may be a generator. */
export function nameRunStats(summaries: Iterable<SpanSummary>): Map<string, NameRunStats> {
  const acc = new Map<string, { runs: Set<string>; failed: Set<string>; spans: number; durations: number[] }>();
  for (const s of summaries) {
    let a = acc.get(s.name);
    if (!a) acc.set(s.name, (a = { runs: new Set(), failed: new Set(), spans: 0, durations: [] }));
    a.runs.add(s.runId);
    if (s.status === 'error') a.failed.add(s.runId);
    a.spans++;
    if (s.durationMs !== undefined && Number.isFinite(s.durationMs)) a.durations.push(s.durationMs);
  }
  const out = new Map<string, NameRunStats>();
  for (const [name, a] of acc) {
    const sorted = Float64Array.from(a.durations).sort();
    out.set(name, { name, runs: a.runs.size, failedRuns: a.failed.size, spans: a.spans, p95Ms: nearestRank(sorted, 95) });
  }
  return out;
}

/** Sums per-store stats (runs of different stores are different runs); p95 is the worst store's. */
export function mergeNameRunStats(parts: Iterable<ReadonlyMap<string, NameRunStats>>): Map<string, NameRunStats> {
  const out = new Map<string, NameRunStats>();
  for (const part of parts) {
    for (const [name, s] of part) {
      const o = out.get(name);
      if (!o) {
        out.set(name, { ...s });
        continue;
      }
      o.runs += s.runs;
      o.failedRuns += s.failedRuns;
      o.spans += s.spans;
      o.p95Ms = o.p95Ms === null ? s.p95Ms : s.p95Ms === null ? o.p95Ms : Math.max(o.p95Ms, s.p95Ms);
    }
  }
  return out;
}

function runs(n: number): string {
  return `${n} run${n === 1 ? '' : 's'}`;
}

/** `failed in 8 of 40 runs`, `failed in 1 of 1 run`. */
export function failedInText(g: Pick<FailureGroup, 'failedRuns' | 'totalRuns'>): string {
  return `failed in ${g.failedRuns} of ${runs(Math.max(g.failedRuns, g.totalRuns))}`;
}

/** `score_risk failed in 8 of 40 runs · last: KeyError: 'income' · 2 h ago` (plus ` · (guess)`). */
export function failureLensText(g: FailureGroup, nowMs: number = Date.now()): string {
  const parts = [`${oneLine(g.spanName, 80)} ${failedInText(g)}`];
  if (g.lastError) parts.push(`last: ${oneLine(g.lastError, 80)}`);
  if (g.lastMs !== undefined) parts.push(formatAgo(g.lastMs, nowMs));
  if (g.guess) parts.push('(guess)');
  return parts.join(' · ');
}

/** The Problems panel's message: `score_risk failed in 8 of 40 runs: KeyError: 'income'`. */
export function failureDiagnosticText(g: FailureGroup): string {
  let text = `${oneLine(g.spanName, 120)} ${failedInText(g)}`;
  if (g.lastError) text += `: ${oneLine(g.lastError, 300)}`;
  if (g.guess) text += ' (location guessed from the step name)';
  return text;
}

/** `score_risk · 40 runs · p95 1.20 s`: the quieter lens of a line whose spans ran. */
export function passingLensText(s: NameRunStats): string {
  const parts = [oneLine(s.name, 80), runs(s.runs)];
  if (s.failedRuns > 0) parts.push(`${s.failedRuns} failed`);
  if (s.p95Ms !== null) parts.push(`p95 ${formatDuration(s.p95Ms)}`);
  return parts.join(' · ');
}

function oneLine(text: string, max: number): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
