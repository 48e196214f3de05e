/**
 * What "the store changed on disk" means: size and mtime of the database file and
 * its -wal. A running pipeline appends to the -wal; a checkpoint rewrites the db.
 * The -shm file changes on every reader's visit too, so it is deliberately ignored.
 * Node 'fs' only (no 'vscode'): unit-tested.
 */
import * as fs from 'fs';

export interface FileSignature {
  /** False when the database file does not exist (deleted, renamed, not yet written). */
  exists: boolean;
  dbBytes: number;
  walBytes: number;
  /** Compare two signatures by this; equal keys mean "nothing to re-read". */
  key: string;
}

async function statOrUndefined(file: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(file);
  } catch {
    return undefined;
  }
}

export async function fileSignature(dbPath: string): Promise<FileSignature> {
  const [db, wal] = await Promise.all([statOrUndefined(dbPath), statOrUndefined(`${dbPath}-wal`)]);
  const part = (s: fs.Stats | undefined): string => (s ? `${s.size}:${s.mtimeMs}:${s.ino}` : '-');
  return {
    exists: db !== undefined && db.isFile(),
    dbBytes: db?.size ?? 0,
    walBytes: wal?.size ?? 0,
    key: `${part(db)}/${part(wal)}`,
  };
}

/** Whether a file event's path is the database or its -wal (not -shm, -journal or a neighbour). */
export function isStoreFile(dbPath: string, changedPath: string): boolean {
  return changedPath === dbPath || changedPath === `${dbPath}-wal`;
}

/** Bytes above which a store is not read without the user's say-so; 0 or less means no limit. */
export function sizeLimitBytes(maxStoreSizeMB: number): number {
  return maxStoreSizeMB > 0 ? maxStoreSizeMB * 1024 * 1024 : Number.POSITIVE_INFINITY;
}

/**
 * How long to wait after a reload before the next one may start: at least the
 * debounce, and at least as long as the last read took, so a store that takes
 * 2 s to read while a pipeline writes to it costs at most half the host's time.
 */
export function nextReloadGapMs(debounceMs: number, lastLoadMs: number): number {
  return Math.max(debounceMs, Math.min(lastLoadMs, 30_000));
}
