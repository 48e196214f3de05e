import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { loadSqlJs } from '../../../src/sqlite/sqljs';
import { mergeWal, WalCorruptError } from '../../../src/sqlite/wal';
import { FRAME_HEADER, PRELUDE, py, sqliteView, tempDir, walFrames } from './helpers';

let SQL: SqlJsStatic;
const dirs: string[] = [];
function fresh(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  SQL = await loadSqlJs();
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Rows of `sql` read by sql.js from a merged image. */
function query(image: Uint8Array, sql: string): unknown[][] {
  const db = new SQL.Database(image);
  try {
    const res = db.exec(sql);
    return res.length ? res[0]!.values : [];
  } finally {
    db.close();
  }
}

function read(file: string): Uint8Array {
  return fs.readFileSync(file);
}

function u32be(b: Uint8Array, off: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, false);
}

const ALL_RUNS = 'SELECT id, name, length(payload) FROM runs ORDER BY id';

/** Five committed transactions; the wal size after each is printed. */
function fiveCommits(db: string): number[] {
  const out = py(
    PRELUDE +
      `
c.execute('create table runs(id integer primary key, name text, payload text)')
sizes = []
for t in range(5):
    c.execute('begin')
    for i in range(20):
        c.execute('insert into runs values (?, ?, ?)', (t * 100 + i, 'txn-%d' % t, 'p' * 900))
    c.execute('commit')
    sizes.append(wal_size())
print(json.dumps(sizes))
os._exit(0)
`,
    db,
  );
  return JSON.parse(out) as number[];
}

