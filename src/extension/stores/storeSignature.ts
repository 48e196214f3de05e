/**
 * "The store changed" for every kind of store: a SQLite file and its -wal (fileSignature),
 * one JSON-lines file (its size and mtime), a waft folder (its .jsonl files), or a database
 * server (no signature: it is re-read on Refresh). Node 'fs' only (no 'vscode').
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileSignature, type FileSignature } from './fileSignature';

export interface StoreSignature extends FileSignature {
  /** For a folder store: the folder whose `.jsonl` files make the store (what to watch). */
  watchDir?: string;
}

/** The signature of a store that lives on a server: constant, so watching never re-reads it. */
export const SERVER_SIGNATURE: StoreSignature = { exists: true, dbBytes: 0, walBytes: 0, key: 'server' };

/** Size and mtime of the store's file(s); for a folder, of the `.jsonl` files in it (or in its `_pyrite/analytics/traces`). */
export async function storeSignature(id: string): Promise<StoreSignature> {
  let st: fs.Stats | undefined;
  try {
    st = await fs.promises.stat(id);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) return fileSignature(id);
  const nested = path.join(id, '_pyrite', 'analytics', 'traces');
  const dir = (await isDir(nested)) ? nested : id;
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
