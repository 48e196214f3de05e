import * as fs from 'fs';
import { fileError, notAFileError, oddKind } from '../sources/files';
import type { Database, Statement } from 'sql.js';
import { StoreError } from '../sources/types';
import { readOpenFile, readWholeFile } from './read';
import { loadSqlJs } from './sqljs';
import { mergeWal, WalCorruptError } from './wal';

export type SqlParam = string | number | null | Uint8Array;

/**
 * A read-only, in-memory copy of a SQLite store as SQLite itself would see it
 * (committed WAL frames merged). The file on disk is only ever read.
 */
export interface SqliteSnapshot {
  readonly file: string;
  readonly walFramesApplied: number;
  readonly walFramesIgnored: number;
  /** Table names in sqlite_master. */
  tables(): Set<string>;
  /** Column names of a table (PRAGMA table_info); empty when the table does not exist. */
  columns(table: string): Set<string>;
  /** Rows as objects keyed by column name. */
  all<T extends object = Record<string, unknown>>(sql: string, params?: SqlParam[]): T[];
  /** Streams rows as arrays, in column order: the fast path for large result sets. */
  each(sql: string, params: SqlParam[] | undefined, onRow: (row: unknown[]) => void): void;
  close(): void;
}

const MAGIC = 'SQLite format 3\0';

/** O_NONBLOCK: opening a FIFO named as a store (or as its -wal) returns at once instead of waiting for a writer. */
const NONBLOCKING_READ = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
}

/** fs errors the user can cause → one line naming the file and the fix. */
function fsError(file: string, e: unknown): Error {
  switch (errCode(e)) {
    case 'ENOENT':
      return new StoreError(`${file}: not found — check the path`, file);
    case 'EISDIR':
      return new StoreError(`${file}: is a directory, not a database file — point spanlens at the .db file inside it`, file);
    case 'EACCES':
    case 'EPERM':
      return new StoreError(`${file}: permission denied — make the file readable by this user`, file);
    case 'ENOTDIR':
      return new StoreError(`${file}: a parent of this path is not a directory — check the path`, file);
    case 'ERR_FS_FILE_TOO_LARGE':
      return new StoreError(`${file}: ${messageOf(e)} — spanlens reads a store into memory; open a smaller copy`, file);
    default: {
      const mapped = fileError(e, file);
      return mapped instanceof Error ? mapped : new Error(String(mapped));
    }
  }
}

/** SQLite's own error text mapped to a one-line StoreError. */
function sqliteError(file: string, e: unknown): StoreError {
  const msg = messageOf(e);
  if (/malformed|corrupt|not a database|disk image|I\/O error/i.test(msg)) {
    return new StoreError(
      `${file}: database is corrupt or truncated (${msg}) — if it is a copy, copy it again together with its -wal`,
      file,
    );
  }
  return new StoreError(`${file}: ${msg}`, file);
}

async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readWholeFile(file);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    if (e instanceof StoreError) throw e;
    throw fsError(file, e);
  }
}

function hasMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

interface StoreBytes {
  /** Freshly read and owned by the snapshot: merged in place. */
  db: Buffer;
  /** Bytes of db.buffer owned with db, from its start: room for the -wal's pages past the file's end. */
  capacity: number;
  wal: Buffer | undefined;
}

/** Identity of the db file's content as far as stat can tell: a checkpoint rewrites it. */
function fingerprint(st: fs.Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/** Checkpoint sequence + salts of a WAL header (bytes 12..24): they change whenever the WAL restarts. */
function walGeneration(header: Uint8Array | undefined): string | undefined {
  if (!header || header.length < 32) return undefined;
  return Buffer.from(header.buffer, header.byteOffset + 12, 12).toString('hex');
}

interface WalState {
  generation: string | undefined;
  /** Bytes in the -wal now: its frames can add at most this much to the database. */
  size: number;
}

async function readWalState(walFile: string): Promise<WalState> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(walFile, NONBLOCKING_READ);
    // Not a regular file: no generation; the full read below refuses it.
    if (oddKind(await fh.stat())) return { generation: undefined, size: 0 };
    const header = Buffer.alloc(32);
    const { bytesRead } = await fh.read(header, 0, 32, 0);
    const { size } = await fh.stat();
    return { generation: walGeneration(header.subarray(0, bytesRead)), size };
  } catch {
    return { generation: undefined, size: 0 }; // absent or unreadable: the full read below reports real problems
  } finally {
    await fh?.close();
  }
}

