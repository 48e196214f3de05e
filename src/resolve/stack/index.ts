/**
 * Any stack text → frames, innermost first, the most recent exception first (its causes
 * after it). Each runtime's format has its own parser; the text goes to the one that reads
 * the most frames from it, so no format sniffing has to be right first time.
 */
import { parseDotnetStack } from './dotnet';
import { parseGoStack } from './go';
import { parseJavaStack } from './java';
import { parsePythonStack } from './python';
import type { StackFrame } from './types';
import { isUserFrame } from './userCode';
import { parseV8Stack } from './v8';

export type { StackFrame, StackLanguage } from './types';
export { isUserFrame, isUserPath, type FrameLike } from './userCode';
export { parsePythonStack } from './python';
export { parseV8Stack } from './v8';
export { parseJavaStack } from './java';
export { parseGoStack } from './go';
export { parseDotnetStack } from './dotnet';

// Order settles ties; the formats are disjoint enough that ties mean zero frames.
const PARSERS = [parsePythonStack, parseV8Stack, parseJavaStack, parseDotnetStack, parseGoStack];

/**
 * Longer texts keep only their first and last halves of this: some stores hold megabytes,
 * and the most recent exception is printed first (V8, Java, Go) or last (Python, .NET).
 */
export const MAX_STACK_CHARS = 256 * 1024;

export function parseStack(text: string): StackFrame[] {
  if (text.length > MAX_STACK_CHARS) {
    const half = MAX_STACK_CHARS / 2;
    text = `${text.slice(0, half)}\n${text.slice(-half)}`;
  }
  // Cheap pre-check: every format puts a line number after a colon, or Python's `line N`.
  if (!/:\d|line \d/.test(text)) return [];
  let best: StackFrame[] = [];
  for (const parse of PARSERS) {
    const frames = parse(text);
    if (frames.length > best.length) best = frames;
  }
  return best;
}

/** The frames of `text` that lie in the user's code, innermost first. */
export function userFrames(text: string): StackFrame[] {
  return parseStack(text).filter(isUserFrame);
}

/** The first user frame: the innermost one of the most recent exception that has one. */
export function innermostUserFrame(text: string): StackFrame | undefined {
  return parseStack(text).find(isUserFrame);
}
