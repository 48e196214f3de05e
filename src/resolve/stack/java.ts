/**
 * JVM stacks (`Throwable.printStackTrace`, OpenTelemetry Java's `exception.stacktrace`):
 *
 *     java.lang.IllegalStateException: score_risk failed
 *         at com.acme.pipelines.ScoreRisk.scoreAll(ScoreRisk.java:24)
 *     Caused by: java.lang.NumberFormatException: For input string: "n/a"
 *         at java.base/java.lang.Integer.parseInt(Integer.java:668)
 *         ... 1 more
 *
 * A frame records only the file's name; the package gives its folders, so the path is
 * `com/acme/pipelines/ScoreRisk.java`, which suffix mapping finds under `src/main/java/`.
 * The top exception is the most recent; its "Caused by" chain follows it, as printed.
 */
import type { StackFrame } from './types';

// `at [loader/][module@version/]pkg.Class$Inner.method(File.java:12)`, then logback's `~[app.jar:1.0]`
const FRAME = /^\s*at\s+(?:[\w.$-]*(?:@[^/]*)?\/){0,2}([\w$.<>-]+)\(([^():]+):(\d+)\)(?:\s+~?\[[^\]]*\])?\s*$/;

export function parseJavaStack(text: string): StackFrame[] {
  const out: StackFrame[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const fn = m[1]!;
    const file = m[2]!;
    const n = Number(m[3]);
    if (!(n > 0)) continue;
    out.push({ path: packagePath(fn, file), line: n, function: fn, language: 'java' });
  }
  return out;
}

/** `com.acme.ScoreRisk$1.run` + `ScoreRisk.java` → `com/acme/ScoreRisk.java`: the package is the lower-case prefix. */
function packagePath(fn: string, file: string): string {
  const parts = fn.split('.');
  const pkg: string[] = [];
  for (const p of parts.slice(0, -2)) {
    if (!/^[a-z_][\w]*$/.test(p)) break;
    pkg.push(p);
  }
  return [...pkg, file].join('/');
}
