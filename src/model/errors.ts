/**
 * Error text → SpanError: the one place an error's type, message and stack are derived from
 * what a store recorded as text. Pure, string operations only (no regex that can backtrack on
 * what a pipeline wrote).
 *
 * Understood, outermost first:
 *   - Flujo's wrapper `Agent execution failed with KeyError: 'income'` (agent_execution_runner:
 *     `f"… with {type(e).__name__}: {e}"`) → type `KeyError`, message `'income'`. A LoopStep's
 *     `Loop body failed: …` stays its message (the body's span has the error), the agent's
 *     wrapper inside it dropped.
 *   - An exception whose message embeds a traceback (`RuntimeError: compute_dti failed:\n
 *     Traceback (most recent call last): … KeyError: 'income'`) → the type is the outer one
 *     (the exception that was caught), the traceback is the stack (its innermost user frame is
 *     the source), and the message ends with the traceback's own last line.
 *   - A bare Python traceback → its last line gives type and message, the whole text the stack.
 *   - `ValueError: …` on one line → type and message; anything else is the message.
 */
import type { Attributes, SpanError } from './types';

/** How a Python traceback starts (traceback.format_exc). */
export const TRACEBACK_HEADER = 'Traceback (most recent call last):';
const TRACEBACK = TRACEBACK_HEADER;
/** Flujo's wrappers around a step's failure (loop_iteration_runner, agent_execution_runner). */
const LOOP_WRAPPER = 'Loop body failed: ';
const AGENT_WRAPPER = 'Agent execution failed with ';
/** Words an exception class name ends with, for one-line `Name: message` text that has no traceback. */
const EXCEPTION_SUFFIXES = ['Error', 'Exception', 'Exit', 'Interrupt', 'Warning', 'Timeout', 'Cancelled', 'StopIteration', 'Failure'];
/** Longest text read: a multi-megabyte message is cut, not scanned whole. */
const MAX_TEXT = 200_000;

/** How much of an exception's message to keep. */
export interface ParseErrorOptions {
  /**
   * Keep a message of several lines (`raise ParseError("could not parse\nthe second line")`,
   * waft): the exception line is the last unindented `Class: message` line of the traceback and
   * the lines below it are the rest of its message. Without it the traceback's last line is the
   * exception (a one-line message, what the other stores' texts come down to).
   */
  keepMessageLines?: boolean;
}

/** `text` as a SpanError (see the module comment). Empty text gives an empty message. */
export function parseErrorText(text: string, options: ParseErrorOptions = {}): SpanError {
  let s = trimEnd(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).trimStart();
  // A loop says its body failed and keeps saying so; the agent's wrapper inside it is dropped.
  const loop = s.startsWith(LOOP_WRAPPER) ? LOOP_WRAPPER : '';
  if (loop) s = s.slice(loop.length).trimStart();
  const wrapped = s.startsWith(AGENT_WRAPPER) && s.length > AGENT_WRAPPER.length;
  if (wrapped) s = s.slice(AGENT_WRAPPER.length);
  if (loop) return { message: loop + s };
  const tb = tracebackError(s, options);
  if (tb) return tb;
  const lines = nonEmptyLines(s);
  const one = lines.length === 1 ? nameAndRest(lines[0]!.trim()) : undefined;
  if (one && (wrapped || looksLikeException(one.name))) return { type: one.name, message: one.rest || one.name };
  return { message: s.trim() };
}

/**
 * Text holding a Python traceback as a SpanError (see the module comment), undefined when it
 * holds none: for a store whose other texts are messages as they are (waft's `str(e)`).
 */
export function parseTraceback(text: string, options: ParseErrorOptions = {}): SpanError | undefined {
  return tracebackError(trimEnd(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).trimStart(), options);
}

function tracebackError(s: string, options: ParseErrorOptions): SpanError | undefined {
  const tb = s.indexOf(TRACEBACK);
  if (tb < 0) return undefined;
  const head = s.slice(0, tb).trim();
  const stack = s.slice(tb).trim();
  const found = options.keepMessageLines ? exceptionLines(stack) : undefined;
  const last = found ?? lastLine(stack);
  const inner = found !== undefined ? nameAndRest(firstLine(found)) : nameAndRest(last);
  if (head === '') {
    if (!inner) return { message: last, stack };
    // The class name starts the exception line; what follows it (past the colon) is the message.
    const rest = found !== undefined ? found.slice(inner.name.length + 1).trim() : inner.rest;
    return { type: inner.name, message: rest || inner.name, stack };
  }
  // The exception that was caught names the failure; what it wraps is said in its message.
  const outer = nameAndRest(firstLine(head));
  const headText = outer ? head.slice(head.indexOf(':') + 1).trim() : head;
  const message = joinCause(headText, last);
  return outer ? { type: outer.name, message: message || outer.name, stack } : { message, stack };
}

/**
 * A traceback's exception with the lines of its message below it: from the last unindented line
 * that names an exception class (`pkg.ParseError: could not parse`; frames and their source lines
 * are indented) to the end. Undefined when no such line follows the header.
 */
function exceptionLines(stack: string): string | undefined {
  const lines = stack.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  for (let i = lines.length - 1; i > 0; i--) {
    const l = lines[i]!;
    if (l.trim() === '' || isIndented(l)) continue;
    const named = nameAndRest(l.trimEnd());
    if (named && startsUpper(named.name.slice(named.name.lastIndexOf('.') + 1))) return lines.slice(i).join('\n').trim();
  }
  return undefined;
}

