/**
 * JavaScript stacks: V8's `err.stack` (Node, Chrome; what OpenTelemetry JS's
 * `recordException` stores in `exception.stacktrace`), innermost frame first already:
 *
 *     at scoreRisk (/app/src/score.js:8:10)
 *     at async Promise.all (index 0)          ← no location: skipped
 *     at /app/src/enrich.js:5:50              ← anonymous function
 *     at eval (eval at run (/app/x.js:3:5), <anonymous>:1:1)   ← the eval's call site
 *
 * plus Firefox/Safari's `scoreRisk@http://localhost:3000/src/score.ts:8:10` (browser spans).
 * `cause` chains are not printed by V8 in `stack`, so there is one exception per text.
 */
import type { StackFrame } from './types';

const AT = /^\s*at\s+(.*)$/;
const WITH_FN = /^(.*?)\s+\((.*)\)$/;
const LOCATION = /^(.*):(\d+):(\d+)$/;
const LOCATION_NO_COL = /^(.*):(\d+)$/;
const EVAL_SITE = /\(([^()]+):(\d+):(\d+)\)/;
const GECKO = /^\s*([^@\s]*)@(.+):(\d+):(\d+)\s*$/;

export function parseV8Stack(text: string): StackFrame[] {
  const out: StackFrame[] = [];
  for (const line of text.split(/\r?\n/)) {
    const at = AT.exec(line);
    const frame = at ? v8Frame(at[1]!.trim()) : geckoFrame(line);
    if (frame) out.push(frame);
  }
  return out;
}

function v8Frame(body: string): StackFrame | undefined {
  let fn: string | undefined;
  let loc = body;
  const withFn = WITH_FN.exec(body);
  if (withFn) {
    fn = withFn[1]!.replace(/^async\s+/, '').replace(/^new\s+/, '').replace(/\s+\[as [^\]]+\]$/, '');
    loc = withFn[2]!;
  }
  if (loc.startsWith('eval at ')) {
    const site = EVAL_SITE.exec(loc);
    if (!site) return undefined;
    return make(site[1]!, site[2]!, site[3], fn);
  }
  const m = LOCATION.exec(loc) ?? LOCATION_NO_COL.exec(loc);
  if (!m) return undefined; // `native`, `<anonymous>`, `index 0`
  return make(m[1]!, m[2]!, m[3], fn);
}

function geckoFrame(line: string): StackFrame | undefined {
  const m = GECKO.exec(line);
  if (!m) return undefined;
  return make(m[2]!, m[3]!, m[4], m[1] || undefined);
}

function make(path: string, line: string, column: string | undefined, fn: string | undefined): StackFrame | undefined {
  const n = Number(line);
  if (!(n > 0) || path === '') return undefined;
  const frame: StackFrame = { path, line: n, language: 'javascript' };
  if (column !== undefined && Number(column) > 0) frame.column = Number(column);
  if (fn) frame.function = fn;
  return frame;
}
