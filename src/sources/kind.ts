/**
 * What one store format is to the rest of Spanlens: its name for people, where it is found, how
 * "it changed" is seen, whether an open store follows appends by itself, what reading it costs,
 * and how it is opened. One file per format (sources/<format>/kind.ts), one registry (kinds.ts):
 * nothing outside src/sources names a format; it asks the kind.
 */
import type { StoreNameRule } from './storeFiles';
import type { StoreFormat, TraceStore } from './types';

export interface KindOpenOptions {
  /** A database store's password (the extension: from SecretStorage, never from settings). */
  password?: string;
  /** The store's id when it is not the target (a PostgreSQL URL's redacted form). */
  id?: string;
  /** A server store's window: runs from this epoch-ms time on unless a query says otherwise. */
  sinceMs?: number;
}

/** How a store of this kind shows that it changed (the extension's watcher compares these). */
export type ChangeSignature =
  /** A database file and its -wal: size, mtime, inode of both. */
  | 'file-and-wal'
  /** One file, or a folder whose `.jsonl` files make the store: their sizes, mtimes, inodes. */
  | 'files'
  /** A database server: nothing on disk to watch; re-read on Refresh. */
  | 'server';

export interface StoreKind {
  readonly format: StoreFormat;
  /** For people: "Flujo (SQLite)". */
  readonly label: string;
  readonly discovery: {
    /** Workspace globs finding its files; also package.json's `workspaceContains:` activation events. */
    readonly globs: readonly string[];
    /** File names the CLI's folder walk and discovery take for this kind. */
    readonly names: readonly StoreNameRule[];
    /** Folder tails (`_pyrite/analytics/traces`) whose `.jsonl` files are one store together. */
    readonly folders: readonly (readonly string[])[];
    /** Its globs are the default of `spanlens.storeGlobs` (the user's list adds to them). */
    readonly inStoreGlobsSetting?: boolean;
    /** How the Runs view's "no store found" text names it (package.json's viewsWelcome; checked by a test). */
    readonly welcome?: string;
  };
  readonly changes: ChangeSignature;
  /** An open store reads only what was appended when `refresh()` is called: no reopen on change. */
  readonly incremental: boolean;
  readonly cost: {
    /** Reading one run's spans is a query to a server (cap how many runs a scan reads). */
    readonly spansPerRunQuery: boolean;
  };
  open(target: string, options: KindOpenOptions): Promise<TraceStore>;
}

/** `_pyrite/analytics/traces` → `**\/_pyrite/analytics/traces/*.jsonl`: a folder store as a workspace glob. */
export function folderGlob(tail: readonly string[]): string {
  return `**/${tail.join('/')}/*.jsonl`;
}
