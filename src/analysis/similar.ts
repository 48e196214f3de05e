/**
 * Similar failures, for every store: claude-flow's `find_similar_failures` (claude-flow-novice,
 * src/workflow_codification/tracing/trace_query.py: Jaccard similarity of lower-cased word sets,
 * kept when above 0.3, rounded to two decimals, most similar first), with two differences: words
 * are split at punctuation as well as spaces (`timeout,` is `timeout`), and before comparing
 * what differs between two occurrences of the same failure — ids, numbers, hex, paths, URLs,
 * times — is masked, so
 *
 *   timeout after 30s on run 8f3a…   and   timeout after 45s on run 91c2…
 *
 * are one word set, {timeout, after, <num>, on, run, <id>}, and similarity 1.
 *
 * Pure functions over the model, plus `collectFailureCandidates`, which reads a TraceStore's
 * recent failures through its interface (no format, no 'vscode').
 */
import { errorText, headlineOf, parseErrorText, TRACEBACK_HEADER } from '../model/errors';
import type { Run, Span, SpanError } from '../model/types';
import { ownFailures } from './failures';
import { storeKind } from '../sources/kinds';
import type { TraceStore } from '../sources/types';

/** claude-flow's threshold: two failures are "similar" above it. */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.3;
/** Failed runs read per store (newest first): bounds the cost on a store with years of failures. */
export const DEFAULT_MAX_FAILED_RUNS = 500;
/** Of those, the newest whose spans are read for their own errors; older runs count by their run error. */
export const DEFAULT_MAX_SPAN_RUNS = 500;
/** The same for a store on a server (a query per run): claude-flow's own search reads its newest 100 failed traces. */
export const SERVER_MAX_SPAN_RUNS = 100;
/** Longest failure text compared: a multi-megabyte error message is not read word by word. */
const MAX_TEXT = 2000;

// ---- normalization ----

