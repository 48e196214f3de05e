/**
 * .NET `Exception.ToString()` (what OpenTelemetry .NET stores in `exception.stacktrace`).
 * Frames carry a location only when symbols were deployed:
 *
 *     at Acme.Pipelines.Scoring.ScoreRisk(Row row) in /src/Acme.Pipelines/Scoring.cs:line 24
 *
 * Inner exceptions print first, each closed by "--- End of inner exception stack trace ---",
 * and the outer (most recent) exception's frames come last; they are returned first here,
 * then the inner ones. The word "line" is localized, so any word is accepted there.
 */
import type { StackFrame } from './types';

const FRAME = /^\s*at\s+(.+?)\s+in\s+(.+):\p{L}+\s+(\d+)\s*$/u;
const END_OF_INNER = /^\s*---\s*End of inner exception stack trace\s*---/;

export function parseDotnetStack(text: string): StackFrame[] {
  const segments: StackFrame[][] = [[]];
  for (const line of text.split(/\r?\n/)) {
    if (END_OF_INNER.test(line)) {
      segments.push([]);
      continue;
    }
    const m = FRAME.exec(line);
    if (!m) continue;
    const n = Number(m[3]);
    if (!(n > 0)) continue;
    segments[segments.length - 1]!.push({
      path: m[2]!,
      line: n,
      function: m[1]!.replace(/\(.*\)$/, ''),
      language: 'dotnet',
    });
  }
  return segments.reverse().flat();
}
