/**
 * Python tracebacks (`traceback.format_exc()`, what Flujo keeps in `feedback` and
 * OpenTelemetry's Python SDK in `exception.stacktrace`).
 *
 * Python prints outermost frame first, and chained exceptions ("During handling of the above
 * exception…", "The above exception was the direct cause…") oldest first. Frames come back
 * innermost-first and the last (most recent) exception first: that is where the failure
 * surfaced, while the causes before it follow as fallbacks.
 */
import type { StackFrame } from './types';

// Exception groups prefix their lines with `|` and `+-+---`; ignore that margin.
const MARGIN = /^[\s|+\-]*/;
const HEADER = /^(Exception Group )?Traceback \(most recent call last\):/;
const FRAME = /^File "(.+)", line (\d+)(?:, in (.+?))?\s*$/;

export function parsePythonStack(text: string): StackFrame[] {
  const blocks: StackFrame[][] = [];
  let current: StackFrame[] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(MARGIN, '');
    if (HEADER.test(line)) {
      current = [];
      blocks.push(current);
      continue;
    }
    const m = FRAME.exec(line);
    if (!m) continue;
    if (!current) {
      // Frames without a header (`traceback.format_stack()`): one block.
      current = [];
      blocks.push(current);
    }
    const frame: StackFrame = { path: m[1]!, line: Number(m[2]), language: 'python' };
    if (m[3]) frame.function = m[3];
    current.push(frame);
  }
  const out: StackFrame[] = [];
  for (let b = blocks.length - 1; b >= 0; b--) {
    const block = blocks[b]!;
    for (let i = block.length - 1; i >= 0; i--) out.push(block[i]!);
  }
  return out.filter((f) => f.line > 0);
}