const READ_ATTEMPTS = 8;

/**
 * Reads the db, then its -wal, without any lock: a live writer may checkpoint (write db pages)
 * meanwhile. That is harmless as long as the WAL did not restart between the start of the db read
 * and the end of the -wal read: every page a checkpoint copies into the db comes from a frame
 * still in the -wal we read afterwards, whose committed version the merge lays on top. So the
 * pair is accepted when the WAL generation is unchanged (and the db did not shrink), or when the
 * db did not change at all; otherwise both are read again.
 */
async function readStore(file: string): Promise<StoreBytes> {
  const walFile = `${file}-wal`;
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    // Back off a little: a checkpoint in progress usually ends within milliseconds.
    if (attempt > 0) await new Promise((r) => setTimeout(r, attempt * 20));
    const { generation, size: walSize } = await readWalState(walFile);
    let before: fs.Stats;
    let db: Buffer;
    let capacity: number;
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await fs.promises.open(file, NONBLOCKING_READ);
      before = await handle.stat();
      if (before.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      const odd = oddKind(before);
      if (odd) throw notAFileError(file, odd);
      // Room for every page the -wal holds, so merging commits that grew the store copies nothing.
      capacity = before.size + walSize;
      db = await readOpenFile(handle, before.size, capacity);
    } catch (e) {
      throw e instanceof StoreError ? e : fsError(file, e);
    } finally {
      await handle?.close();
    }
    const wal = await readOptional(walFile);
    const after = await fs.promises.stat(file).catch(() => undefined);
    if (!after) continue;
    if (fingerprint(after) === fingerprint(before)) return { db, capacity, wal };
    const sameGeneration = generation !== undefined && generation === walGeneration(wal);
    if (sameGeneration && after.ino === before.ino && after.size >= before.size) return { db, capacity, wal };
  }
  // A torn pair could open fine and return wrong rows, so never use one.
  throw new StoreError(
    `${file}: the store was checkpointed during each of ${READ_ATTEMPTS} reads — a writer is very busy; try again in a moment`,
    file,
  );
}

/** Opens `file` (and its `-wal`, when present) as a read-only in-memory snapshot. */
export async function openSnapshot(file: string): Promise<SqliteSnapshot> {
  const { db: dbBytes, capacity, wal: walBytes } = await readStore(file);
  const walHasContent = walBytes !== undefined && walBytes.length >= 32;

  if (dbBytes.length === 0 && !walHasContent) {
    throw new StoreError(`${file}: the database is empty (0 bytes) — nothing has been written to it yet`, file);
  }
  if (dbBytes.length > 0 && !hasMagic(dbBytes)) {
    throw new StoreError(
      `${file}: not a SQLite database (no 'SQLite format 3' header) — point spanlens at a flujo_ops.db or another trace store`,
      file,
    );
  }

  // dbBytes was read for this snapshot alone: the WAL is merged into it, not into a second copy.
  let merged: ReturnType<typeof mergeWal>;
  try {
    merged = mergeWal(dbBytes, walBytes, { inPlace: true, capacity });
  } catch (e) {
    if (e instanceof WalCorruptError) throw new StoreError(`${file}: database is corrupt: ${e.message} — copy it again together with its -wal`, file);
    throw e;
  }
  if (merged.image.length === 0) {
    throw new StoreError(`${file}: the database is empty and its -wal holds no committed transaction — nothing to read yet`, file);
  }
  if (!hasMagic(merged.image)) {
    throw new StoreError(`${file}: database is corrupt (the -wal holds no valid first page) — copy it again from its source`, file);
  }

  const SQL = await loadSqlJs();
  let db: Database;
  try {
    // No copy either: sql.js's in-memory file (MEMFS) keeps `image.slice()`, a view for a Buffer.
    db = new SQL.Database(merged.image);
  } catch (e) {
    throw sqliteError(file, e);
  }
  // A truncated file opens fine and only fails on first read; read the schema now so it fails here.
  try {
    db.exec('SELECT name FROM sqlite_master');
    shadowWithoutRowidTables(db);
  } catch (e) {
    db.close();
    throw sqliteError(file, e);
  }
  return new Snapshot(file, db, merged.framesApplied, merged.framesIgnored);
}

