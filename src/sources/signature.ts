/**
 * "The store changed" for every kind of store (StoreKind.changes): a database file and its -wal
 * ('file-and-wal': a running pipeline appends to the -wal, a checkpoint rewrites the db; the -shm
 * changes on every reader's visit, so it is ignored), one JSON-lines file or a folder of them
 * ('files': their sizes, mtimes, inodes), or a database server ('server': no signature, re-read on
 * Refresh). Computed from what is on disk, before any reader opens the store.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FOLDER_STORE_TAILS } from './kinds';

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

export interface StoreSignature extends FileSignature {
  /** For a folder store: the folder whose `.jsonl` files make the store (what to watch). */
  watchDir?: string;
}

/** The signature of a store that lives on a server: constant, so watching never re-reads it. */
export const SERVER_SIGNATURE: StoreSignature = { exists: true, dbBytes: 0, walBytes: 0, key: 'server' };

/** Size and mtime of the store's file(s); for a folder, of the `.jsonl` files in it (or in the folder store it holds). */
export async function storeSignature(id: string): Promise<StoreSignature> {
  let st: fs.Stats | undefined;
  try {
    st = await fs.promises.stat(id);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) return fileSignature(id);
  // A project folder holding a folder store (waft's `_pyrite/analytics/traces`) is that store.
  let dir = id;
  for (const tail of FOLDER_STORE_TAILS) {
    const nested = path.join(id, ...tail);
    if (await isDir(nested)) {
      dir = nested;
      break;
    }
  }
  let names: string[] = [];
  try {
    names = (await fs.promises.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.jsonl')).sort();
  } catch {
    names = [];
  }
  const parts: string[] = [];
  let bytes = 0;
  for (const n of names) {
    try {
      const s = await fs.promises.stat(path.join(dir, n));
      if (!s.isFile()) continue;
      bytes += s.size;
      parts.push(`${n}:${s.size}:${s.mtimeMs}:${s.ino}`);
    } catch {
      // deleted between readdir and stat: it is simply not part of the store any more
    }
  }
  return { exists: true, dbBytes: bytes, walBytes: 0, key: `dir:${parts.join('/')}`, watchDir: dir };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
