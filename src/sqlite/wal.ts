/**
 * Merges a SQLite -wal file into its database image the way SQLite's own WAL
 * recovery would (https://www.sqlite.org/fileformat2.html#wal_file_format), so a
 * store that a live writer holds open can be read from a plain in-memory copy.
 * Pure by default: reads its inputs, never mutates them. `{ inPlace: true }` lets a caller
 * that owns a freshly read db buffer skip the copy of the whole image.
 */

export interface WalMergeResult {
  /**
   * A rollback-journal-mode database image, ready for `new SQL.Database(image)`. A Buffer:
   * sql.js keeps a Buffer as its in-memory file without copying it (it copies a bare Uint8Array).
   */
  image: Buffer;
  /** Frames up to and including the last valid commit frame. */
  framesApplied: number;
  /** Complete frames present in the -wal but not applied (uncommitted, torn, corrupt or of an older generation). */
  framesIgnored: number;
  /** Page size of the image (the WAL's when frames were applied, else the database header's; 0 if unknown). */
  pageSize: number;
}

/** A -wal whose valid frames describe a database its files cannot hold: refused, not merged. */
export class WalCorruptError extends Error {
  override name = 'WalCorruptError';
}

const WAL_HEADER_SIZE = 32;
const FRAME_HEADER_SIZE = 24;
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const WAL_FORMAT_VERSION = 3007000;
const DB_HEADER_SIZE = 100;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

interface WalHeader {
  bigEndianChecksum: boolean;
  pageSize: number;
  salt1: number;
  salt2: number;
  checksum1: number;
  checksum2: number;
}

/** Running checksum state: SQLite's s0/s1 pair, kept as int32 for fast arithmetic. */
interface Checksum {
  s0: number;
  s1: number;
}

function isValidPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/** Page size from a database header (offset 16, big-endian u16; 1 means 65536). */
function dbPageSize(db: Uint8Array): number {
  if (db.length < DB_HEADER_SIZE) return 0;
  const raw = (db[16]! << 8) | db[17]!;
  const size = raw === 1 ? 65536 : raw;
  return isValidPageSize(size) ? size : 0;
}

/**
 * SQLite's WAL checksum over `len` bytes (a multiple of 8) at `start` (a multiple of 4),
 * continuing from `c`. `u32` is a native-order word view of the whole WAL, used when the
 * checksum byte order is the host's and the buffer is 4-byte aligned; otherwise DataView.
 */
function checksum(
  view: DataView,
  u32: Uint32Array | undefined,
  start: number,
  len: number,
  bigEndian: boolean,
  c: Checksum,
): void {
  let s0 = c.s0;
  let s1 = c.s1;
  if (u32) {
    const end = (start + len) >>> 2;
    for (let i = start >>> 2; i < end; i += 2) {
      s0 = (s0 + u32[i]! + s1) | 0;
      s1 = (s1 + u32[i + 1]! + s0) | 0;
    }
  } else {
    const littleEndian = !bigEndian;
    const end = start + len;
    for (let i = start; i < end; i += 8) {
      s0 = (s0 + view.getUint32(i, littleEndian) + s1) | 0;
      s1 = (s1 + view.getUint32(i + 4, littleEndian) + s0) | 0;
    }
  }
  c.s0 = s0;
  c.s1 = s1;
}

function parseWalHeader(view: DataView, u32: Uint32Array | undefined, length: number): WalHeader | undefined {
  if (length < WAL_HEADER_SIZE) return undefined;
  const magic = view.getUint32(0, false);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return undefined;
  if (view.getUint32(4, false) !== WAL_FORMAT_VERSION) return undefined;
  const pageSize = view.getUint32(8, false);
  if (!isValidPageSize(pageSize)) return undefined;
  const header: WalHeader = {
    bigEndianChecksum: magic === WAL_MAGIC_BE,
    pageSize,
    salt1: view.getUint32(16, false),
    salt2: view.getUint32(20, false),
    checksum1: view.getUint32(24, false),
    checksum2: view.getUint32(28, false),
  };
  const c: Checksum = { s0: 0, s1: 0 };
  checksum(view, header.bigEndianChecksum !== HOST_LITTLE_ENDIAN ? u32 : undefined, 0, 24, header.bigEndianChecksum, c);
  if (c.s0 >>> 0 !== header.checksum1 || c.s1 >>> 0 !== header.checksum2) return undefined;
  return header;
}