/** Each rule replaces what varies between occurrences of one failure by a placeholder word. */
const RULES: Array<[RegExp, string]> = [
  // URLs before paths: their path part is not a file.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>()[\]{}]+/g, ' <url> '],
  // Windows paths (C:\x\y.py) and UNC shares (\\server\share).
  [/\b[a-z]:\\[^\s'"`<>|]*/g, ' <path> '],
  [/\\\\[^\s'"`<>|\\]+\\[^\s'"`<>|]*/g, ' <path> '],
  // Absolute, home and dot-relative POSIX paths: /a/b.py, ~/x, ./x, ../x.
  [/(^|[\s'"`(=:,[{<])(?:~|\.\.?)?\/[\w.@%+~-][^\s'"`<>()[\]{},;]*/g, '$1 <path> '],
  // Relative paths with a folder and a file extension: pipeline/score.py, src/a/b.ts.
  [/\b[\w.-]+(?:\/[\w.-]+)+\.[a-z]\w{0,7}\b/g, ' <path> '],
  // UUIDs.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, ' <id> '],
  // ISO dates and times (2026-01-07T09:15:02.250Z), and times of day (14:03:22.120).
  [/\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?(?![\w])/g, ' <time> '],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, ' <time> '],
  // 0x… hex.
  [/\b0x[0-9a-f]+\b/g, ' <id> '],
  // A quoted token with a digit in it is an id ('job-42', "8f3a2b"); a quoted word ('income') is not.
  [/(['"`])(?=[^'"`\s]*\d)[^'"`\s]{1,200}\1/g, ' <id> '],
  // Hex runs with letters and digits (8f3a, 4d2e9f10, a1b2c3d4e5f6), 4 characters or more.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{4,}\b/g, ' <id> '],
  // Long random-looking tokens (base62 ids): 8+ letters and digits with at least two of each.
  [/\b(?=(?:[a-z]*\d){2})(?=(?:\d*[a-z]){2})[a-z0-9]{8,}\b/g, ' <id> '],
  // Numbers, with a unit when they have one (30s, 45 ms, 1.5GB, 99%, 3x), not inside a word (utf8, int64, v1.2).
  [
    /(?<![a-z0-9.])[-+]?\d+(?:[.,]\d+)*(?:\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|b|kb|mb|gb|tb|kib|mib|gib|%|x)(?![a-z0-9]))?(?![a-z0-9])/g,
    ' <num> ',
  ],
];

/**
 * The failure text with what varies masked, lower-cased, whitespace collapsed:
 * `Timeout after 30s on run 8f3a…` → `timeout after <num> on run <id> …`.
 * Masked: URLs (<url>), paths (<path>: /a/b.py, C:\x, ./x, src/a.ts), uuids, hex (8f3a, 0x1f),
 * quoted tokens with digits, long random ids (<id>), ISO dates and times (<time>),
 * numbers with their unit (<num>: 30s, 45 ms, 1.5GB, 99%).
 */
export function normalizeFailureText(text: string): string {
  let s = text.slice(0, MAX_TEXT).toLowerCase();
  for (const [re, to] of RULES) s = s.replace(re, to);
  return s.replace(/\s+/g, ' ').trim();
}

/** The words of a failure after normalization: placeholders (<num>) are words too. */
export function wordSet(text: string): Set<string> {
  return new Set(normalizeFailureText(text).match(/<[a-z]+>|[\p{L}\p{N}_]+/gu) ?? []);
}

/** |a ∩ b| / |a ∪ b|; 0 when either is empty (an empty message is like nothing). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const w of small) if (large.has(w)) common++;
  return common / (a.size + b.size - common);
}

// ---- failure texts ----

/**
 * The text a failure is compared by: `Type: message`, where a Python traceback counts by its last
 * line (`KeyError: 'income'`) — tracebacks share their boilerplate, so comparing whole ones would
 * make every Python failure alike. '' when there is nothing to compare.
 */
export function failureText(error: SpanError | string | undefined): string {
  if (error === undefined) return '';
  const e: SpanError = typeof error === 'string' ? parseErrorText(error) : error;
  let message = (e.message ?? '').trim();
  // A traceback kept as the message, or no message: the exception line (model/errors' headline).
  if (message.startsWith(TRACEBACK_HEADER)) message = headlineOf(message);
  // A Python stack ends with the error; a V8 / Java one starts with it.
  if (message === '' && e.stack) message = headlineOf(e.stack);
  const type = e.type?.trim();
  const text = errorText({ type, message });
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
}

/** The text of a failed span (its error), or '' when it recorded none. */
export function spanFailureText(span: Pick<Span, 'error'>): string {
  return failureText(span.error);
}

/** The text of a failed run: its error, else its first own failed span's. */
export function runFailureText(run: Pick<Run, 'error'>, spans: readonly Span[] = []): string {
  const t = failureText(run.error);
  if (t) return t;
  for (const s of ownFailures(spans)) {
    const st = spanFailureText(s);
    if (st) return st;
  }
  return '';
}

// ---- search ----

/** One failure that may be like the target: a failed run, or a failed span of it. */
export interface FailureCandidate {
  run: Run;
  span?: Span;
  /** What it is compared by: `failureText` of the span's or the run's error. */
  text: string;
}

export interface SimilarOptions {
  /** Similarities above this are kept, 0..1 (default 0.3, as claude-flow). */
  threshold?: number;
  /** At most this many results (default: all). */
  limit?: number;
}

/** A candidate with its similarity to the target: 0..1, two decimals. */
export type SimilarFailure<C extends { text: string } = FailureCandidate> = C & { similarity: number };

/**
 * The candidates whose failure is like `target` (similarity above the threshold), most similar first (ties: newest run first,
 * then input order), each with its `similarity` rounded to two decimals. Candidates with the
 * same text are compared once.
 */
export function findSimilarFailures<C extends { text: string; run?: Pick<Run, 'startMs'> }>(
  target: string,
  candidates: Iterable<C>,
  options: SimilarOptions = {},
): Array<SimilarFailure<C>> {
  const threshold = options.threshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  // The target read as an error is (a pasted `Agent execution failed with KeyError: …` or a whole
  // traceback compares by what the failure is, as the candidates do).
  const words = wordSet(failureText(parseErrorText(target)) || target);
  const scores = new Map<string, number>();
  const hits: Array<{ c: C; score: number; i: number }> = [];
  let i = 0;
  for (const c of candidates) {
    let score = scores.get(c.text);
    if (score === undefined) {
      score = jaccard(words, wordSet(c.text));
      scores.set(c.text, score);
    }
    if (score > 0 && score > threshold) hits.push({ c, score, i });
    i++;
  }
  hits.sort(
    (a, b) =>
      b.score - a.score ||
      (b.c.run?.startMs ?? Number.NEGATIVE_INFINITY) - (a.c.run?.startMs ?? Number.NEGATIVE_INFINITY) ||
      a.i - b.i,
  );
  const kept = options.limit !== undefined && options.limit > 0 ? hits.slice(0, options.limit) : hits;
  return kept.map((h) => ({ ...h.c, similarity: roundSimilarity(h.score) }));
}

/** Two decimals: 0.5714… → 0.57. */
export function roundSimilarity(x: number): number {
  return Math.round(x * 100) / 100;
}

/** `57%`: how the sidebar and the CLI print a similarity. */
export function similarityPercent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

// ---- candidates from a store ----

export interface CollectOptions {
  /** Failed runs read, newest first (default 500). */
  maxRuns?: number;
  /** Of those, the newest whose spans are read (default 500; 100 for claude-flow, a query each); older ones count by their run's error. */
  maxSpanRuns?: number;
  /** Spans read in parallel (default 4). */
  concurrency?: number;
}

/**
 * A store's recent failures as candidates: for each of the newest failed runs, its own failed
 * spans (one per distinct normalized text), or the run itself when no span says more. Reads
 * `listRuns({status: 'error'})` once and `getSpans` per run; a run whose spans cannot be read
 * counts by its run error.
 */
export async function collectFailureCandidates(store: TraceStore, options: CollectOptions = {}): Promise<FailureCandidate[]> {
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_FAILED_RUNS;
  const maxSpanRuns = options.maxSpanRuns ?? (storeKind(store).cost.spansPerRunQuery ? SERVER_MAX_SPAN_RUNS : DEFAULT_MAX_SPAN_RUNS);
  // The newest failures whatever their age, as claude-flow's find_similar_failures reads them.
  const runs = await store.listRuns({ status: 'error', limit: maxRuns, anyAge: true });
  const perRun: FailureCandidate[][] = runs.map(() => []);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const k = next++;
      if (k >= runs.length) return;
      const run = runs[k]!;
      let spans: Span[] = [];
      if (k < maxSpanRuns && run.spanCount !== 0) {
        try {
          spans = await store.getSpans(run.id);
        } catch {
          spans = []; // the run still counts by its own error
        }
      }
      perRun[k] = runCandidates(run, spans);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, runs.length)) }, worker));
  return perRun.flat();
}

/** A failed run's candidates: its own failed spans with distinct texts, else the run. */
export function runCandidates(run: Run, spans: readonly Span[]): FailureCandidate[] {
  const out: FailureCandidate[] = [];
  const seen = new Set<string>();
  for (const span of ownFailures(spans)) {
    const text = spanFailureText(span);
    if (!text) continue;
    const key = normalizeFailureText(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ run, span, text });
  }
  if (out.length === 0) {
    const text = failureText(run.error);
    if (text) out.push({ run, text });
  }
  return out;
}
