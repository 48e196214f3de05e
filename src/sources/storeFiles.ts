/**
 * Which files are trace stores by their name, and finding them inside a folder: the rules the
 * extension's discovery turns into workspace globs (extension/stores/discovery.ts) and the CLI
 * walks when it is given a folder. A guess by name only: every store is still detected by its
 * content when opened (detect.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { StoreFormat } from './types';

/** A file name rule: exactly `name`, or `prefix` … `suffix`. */
export interface StoreNameRule {
  /** What the file holds, for messages. */
  kind: StoreFormat;
  prefix: string;
  suffix: string;
  exact?: boolean;
}

export const FLUJO_STORE_NAME = 'flujo_ops.db';

/** Flujo's store by its one name. */
export const FLUJO_NAME_RULES: readonly StoreNameRule[] = [{ kind: 'flujo', prefix: FLUJO_STORE_NAME, suffix: '', exact: true }];

/** OTLP/JSON by the names the Collector's file exporter output is given. */
export const OTLP_NAME_RULES: readonly StoreNameRule[] = [
  { kind: 'otlp', prefix: '', suffix: '.otlp.jsonl' },
  { kind: 'otlp', prefix: '', suffix: '.otlp.json' },
  { kind: 'otlp', prefix: 'otel-traces', suffix: '.jsonl' },
  { kind: 'otlp', prefix: 'otel-traces', suffix: '.json' },
];

/** Every file name rule (the kinds in sources/<format>/kind.ts each hold their own). */
export const STORE_NAME_RULES: readonly StoreNameRule[] = [...FLUJO_NAME_RULES, ...OTLP_NAME_RULES];

/** waft writes `_pyrite/analytics/traces/YYYY-MM-DD.jsonl` under the project it runs in: one store per folder. */
export const WAFT_TRACES_PATH = ['_pyrite', 'analytics', 'traces'] as const;
/** Where `spanlens receive` (and the extension's receiver) keeps spans by default: the folder is one OTLP store. */
export const RECEIVER_DIR_PATH: readonly string[] = ['.spanlens', 'otlp'];

/** `**\/flujo_ops.db`, `**\/*.otlp.jsonl`, `**\/otel-traces*.json`: a rule as a workspace glob. */
export function ruleGlob(r: StoreNameRule): string {
  return r.exact ? `**/${r.prefix}` : `**/${r.prefix}*${r.suffix}`;
}

export function matchesStoreName(name: string): StoreNameRule | undefined {
  return STORE_NAME_RULES.find((r) =>
    r.exact ? name === r.prefix : name.length > r.prefix.length + r.suffix.length - 1 && name.startsWith(r.prefix) && name.endsWith(r.suffix),
  );
}

/** Folders never walked into: dependencies and version control (as the extension's discovery skips node_modules). */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', 'site-packages']);
/** How far and how much a folder is walked: a home directory must not take minutes. */
const MAX_DEPTH = 8;
const MAX_ENTRIES = 50_000;

/**
 * The stores inside `dir` (itself not a store), nearest first: flujo_ops.db and OTLP files by
 * name, waft traces folders (`_pyrite/analytics/traces` holding .jsonl files). Walked breadth
 * first without recursion, bounded in depth and entries; unreadable folders are passed over.
 */
export async function findStoresInFolder(dir: string): Promise<string[]> {
  const found: string[] = [];
  let level = [path.resolve(dir)];
  let seen = 0;
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0 && seen < MAX_ENTRIES; depth++) {
    const next: string[] = [];
    for (const d of level) {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(d, { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if ((isWaftTracesDir(d) || isReceiverDir(d)) && entries.some((e) => e.isFile() && e.name.toLowerCase().endsWith('.jsonl'))) {
        found.push(d);
        continue;
      }
      for (const e of entries) {
        if (++seen > MAX_ENTRIES) break;
        const full = path.join(d, e.name);
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) next.push(full);
        } else if (e.isFile() && matchesStoreName(e.name)) {
          found.push(full);
        }
      }
    }
    level = next;
  }
  return found;
}

/** Whether `dir` is a waft traces folder (`…/_pyrite/analytics/traces`). */
export function isWaftTracesDir(dir: string): boolean {
  return path.resolve(dir).split(/[\\/]+/).slice(-3).join('/') === WAFT_TRACES_PATH.join('/');
}

/**
 * What people call a store, everywhere it is named (the Runs view, Span Details, the timeline,
 * search): a waft traces folder by its project (the folder holding `_pyrite`), as waft users
 * know it; anything else by its file or folder name.
 */
export function storeDisplayName(id: string): string {
  const parts = id.split(/[\\/]+/).filter((p) => p.length > 0);
  const tail = WAFT_TRACES_PATH.length;
  if (parts.length > tail && parts.slice(-tail).join('/') === WAFT_TRACES_PATH.join('/')) return parts[parts.length - tail - 1]!;
  return parts[parts.length - 1] ?? id;
}

/** Whether `dir` is a receiver's OTLP folder (`…/.spanlens/otlp`). */
export function isReceiverDir(dir: string): boolean {
  return path.resolve(dir).split(/[\\/]+/).slice(-2).join('/') === RECEIVER_DIR_PATH.join('/');
}
