/**
 * Which files in the workspace are trace stores, beside `**\/flujo_ops.db` and the user's
 * `spanlens.storeGlobs`: waft's daily files (one store per `_pyrite/analytics/traces` folder)
 * and OpenTelemetry OTLP/JSON files by their usual names. A guess by name only: every store is
 * detected by its content when read (src/sources/detect.ts), so a wrong guess is an error node
 * on that store, never a crash. Node 'path' only (no 'vscode').
 */
import * as path from 'path';
import { isReceiverDir, RECEIVER_DIR_PATH, ruleGlob, STORE_NAME_RULES, WAFT_TRACES_PATH } from '../../sources/storeFiles';

/** waft writes `_pyrite/analytics/traces/YYYY-MM-DD.jsonl` under the project it runs in. */
export const WAFT_GLOB = `**/${WAFT_TRACES_PATH.join('/')}/*.jsonl`;

/** OTLP/JSON by name (sources/storeFiles has the rules the CLI walks a folder with too). */
export const OTLP_GLOBS = STORE_NAME_RULES.filter((r) => r.kind === 'otlp').map(ruleGlob);

/** Where `spanlens receive` and the extension's receiver keep spans by default: the folder is one store. */
export const RECEIVER_GLOB = `**/${RECEIVER_DIR_PATH.join('/')}/*.jsonl`;

/** Found on their own besides flujo_ops.db and spanlens.storeGlobs. */
export const BUILTIN_EXTRA_GLOBS: readonly string[] = [WAFT_GLOB, ...OTLP_GLOBS, RECEIVER_GLOB];

const WAFT_TAIL = WAFT_TRACES_PATH;

/** Every glob searched: `base` (the built-in flujo_ops.db glob plus the user's) and the built-in others. */
export function discoveryGlobs(base: readonly string[]): string[] {
  return [...new Set([...base, ...BUILTIN_EXTRA_GLOBS])];
}

/** Whether `dir` is a waft traces folder (`…/_pyrite/analytics/traces`). */
export function isWaftTracesDir(dir: string): boolean {
  const parts = path.resolve(dir).split(/[\\/]+/);
  return parts.slice(-3).join('/') === WAFT_TAIL.join('/');
}

/**
 * The store a found file belongs to: a waft daily file → its traces folder, a file of a
 * receiver's `.spanlens/otlp` → that folder (one store per folder); else the file.
 */
export function storeIdForFile(file: string): string {
  const dir = path.dirname(file);
  return isWaftTracesDir(dir) || isReceiverDir(dir) ? dir : file;
}

/** The project a waft traces folder belongs to (the folder holding `_pyrite`); undefined for other paths. */
export function waftProjectDir(id: string): string | undefined {
  if (!isWaftTracesDir(id)) return undefined;
  return path.dirname(path.dirname(path.dirname(path.resolve(id))));
}
