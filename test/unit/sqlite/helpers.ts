// Fixtures for the sqlite layer, written by a real SQLite (python3's sqlite3 module) in WAL mode.
// Writers end with os._exit(0) while the connection is open, so nothing is checkpointed on close
// and committed transactions stay in the -wal, as with a live writer.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const FRAME_HEADER = 24;
export const WAL_HEADER = 32;

export function tempDir(prefix = 'spanlens-sqlite-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs an inline python script; `sys.argv[1:]` are `args`. Returns its stdout. */
export function py(script: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Common python prelude: a WAL-mode connection with autocheckpoint off, on sys.argv[1]. */
export const PRELUDE = `
import sqlite3, os, sys, json
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('pragma journal_mode=wal')
c.execute('pragma wal_autocheckpoint=0')
def wal_size():
    return os.path.getsize(sys.argv[1] + '-wal')
`;

/**
 * What SQLite itself reads from `db` (+ its -wal): both are copied to a fresh directory first,
 * because opening may recover and checkpoint; the originals are never touched.
 */
export function sqliteView(db: string, sql: string): unknown[][] {
  const dir = tempDir('spanlens-view-');
  const copy = path.join(dir, 'copy.db');
  fs.copyFileSync(db, copy);
  if (fs.existsSync(`${db}-wal`)) fs.copyFileSync(`${db}-wal`, `${copy}-wal`);
  const out = py(
    `
import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
print(json.dumps([list(r) for r in c.execute(sys.argv[2])]))
`,
    copy,
    sql,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return JSON.parse(out) as unknown[][];
}

export interface WalFrame {
  index: number;
  offset: number;
  pgno: number;
  commitSize: number;
  salt1: number;
  salt2: number;
}

/** A plain reading of frame headers (no validation), to check what a fixture really holds. */
export function walFrames(wal: Uint8Array): { pageSize: number; salt1: number; salt2: number; frames: WalFrame[] } {
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const pageSize = view.getUint32(8, false);
  const frames: WalFrame[] = [];
  for (let off = WAL_HEADER, i = 0; off + FRAME_HEADER + pageSize <= wal.length; off += FRAME_HEADER + pageSize, i++) {
    frames.push({
      index: i,
      offset: off,
      pgno: view.getUint32(off, false),
      commitSize: view.getUint32(off + 4, false),
      salt1: view.getUint32(off + 8, false),
      salt2: view.getUint32(off + 12, false),
    });
  }
  return { pageSize, salt1: view.getUint32(16, false), salt2: view.getUint32(20, false), frames };
}
