/**
 * Status words: the one table of what a word a user types (or a store writes, read by its meaning)
 * says about a status. The CLI's --status, search's `status:` and the views read words here; a
 * reader's exact vocabulary (Flujo's runs.status, claude-flow's CHECK list) stays with the reader.
 */
import type { Status } from './types';
import { STATUSES } from './types';

export function isStatus(s: string): s is Status {
  return (STATUSES as readonly string[]).includes(s);
}

/**
 * Word → status: the model's words, the views' (passed, failed), and the stores' own — Flujo's
 * completed/failed/running/paused, claude-flow's success/failed/timeout/running, waft's
 * success/error/pending, OpenTelemetry's STATUS_CODE_* — and the usual synonyms.
 */
const WORDS: Readonly<Record<string, Status>> = {
  ok: 'ok', pass: 'ok', passed: 'ok', success: 'ok', succeeded: 'ok', successful: 'ok', completed: 'ok', complete: 'ok',
  done: 'ok', status_code_ok: 'ok',
  error: 'error', err: 'error', errors: 'error', fail: 'error', failed: 'error', failure: 'error',
  timeout: 'error', timed_out: 'error', cancelled: 'error', canceled: 'error', status_code_error: 'error',
  running: 'running', started: 'running', in_progress: 'running', pending: 'running',
  paused: 'paused',
  unset: 'unset', status_code_unset: 'unset',
};

/**
 * Words that name one kind of a status rather than the status itself: `timeout` is an error, but
 * not every error timed out. A filter on such a word keeps the runs whose own word it is.
 */
const NARROWING = new Set(['timeout', 'timed_out', 'cancelled', 'canceled']);

/** The status a word names, trimmed and case-insensitive; undefined for a word that names none. */
export function statusFromWord(word: string): Status | undefined {
  const w = word.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(WORDS, w) ? WORDS[w] : undefined;
}

/** A status filter from a word: the status, and the store's own word to keep when the word narrows it (`timeout`). */
export interface StatusWordFilter {
  status: Status;
  rawWord?: string;
}

export function statusFilterFromWord(word: string): StatusWordFilter | undefined {
  const status = statusFromWord(word);
  if (status === undefined) return undefined;
  const w = word.trim().toLowerCase();
  return NARROWING.has(w) ? { status, rawWord: w } : { status };
}

/** Whether something with `status` and the store's word `raw` passes `f`. */
export function matchesStatusWord(f: StatusWordFilter, status: Status, raw: string): boolean {
  return status === f.status && (f.rawWord === undefined || raw.trim().toLowerCase() === f.rawWord);
}

/** Whether the store's word says no more than the status (`completed` for ok): views need not show it. */
export function isPlainWordFor(raw: string, status: Status): boolean {
  const w = raw.trim().toLowerCase();
  return w === '' || (statusFromWord(w) === status && !NARROWING.has(w));
}

/** Examples for help and error texts: the model's words and a store's. */
export const STATUS_WORD_EXAMPLES = `${STATUSES.join(', ')} (or a store's own word: failed, completed, success, timeout, …)`;
