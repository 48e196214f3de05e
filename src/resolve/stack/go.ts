/**
 * Go panics and `runtime/debug.Stack()` text: a function line, then its location indented
 * by a tab, innermost first:
 *
 *     goroutine 1 [running]:
 *     example.com/acme/pipelines/enrich.scoreRisk(...)
 *             /home/ci/project/pipelines/enrich/score.go:24
 *     main.main()
 *             /home/ci/project/cmd/enrich/main.go:12 +0x45
 *
 * Only the first goroutine is read: with GOTRACEBACK=all the others are bystanders, and the
 * panicking one is printed first.
 */
import type { StackFrame } from './types';

const GOROUTINE = /^goroutine \d+ \[/;
// Greedy up to the last parenthesis: methods read `pkg.(*T).Method(0x1)`.
const FUNC = /^(\S.*)\([^()]*\)$/;
const CREATED_BY = /^created by (\S+?)(?: in goroutine \d+)?$/;
const LOCATION = /^\s+(.+?):(\d+)(?: \+0x[0-9a-fA-F]+)?\s*$/;

export function parseGoStack(text: string): StackFrame[] {
  const out: StackFrame[] = [];
  let goroutines = 0;
  let fn: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (GOROUTINE.test(line)) {
      if (++goroutines > 1) break;
      fn = undefined;
      continue;
    }
    const loc = fn !== undefined ? LOCATION.exec(line) : null;
    if (loc && fn !== undefined) {
      const n = Number(loc[2]);
      if (n > 0) out.push({ path: loc[1]!, line: n, function: fn, language: 'go' });
      fn = undefined;
      continue;
    }
    const created = CREATED_BY.exec(line);
    const func = created ? created[1] : FUNC.exec(line)?.[1];
    fn = func !== undefined && !/\s/.test(func) ? func : undefined;
  }
  return out;
}