/**
 * Readers order and page by `rowid`, which a table declared WITHOUT ROWID lacks ("no such
 * column: rowid"). Such a table gets a TEMP copy of the same name, with rowids in primary-key
 * order: unqualified names find the temp schema first, so every query reads it unchanged.
 * Only the in-memory snapshot gains the copy; the store on disk is never touched.
 */
function shadowWithoutRowidTables(db: Database): void {
  const res = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  for (const row of res[0]?.values ?? []) {
    const name = String(row[0]);
    const quoted = `"${name.replace(/"/g, '""')}"`;
    try {
      db.exec(`SELECT rowid FROM main.${quoted} LIMIT 0`);
    } catch {
      db.exec(`CREATE TEMP TABLE ${quoted} AS SELECT * FROM main.${quoted}`);
    }
  }
}

class Snapshot implements SqliteSnapshot {
  private closed = false;

  constructor(
    readonly file: string,
    private readonly db: Database,
    readonly walFramesApplied: number,
    readonly walFramesIgnored: number,
  ) {}

  tables(): Set<string> {
    const names = new Set<string>();
    this.each("SELECT name FROM sqlite_master WHERE type = 'table'", undefined, (row) => {
      names.add(String(row[0]));
    });
    return names;
  }

  columns(table: string): Set<string> {
    const names = new Set<string>();
    // table_info's argument cannot be bound as a parameter; the table-valued form can.
    this.each('SELECT name FROM pragma_table_info(?)', [table], (row) => {
      names.add(String(row[0]));
    });
    return names;
  }

  all<T extends object = Record<string, unknown>>(sql: string, params?: SqlParam[]): T[] {
    const rows: T[] = [];
    let cols: string[] | undefined;
    this.run(sql, params, (stmt) => {
      cols ??= stmt.getColumnNames();
      const values = stmt.get();
      const row: Record<string, unknown> = {};
      for (let i = 0; i < cols.length; i++) row[cols[i]!] = values[i];
      rows.push(row as T);
    });
    return rows;
  }

  each(sql: string, params: SqlParam[] | undefined, onRow: (row: unknown[]) => void): void {
    this.run(sql, params, (stmt) => onRow(stmt.get()));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private run(sql: string, params: SqlParam[] | undefined, onStep: (stmt: Statement) => void): void {
    if (this.closed) throw new Error(`${this.file}: snapshot used after close()`);
    let stmt: Statement | undefined;
    // Errors thrown by the caller's callback are its own and pass through untouched;
    // only SQLite's complaints (corrupt pages, missing tables) become StoreErrors.
    let inCallback = false;
    try {
      stmt = this.db.prepare(sql);
      if (params && params.length > 0) stmt.bind(params);
      while (stmt.step()) {
        inCallback = true;
        onStep(stmt);
        inCallback = false;
      }
    } catch (e) {
      if (inCallback || e instanceof StoreError) throw e;
      throw sqliteError(this.file, e);
    } finally {
      stmt?.free();
    }
  }
}