describe('mergeWal', () => {
  it('sees commits that are only in the -wal, exactly as SQLite does', () => {
    const db = path.join(fresh(), 'store.db');
    py(
      PRELUDE +
        `
c.execute('create table runs(id integer primary key, name text, payload text)')
c.execute('begin')
for i in range(200):
    c.execute('insert into runs values (?, ?, ?)', (i, 'run-%d' % i, 'x' * 200))
c.execute('commit')
c.execute('pragma wal_checkpoint(TRUNCATE)')
c.execute('begin')
for i in range(200, 300):
    c.execute('insert into runs values (?, ?, ?)', (i, 'run-%d' % i, 'y' * 300))
c.execute('commit')
c.execute('create table later(v text)')
c.execute("insert into later values ('only in wal')")
c.execute("update runs set name = name || '-updated' where id < 10")
c.execute('delete from runs where id between 50 and 59')
os._exit(0)
`,
      db,
    );
    const dbBytes = read(db);
    const walBytes = read(`${db}-wal`);
    expect(walBytes.length).toBeGreaterThan(32);

    const merged = mergeWal(dbBytes, walBytes);
    expect(merged.framesApplied).toBe(walFrames(walBytes).frames.length);
    expect(merged.framesIgnored).toBe(0);
    expect(merged.pageSize).toBe(4096);

    const rows = query(merged.image, ALL_RUNS);
    expect(rows).toHaveLength(290);
    expect(rows).toEqual(sqliteView(db, ALL_RUNS));
    expect(query(merged.image, 'SELECT v FROM later')).toEqual([['only in wal']]);
    expect(query(merged.image, "SELECT name FROM runs WHERE id = 3")).toEqual([['run-3-updated']]);

    // Without the -wal only the checkpointed 200 rows exist.
    expect(query(mergeWal(dbBytes, undefined).image, 'SELECT count(*) FROM runs')).toEqual([[200]]);
  });

  it('never mutates its inputs and marks the image as rollback-journal mode', () => {
    const db = path.join(fresh(), 'store.db');
    fiveCommits(db);
    const dbBytes = read(db);
    const walBytes = read(`${db}-wal`);
    const dbCopy = Buffer.from(dbBytes);
    const walCopy = Buffer.from(walBytes);
    expect(dbBytes[18]).toBe(2); // WAL mode on disk

    const merged = mergeWal(dbBytes, walBytes);
    expect(Buffer.compare(dbBytes, dbCopy)).toBe(0);
    expect(Buffer.compare(walBytes, walCopy)).toBe(0);
    expect(merged.image[18]).toBe(1);
    expect(merged.image[19]).toBe(1);
    // In-header size equals the page count and is marked valid (offset 92 == change counter at 24).
    expect(u32be(merged.image, 28)).toBe(merged.image.length / merged.pageSize);
    expect(u32be(merged.image, 92)).toBe(u32be(merged.image, 24));

    const plain = mergeWal(dbBytes, undefined);
    expect(plain.image).not.toBe(dbBytes);
    expect(plain.image[18]).toBe(1);
    expect(Buffer.compare(dbBytes, dbCopy)).toBe(0);
  });

  it('treats an empty or header-only -wal as no -wal', () => {
    const db = path.join(fresh(), 'store.db');
    fiveCommits(db);
    const dbBytes = read(db);
    const walBytes = read(`${db}-wal`);
    for (const wal of [undefined, new Uint8Array(0), walBytes.subarray(0, 32), walBytes.subarray(0, 32 + 100)]) {
      const merged = mergeWal(dbBytes, wal);
      expect(merged.framesApplied).toBe(0);
      expect(merged.image.length).toBe(dbBytes.length);
      expect(Buffer.compare(merged.image.subarray(20), dbBytes.subarray(20))).toBe(0);
      expect([merged.image[18], merged.image[19]]).toEqual([1, 1]);
    }
  });

  it('ignores a torn last transaction (-wal cut in the middle of its frames)', () => {
    const dir = fresh();
    const db = path.join(dir, 'store.db');
    const sizes = fiveCommits(db);
    const { pageSize } = walFrames(read(`${db}-wal`));
    const frameSize = FRAME_HEADER + pageSize;
    expect((sizes[4]! - sizes[3]!) / frameSize).toBeGreaterThanOrEqual(3);

    // One whole frame of the last transaction plus part of the next survive the cut.
    const cut = sizes[3]! + frameSize + 1000;
    fs.truncateSync(`${db}-wal`, cut);
    const merged = mergeWal(read(db), read(`${db}-wal`));
    expect(merged.framesIgnored).toBe(1);
    expect(merged.framesApplied).toBe((sizes[3]! - 32) / frameSize);

    const rows = query(merged.image, 'SELECT DISTINCT name FROM runs ORDER BY name');
    expect(rows).toEqual([['txn-0'], ['txn-1'], ['txn-2'], ['txn-3']]);
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));
  });

  it('ignores uncommitted pages a big open transaction spilled into the -wal', () => {
    const db = path.join(fresh(), 'store.db');
    const out = py(
      PRELUDE +
        `
c.execute('pragma cache_size=5')
c.execute('create table runs(id integer primary key, name text, payload text)')
c.execute('begin')
for i in range(50):
    c.execute('insert into runs values (?, ?, ?)', (i, 'committed', 'c' * 500))
c.execute('commit')
committed = wal_size()
c.execute('begin')
for i in range(50, 2050):
    c.execute('insert into runs values (?, ?, ?)', (i, 'uncommitted', 'u' * 1000))
print(json.dumps([committed, wal_size()]))
os._exit(0)
`,
      db,
    );
    const [committed, total] = JSON.parse(out) as [number, number];
    expect(total).toBeGreaterThan(committed); // the spill really reached the -wal

    const walBytes = read(`${db}-wal`);
    const frames = walFrames(walBytes).frames;
    const merged = mergeWal(read(db), walBytes);
    expect(merged.framesApplied).toBe((committed - 32) / (FRAME_HEADER + 4096));
    expect(merged.framesIgnored).toBe(frames.length - merged.framesApplied);
    expect(merged.framesIgnored).toBeGreaterThan(10);

    expect(query(merged.image, 'SELECT name, count(*) FROM runs GROUP BY name')).toEqual([['committed', 50]]);
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));
  });

  it('ignores frames of an older WAL generation left behind after a reset', () => {
    const db = path.join(fresh(), 'store.db');
    py(
      PRELUDE +
        `
c.execute('create table runs(id integer primary key, name text, payload text)')
c.execute('begin')
for i in range(300):
    c.execute('insert into runs values (?, ?, ?)', (i, 'old-gen', 'o' * 1000))
c.execute('commit')
c.execute('pragma wal_checkpoint(PASSIVE)')
# The whole WAL is backfilled and nobody reads: this write restarts the WAL from its start
# with new salts, leaving the longer tail of old frames in place (journal_size_limit is -1).
c.execute('begin')
c.execute("insert into runs values (1000, 'new-gen', 'n')")
c.execute("update runs set name = 'rewritten' where id = 7")
c.execute('commit')
os._exit(0)
`,
      db,
    );
    const walBytes = read(`${db}-wal`);
    const { salt1, salt2, frames } = walFrames(walBytes);
    const current = frames.filter((f) => f.salt1 === salt1 && f.salt2 === salt2);
    const stale = frames.filter((f) => f.salt1 !== salt1 || f.salt2 !== salt2);
    expect(current.length).toBeGreaterThan(0);
    expect(stale.length).toBeGreaterThan(current.length); // the old generation's tail is really there
    expect(stale.some((f) => f.commitSize !== 0)).toBe(true); // and it holds a commit frame

    const merged = mergeWal(read(db), walBytes);
    expect(merged.framesApplied).toBe(current.length);
    expect(merged.framesIgnored).toBe(stale.length);
    expect(query(merged.image, 'SELECT count(*) FROM runs')).toEqual([[301]]);
    expect(query(merged.image, 'SELECT name FROM runs WHERE id IN (7, 1000) ORDER BY id')).toEqual([['rewritten'], ['new-gen']]);
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));
  });

  it('stops at a frame with a bad checksum: it and everything after are ignored', () => {
    const db = path.join(fresh(), 'store.db');
    const sizes = fiveCommits(db);
    const frameSize = FRAME_HEADER + 4096;
    // Second frame of the third transaction: its page data gets one flipped byte.
    const bad = (sizes[1]! - 32) / frameSize + 1;
    const fd = fs.openSync(`${db}-wal`, 'r+');
    const off = 32 + bad * frameSize + FRAME_HEADER + 2000;
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, off);
    b[0] = b[0]! ^ 0xff;
    fs.writeSync(fd, b, 0, 1, off);
    fs.closeSync(fd);

    const walBytes = read(`${db}-wal`);
    const merged = mergeWal(read(db), walBytes);
    expect(merged.framesApplied).toBe((sizes[1]! - 32) / frameSize);
    expect(merged.framesIgnored).toBe(walFrames(walBytes).frames.length - merged.framesApplied);
    expect(query(merged.image, 'SELECT DISTINCT name FROM runs ORDER BY name')).toEqual([['txn-0'], ['txn-1']]);
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));
  });

  it('stops at a frame whose salts differ from the header, even though its checksum holds', () => {
    // Frame checksums do not cover the salts, so this isolates the salt check from the checksum chain.
    const db = path.join(fresh(), 'store.db');
    const sizes = fiveCommits(db);
    const walBytes = Buffer.from(read(`${db}-wal`));
    const frameSize = FRAME_HEADER + 4096;
    const first = (sizes[2]! - 32) / frameSize; // first frame of the fourth transaction
    walBytes.writeUInt32BE((walBytes.readUInt32BE(16) + 1) >>> 0, 32 + first * frameSize + 8);
    const merged = mergeWal(read(db), walBytes);
    expect(merged.framesApplied).toBe(first);
    expect(query(merged.image, 'SELECT DISTINCT name FROM runs ORDER BY name')).toEqual([['txn-0'], ['txn-1'], ['txn-2']]);
    const forged = path.join(fresh(), 'forged.db');
    fs.copyFileSync(db, forged);
    fs.writeFileSync(`${forged}-wal`, walBytes);
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(forged, ALL_RUNS));
  });

  it('ignores the whole -wal when its header checksum is bad', () => {
    const db = path.join(fresh(), 'store.db');
    fiveCommits(db);
    const walBytes = Buffer.from(read(`${db}-wal`));
    walBytes[12] = walBytes[12]! ^ 1; // checkpoint sequence, covered by the header checksum
    const merged = mergeWal(read(db), walBytes);
    expect(merged.framesApplied).toBe(0);
    expect(merged.framesIgnored).toBe(walFrames(walBytes).frames.length);
  });

  it('builds the image from the -wal alone when the db file is empty', () => {
    // No real writer leaves a 0-byte db beside a -wal (journal_mode=wal writes page 1 first), but a
    // copy taken at the wrong moment can. Every page of this store was written after the switch.
    const db = path.join(fresh(), 'store.db');
    fiveCommits(db);
    const walBytes = read(`${db}-wal`);
    expect(walFrames(walBytes).frames.some((f) => f.pgno === 1)).toBe(true);

    const merged = mergeWal(new Uint8Array(0), walBytes);
    expect(merged.pageSize).toBe(4096);
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));
  });

  it("trusts the -wal's page size over the db header's", () => {
    const db = path.join(fresh(), 'store.db');
    fiveCommits(db);
    const dbBytes = Buffer.from(read(db));
    dbBytes.writeUInt16BE(1024, 16); // a db header claiming another page size
    const merged = mergeWal(dbBytes, read(`${db}-wal`));
    expect(merged.pageSize).toBe(4096);
    expect((merged.image[16]! << 8) | merged.image[17]!).toBe(4096); // page 1 came from the -wal
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));
  });

  it('verifies checksums the same on an unaligned buffer', () => {
    const db = path.join(fresh(), 'store.db');
    fiveCommits(db);
    const walBytes = read(`${db}-wal`);
    const unaligned = new Uint8Array(new ArrayBuffer(walBytes.length + 1), 1);
    unaligned.set(walBytes);
    const a = mergeWal(read(db), walBytes);
    const b = mergeWal(read(db), unaligned);
    expect(b.framesApplied).toBe(a.framesApplied);
    expect(b.framesApplied).toBeGreaterThan(0);
    expect(Buffer.compare(a.image, b.image)).toBe(0);
  });

  it('reads a -wal with big-endian checksums (magic 0x377f0683), as written on big-endian hosts', () => {
    const db = path.join(fresh(), 'store.db');
    const sizes = fiveCommits(db);
    // Re-sign the real -wal with big-endian checksums, by an independent implementation of the algorithm;
    // the last transaction keeps a stale checksum chain, so it must be dropped.
    py(
      `
import struct, sys
p = sys.argv[1]; keep = int(sys.argv[2])
w = bytearray(open(p, 'rb').read())
def ck(data, s0, s1):
    words = struct.unpack('>%dI' % (len(data) // 4), data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xffffffff
        s1 = (s1 + words[i + 1] + s0) & 0xffffffff
    return s0, s1
struct.pack_into('>I', w, 0, 0x377f0683)
s0, s1 = ck(bytes(w[0:24]), 0, 0)
struct.pack_into('>II', w, 24, s0, s1)
ps = struct.unpack_from('>I', w, 8)[0]
off = 32
while off + 24 + ps <= keep:
    s0, s1 = ck(bytes(w[off:off + 8]) + bytes(w[off + 24:off + 24 + ps]), s0, s1)
    struct.pack_into('>II', w, off + 16, s0, s1)
    off += 24 + ps
open(p, 'wb').write(w)
`,
      `${db}-wal`,
      String(sizes[3]),
    );
    const walBytes = read(`${db}-wal`);
    expect(u32be(walBytes, 0)).toBe(0x377f0683);
    const merged = mergeWal(read(db), walBytes);
    expect(merged.framesApplied).toBe((sizes[3]! - 32) / (FRAME_HEADER + 4096));
    expect(query(merged.image, 'SELECT DISTINCT name FROM runs ORDER BY name')).toEqual([['txn-0'], ['txn-1'], ['txn-2'], ['txn-3']]);
    expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));
  });
});

