/**
 * Which files in the workspace are trace stores, beside `**\/flujo_ops.db` and the user's
 * `spanlens.storeGlobs`: waft's daily files (one store per `_pyrite/analytics/traces` folder)
 * and OpenTelemetry OTLP/JSON files by their usual names. A guess by name only: every store is
 * detected by its content when read (src/sources/detect.ts), so a wrong guess is an error node
 * on that store, never a crash. Node 'path' only (no 'vscode').
 */
import * as path from 'path';
import { FOLDER_STORE_TAILS, kindGlobs } from '../../sources/kinds';
import { isWaftTracesDir } from '../../sources/storeFiles';

/**
 * Found on their own besides `spanlens.storeGlobs` (whose default the kinds give too): every
 * store kind's globs (src/sources/<format>/kind.ts), folder stores included.
 */
export const BUILTIN_EXTRA_GLOBS: readonly string[] = kindGlobs((k) => k.discovery.inStoreGlobsSetting !== true);

/** The default of `spanlens.storeGlobs`: the kinds whose files the user's globs extend. */
export const SETTING_DEFAULT_GLOBS: readonly string[] = kindGlobs((k) => k.discovery.inStoreGlobsSetting === true);

/** Every glob searched: `base` (the built-in flujo_ops.db glob plus the user's) and the built-in others. */
export function discoveryGlobs(base: readonly string[]): string[] {
  return [...new Set([...base, ...BUILTIN_EXTRA_GLOBS])];
}

export { isWaftTracesDir };

/**
 * The store a found file belongs to: a file of a folder store (a waft daily file, a file of a
 * receiver's `.spanlens/otlp`) → that folder (one store per folder); else the file.
 */
export function storeIdForFile(file: string): string {
  const dir = path.dirname(file);
  const parts = path.resolve(dir).split(/[\\/]+/);
  return FOLDER_STORE_TAILS.some((tail) => parts.slice(-tail.length).join('/') === tail.join('/')) ? dir : file;
}

/** The project a waft traces folder belongs to (the folder holding `_pyrite`); undefined for other paths. */
export function waftProjectDir(id: string): string | undefined {
  if (!isWaftTracesDir(id)) return undefined;
  return path.dirname(path.dirname(path.dirname(path.resolve(id))));
}