function isIndented(line: string): boolean {
  return /^\s/.test(line);
}

function startsUpper(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 65 && c <= 90;
}

/**
 * What a failure comes down to: a loop's `Loop body failed: …` is its body's error (what a run's
 * error line says); any other error is its own cause.
 */
export function errorCause(e: SpanError): SpanError {
  if (e.type === undefined && e.message.startsWith(LOOP_WRAPPER)) return parseErrorText(e.message.slice(LOOP_WRAPPER.length));
  return e;
}

/**
 * `Type: message`: how every surface prints an error (the one function; grep before writing another).
 * The type is not repeated when the message already starts with it (`KeyError: 'x'` recorded as
 * the message); a type without a message is the type alone.
 */
export function errorText(e: { type?: string | undefined; message: string }): string {
  const type = e.type?.trim() ?? '';
  if (type === '') return e.message;
  if (e.message.trim() === '') return type;
  return e.message.startsWith(type) ? e.message : `${type}: ${e.message}`;
}

/**
 * The same on one line, for a run's error, a table cell or a label: the message's first
 * non-empty line — a Python traceback's last ("KeyError: 'x'", not "Traceback (most recent…").
 */
export function errorHeadline(e: { type?: string | undefined; message: string }): string {
  return errorText({ type: e.type, message: headlineOf(e.message) });
}

/** A message's first non-empty line, trimmed; a traceback's last line. */
export function headlineOf(message: string): string {
  const lines = nonEmptyLines(message);
  if (lines.length === 0) return '';
  const first = lines[0]!.trim();
  return lines.length > 1 && first.startsWith(TRACEBACK) ? lines[lines.length - 1]!.trim() : first;
}

/** The OpenTelemetry event a span records an exception with (semantic conventions: `exception.*` attributes). */
export const EXCEPTION_EVENT = 'exception';

/**
 * Which of a span's `exception` events is its error: one marked `exception.escaped = true` (it
 * left the span) if any, else the LAST. Instrumentations record an exception when it ends the
 * span (`recordException` just before `end`); exceptions recorded earlier on the same span were
 * caught and retried past, so the last is the one that made it fail. The OTLP reader, the
 * normalize pass and Span Details all ask here.
 */
export function exceptionEvent<E extends { name: string; attributes: Readonly<Record<string, unknown>> }>(events: readonly E[]): E | undefined {
  let last: E | undefined;
  let escaped: E | undefined;
  for (const e of events) {
    if (e.name !== EXCEPTION_EVENT) continue;
    last = e;
    if (e.attributes['exception.escaped'] === true || e.attributes['exception.escaped'] === 'true') escaped = e;
  }
  return escaped ?? last;
}

/**
 * A span's error from its exception events (exceptionEvent's choice): type, message, stacktrace.
 * `fallback` is the message when the event has none (the OTLP span's status message).
 */
export function errorFromExceptionEvents(
  events: readonly { name: string; attributes: Readonly<Attributes> | Readonly<Record<string, unknown>> }[],
  fallback?: string,
): SpanError | undefined {
  const ex = exceptionEvent(events);
  if (!ex) return undefined;
  const a = ex.attributes;
  const type = nonBlank(a['exception.type']);
  const e: SpanError = { message: nonBlank(a['exception.message']) ?? fallback ?? type ?? 'exception' };
  if (type !== undefined) e.type = type;
  const stack = nonBlank(a['exception.stacktrace']);
  if (stack !== undefined) e.stack = stack;
  return e;
}

function nonBlank(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** `compute_dti failed:` + `KeyError: 'income'` → `compute_dti failed: KeyError: 'income'`. */
function joinCause(head: string, cause: string): string {
  if (cause === '' || head.endsWith(cause)) return head;
  if (head === '') return cause;
  return head.endsWith(':') ? `${head} ${cause}` : `${head}: ${cause}`;
}

/** `Name: rest` where Name is a (dotted) identifier; undefined otherwise. */
function nameAndRest(line: string): { name: string; rest: string } | undefined {
  const colon = line.indexOf(':');
  const name = colon >= 0 ? line.slice(0, colon) : line;
  if (!isDottedIdentifier(name)) return undefined;
  return { name, rest: colon >= 0 ? line.slice(colon + 1).trim() : '' };
}

function looksLikeException(name: string): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1);
  return EXCEPTION_SUFFIXES.some((s) => last.endsWith(s));
}

/** `a.b.KeyError`: identifiers joined by dots, checked character by character. */
function isDottedIdentifier(s: string): boolean {
  if (s === '' || s.length > 200) return false;
  let start = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    const digit = c >= 48 && c <= 57;
    if (c === 46 /* . */) {
      if (start) return false;
      start = true;
    } else if (letter || (digit && !start)) {
      start = false;
    } else {
      return false;
    }
  }
  return !start;
}

function nonEmptyLines(s: string): string[] {
  return s.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim() !== '');
}

function lastLine(s: string): string {
  const lines = nonEmptyLines(s);
  return (lines[lines.length - 1] ?? '').trim();
}

function firstLine(s: string): string {
  return (nonEmptyLines(s)[0] ?? '').trim();
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(0, end);
}