describe('mergeWal in place', () => {
  /** db pages checkpointed into the file, then commits only in the -wal that grow (or, vacuumed, shrink) it. */
  function store(kind: 'grow' | 'shrink'): string {
    const db = path.join(fresh(), 'store.db');
    py(
      PRELUDE +
        `
c.execute('create table runs(id integer primary key, name text, payload text)')
c.execute('create table junk(v text)')
c.execute('begin')
for i in range(200):
    c.execute('insert into runs values (?, ?, ?)', (i, 'run-%d' % i, 'x' * 200))
    c.execute('insert into junk values (?)', ('j' * 3000,))
c.execute('commit')
c.execute('pragma wal_checkpoint(TRUNCATE)')
if sys.argv[2] == 'grow':
    c.execute('begin')
    for i in range(200, 400):
        c.execute('insert into runs values (?, ?, ?)', (i, 'run-%d' % i, 'y' * 900))
    c.execute('commit')
    c.execute("update runs set name = name || '-updated' where id < 10")
else:
    c.execute('drop table junk')
    c.execute('vacuum')
    c.execute("update runs set name = name || '-vacuumed' where id < 10")
os._exit(0)
`,
      db,
      kind,
    );
    return db;
  }

  function owned(bytes: Uint8Array, spare = 0): Buffer {
    const whole = Buffer.allocUnsafeSlow(bytes.length + spare).fill(0xab); // spare room holds garbage
    whole.set(bytes);
    return whole.subarray(0, bytes.length);
  }

  it('builds the same image as the pure merge, writing into the db buffer it is handed', () => {
    for (const kind of ['grow', 'shrink'] as const) {
      const db = store(kind);
      const dbBytes = read(db);
      const walBytes = read(`${db}-wal`);
      const walCopy = Buffer.from(walBytes);
      const pure = mergeWal(dbBytes, walBytes);
      expect(pure.framesApplied).toBeGreaterThan(0);
      if (kind === 'grow') expect(pure.image.length).toBeGreaterThan(dbBytes.length);
      else expect(pure.image.length).toBeLessThan(dbBytes.length);

      // Room for every -wal page: no copy at all, even when the commit grew the database.
      const mine = owned(dbBytes, walBytes.length);
      const merged = mergeWal(mine, walBytes, { inPlace: true, capacity: mine.buffer.byteLength });
      expect(merged.image.buffer).toBe(mine.buffer);
      expect(merged.image.byteOffset).toBe(0);
      expect(Buffer.compare(merged.image, pure.image)).toBe(0);
      expect([merged.framesApplied, merged.framesIgnored, merged.pageSize]).toEqual([pure.framesApplied, pure.framesIgnored, pure.pageSize]);
      expect(Buffer.compare(walBytes, walCopy)).toBe(0); // the -wal is never written
      expect(query(merged.image, ALL_RUNS)).toEqual(sqliteView(db, ALL_RUNS));

      // No room: a database the commit grew is copied once into a bigger image; a shrunk one stays put.
      const tight = owned(dbBytes);
      const grown = mergeWal(tight, walBytes, { inPlace: true });
      expect(grown.image.buffer === tight.buffer).toBe(kind === 'shrink');
      expect(Buffer.compare(grown.image, pure.image)).toBe(0);
    }
  });

  it('zeroes pages past the db file that no committed frame holds, whatever the spare room held', () => {
    // A copy of the db cut short: its lost pages are not in the -wal either, so SQLite reads zeros there.
    const db = store('grow');
    const walBytes = read(`${db}-wal`);
    // Cut as short as the bound allows: the db file and the frames can still hold every page.
    const whole = mergeWal(read(db), walBytes);
    const cut = read(db).subarray(0, 4096 * (whole.image.length / 4096 - whole.framesApplied));
    const pure = mergeWal(cut, walBytes);
    const lost = pure.image.subarray(cut.length, read(db).length);
    expect(lost.length).toBeGreaterThan(0);
    let zeroPages = 0;
    for (let off = 0; off < lost.length; off += 4096) if (lost.subarray(off, off + 4096).every((b) => b === 0)) zeroPages++;
    expect(zeroPages).toBeGreaterThan(0); // some lost pages really read as zeros …
    const mine = owned(cut, pure.image.length - cut.length);
    const merged = mergeWal(mine, walBytes, { inPlace: true, capacity: mine.buffer.byteLength });
    expect(merged.image.buffer).toBe(mine.buffer);
    expect(Buffer.compare(merged.image, pure.image)).toBe(0); // … and none kept the 0xab garbage
  });

  it('refuses a commit claiming more pages than the db file and the -wal can hold together', () => {
    const db = store('grow');
    const walBytes = read(`${db}-wal`);
    const whole = mergeWal(read(db), walBytes);
    const tooShort = read(db).subarray(0, 4096 * (whole.image.length / 4096 - whole.framesApplied - 1));
    expect(() => mergeWal(tooShort, walBytes)).toThrow(WalCorruptError);
    expect(() => mergeWal(owned(tooShort), walBytes, { inPlace: true })).toThrow(/hold at most/);
  });

  it('without applied frames hands back the db itself, marked rollback-journal', () => {
    const db = path.join(fresh(), 'store.db');
    fiveCommits(db);
    const dbBytes = read(db);
    const walBytes = Buffer.from(read(`${db}-wal`));
    walBytes[12] = walBytes[12]! ^ 1; // a bad header: SQLite ignores the whole -wal
    for (const wal of [undefined, walBytes]) {
      const mine = owned(dbBytes);
      const merged = mergeWal(mine, wal, { inPlace: true });
      expect(merged.framesApplied).toBe(0);
      expect(merged.image.buffer).toBe(mine.buffer);
      expect(merged.image.length).toBe(dbBytes.length);
      expect([merged.image[18], merged.image[19]]).toEqual([1, 1]);
      expect(Buffer.compare(merged.image, mergeWal(dbBytes, wal).image)).toBe(0);
    }
    // A bare Uint8Array comes back as a Buffer over the same memory (sql.js copies anything else).
    const bare = new Uint8Array(dbBytes);
    const merged = mergeWal(bare, undefined, { inPlace: true });
    expect(Buffer.isBuffer(merged.image)).toBe(true);
    expect(merged.image.buffer).toBe(bare.buffer);
  });
});