/** Sets bytes 18/19 to 1 (rollback journal) so sql.js's in-memory VFS never looks for -wal/-shm. */
function markLegacyJournal(image: Uint8Array): void {
  if (image.length >= 20) {
    image[18] = 1;
    image[19] = 1;
  }
}

export interface WalMergeOptions {
  /**
   * Build the image in `db` itself: WAL pages are written over its pages and the header is
   * updated there, so the caller must own `db` and not use it afterwards except through
   * `image`. `image` is then `db` (or a view of its first pages when the commit shrank the
   * database); only a commit that grew the database past `db.length` allocates a new image.
   * Saves a copy of the whole store (800 MB for a million spans). The WAL is never mutated.
   */
  inPlace?: boolean;
  /**
   * With `inPlace`: how many bytes of `db.buffer`, from `db.byteOffset`, the caller owns and
   * lets the image grow into (spare room a reader allocated past the file's end), so a commit
   * that grew the database needs no copy either. Never more than the ArrayBuffer holds; bytes
   * past `db.length` may hold anything (they are overwritten or zeroed). Default `db.length`.
   */
  capacity?: number;
}

/** A fresh buffer of `size` bytes holding `db`'s first bytes (zeros past db's end); the caller may still hold `db`. */
function copyOf(db: Uint8Array, size: number = db.length): Buffer {
  // allocUnsafe skips the zero-fill that `new Uint8Array(n)` pays on a 1 GB store; every byte is overwritten.
  const image = Buffer.allocUnsafe(size);
  const n = Math.min(size, db.length);
  image.set(n === db.length ? db : db.subarray(0, n));
  if (n < size) image.fill(0, n);
  return image;
}

/** `db` as a Buffer without copying (sql.js takes a Buffer over without copying it, a bare Uint8Array it copies). */
function asBuffer(db: Uint8Array, length: number = db.length): Buffer {
  return Buffer.isBuffer(db) ? db.subarray(0, length) : Buffer.from(db.buffer, db.byteOffset, length);
}

/**
 * The database as SQLite would see it with this -wal: frames up to the last valid commit
 * (salts and cumulative checksum checked, stopping at the first bad frame), latest version of
 * each page, sized to that commit. Without applied frames the db is copied as is: its in-header
 * size is left alone so SQLite's own "header says more pages than the file has" check still
 * catches a truncated copy.
 */
export function mergeWal(db: Uint8Array, wal: Uint8Array | undefined, options: WalMergeOptions = {}): WalMergeResult {
  const inPlace = options.inPlace === true;
  const unchanged = (framesIgnored: number): WalMergeResult => {
    const image = inPlace ? asBuffer(db) : copyOf(db);
    markLegacyJournal(image);
    return { image, framesApplied: 0, framesIgnored, pageSize: dbPageSize(db) };
  };
  if (!wal || wal.length < WAL_HEADER_SIZE) return unchanged(0);

  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const aligned = wal.byteOffset % 4 === 0;
  const nativeU32 = aligned ? new Uint32Array(wal.buffer, wal.byteOffset, wal.byteLength >>> 2) : undefined;

  const header = parseWalHeader(view, nativeU32, wal.length);
  if (!header) {
    // SQLite treats a WAL with a bad header as empty; count its frames only to report them.
    const ps = view.getUint32(8, false);
    const ignored = isValidPageSize(ps) ? Math.floor((wal.length - WAL_HEADER_SIZE) / (ps + FRAME_HEADER_SIZE)) : 0;
    return unchanged(ignored);
  }

  const { pageSize, salt1, salt2, bigEndianChecksum } = header;
  // The Uint32Array fast path reads words in host order; it is valid only when that is the checksum's order.
  const u32 = nativeU32 && bigEndianChecksum !== HOST_LITTLE_ENDIAN ? nativeU32 : undefined;
  const frameSize = FRAME_HEADER_SIZE + pageSize;
  const framesPresent = Math.floor((wal.length - WAL_HEADER_SIZE) / frameSize);

  // Pass 1: validate frames in order (salts + cumulative checksum); stop at the first bad one.
  const c: Checksum = { s0: header.checksum1 | 0, s1: header.checksum2 | 0 };
  let lastCommit = -1; // index of the last valid commit frame
  let commitPages = 0; // database size in pages after that commit
  for (let i = 0; i < framesPresent; i++) {
    const off = WAL_HEADER_SIZE + i * frameSize;
    const pgno = view.getUint32(off, false);
    if (pgno === 0) break;
    if (view.getUint32(off + 8, false) !== salt1 || view.getUint32(off + 12, false) !== salt2) break;
    checksum(view, u32, off, 8, bigEndianChecksum, c);
    checksum(view, u32, off + FRAME_HEADER_SIZE, pageSize, bigEndianChecksum, c);
    if (c.s0 >>> 0 !== view.getUint32(off + 16, false) || c.s1 >>> 0 !== view.getUint32(off + 20, false)) break;
    const dbSize = view.getUint32(off + 4, false);
    if (dbSize !== 0) {
      lastCommit = i;
      commitPages = dbSize;
    }
  }
  if (lastCommit < 0) return unchanged(framesPresent);
  // The commit frame's size field is the store's word, not a fact: every page of the database is
  // either in the db file or in a frame, so more pages than both hold together is corruption
  // (a crafted -wal claiming 2^32-1 pages would otherwise size a buffer by it).
  const holdable = Math.ceil(db.length / pageSize) + lastCommit + 1;
  if (commitPages > holdable) {
    throw new WalCorruptError(`its -wal's last commit says the database has ${commitPages} pages, but the db file and -wal hold at most ${holdable}`);
  }

  // Pass 2: for each page, the latest committed frame holding it (1-based frame index; 0 = from the db file).
  // Pages beyond the commit's size were truncated away by that commit.
  const frameFor = new Uint32Array(commitPages + 1);
  for (let i = 0; i <= lastCommit; i++) {
    const pgno = view.getUint32(WAL_HEADER_SIZE + i * frameSize, false);
    if (pgno <= commitPages) frameFor[pgno] = i + 1;
  }

  const size = commitPages * pageSize;
  if (inPlace) {
    // db pages are already where they belong: lay the committed WAL pages over them.
    const capacity = Math.min(options.capacity ?? db.length, db.buffer.byteLength - db.byteOffset);
    let image: Buffer;
    if (size <= db.length) {
      image = asBuffer(db, size);
    } else if (size <= capacity) {
      image = Buffer.from(db.buffer, db.byteOffset, size);
      // Pages the db file does not hold (yet) read as zeros, as a short read does in SQLite.
      image.fill(0, db.length, size);
    } else {
      image = copyOf(db, size);
    }
    for (let p = 1; p <= commitPages; p++) {
      const frame = frameFor[p]!;
      if (frame === 0) continue;
      const src = WAL_HEADER_SIZE + (frame - 1) * frameSize + FRAME_HEADER_SIZE;
      image.set(wal.subarray(src, src + pageSize), (p - 1) * pageSize);
    }
    return finish(image, commitPages, lastCommit + 1, framesPresent - (lastCommit + 1), pageSize);
  }

  // Build the image, copying every page exactly once: WAL pages one by one, runs of db pages in one go.
  const image = Buffer.allocUnsafe(size);
  let pg = 1;
  while (pg <= commitPages) {
    const frame = frameFor[pg]!;
    if (frame !== 0) {
      const src = WAL_HEADER_SIZE + (frame - 1) * frameSize + FRAME_HEADER_SIZE;
      image.set(wal.subarray(src, src + pageSize), (pg - 1) * pageSize);
      pg++;
      continue;
    }
    let end = pg + 1;
    while (end <= commitPages && frameFor[end] === 0) end++;
    const from = (pg - 1) * pageSize;
    const to = (end - 1) * pageSize;
    const available = Math.min(to, db.length);
    if (available > from) image.set(db.subarray(from, available), from);
    // Pages the db file does not hold (yet) read as zeros, as a short read does in SQLite.
    if (available < to) image.fill(0, Math.max(from, available), to);
    pg = end;
  }

  return finish(image, commitPages, lastCommit + 1, framesPresent - (lastCommit + 1), pageSize);
}

/** Header of an image with WAL frames applied: in-header size set to the commit's, journal mode legacy. */
function finish(image: Buffer, commitPages: number, framesApplied: number, framesIgnored: number, pageSize: number): WalMergeResult {
  if (image.length >= DB_HEADER_SIZE) {
    // In-header size is trusted only when version-valid-for (92) equals the change counter (24).
    image.writeUInt32BE(commitPages, 28);
    image.copyWithin(92, 24, 28);
  }
  markLegacyJournal(image);
  return { image, framesApplied, framesIgnored, pageSize };
}
