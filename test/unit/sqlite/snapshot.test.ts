import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSnapshot } from '../../../src/sqlite/snapshot';
import { StoreError } from '../../../src/sources/types';
import { PRELUDE, py, sqliteView, tempDir } from './helpers';

const dirs: string[] = [];
function fresh(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A Flujo-like store: some rows checkpointed into the db, later ones only in the -wal. */
function writeStore(db: string): void {
  py(
    PRELUDE +
      `
c.execute('create table runs(run_id text primary key, pipeline text, status text, started real)')
c.execute('create table steps(id integer primary key, run_id text, name text, output blob)')
c.execute('begin')
for i in range(100):
    c.execute('insert into runs values (?, ?, ?, ?)', ('run-%03d' % i, 'etl', 'ok', 1700000000.5 + i))
    c.execute('insert into steps(run_id, name, output) values (?, ?, ?)', ('run-%03d' % i, 'load', bytes([i, 0, 255])))
c.execute('commit')
c.execute('pragma wal_checkpoint(TRUNCATE)')
c.execute('begin')
for i in range(100, 130):
    c.execute('insert into runs values (?, ?, ?, ?)', ('run-%03d' % i, 'train', 'failed', 1700000000.5 + i))
c.execute('commit')
c.execute('alter table runs add column note text')
c.execute("update runs set note = 'wal only' where run_id = 'run-129'")
os._exit(0)
`,
    db,
  );
}

let store: string;
beforeAll(() => {
  store = path.join(fresh(), 'flujo_ops.db');
  writeStore(store);
});

function expectStoreError(p: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  return p.then(
    () => {
      throw new Error('expected a StoreError');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(StoreError);
      const err = e as StoreError;
      expect(err.store).toBe(file);
      expect(err.message.startsWith(`${file}: `)).toBe(true);
      expect(err.message).not.toContain('\n');
      expect(err.message).toMatch(pattern);
    },
  );
}

describe('openSnapshot', () => {
  it('reads the store as SQLite sees it, -wal included', async () => {
    const snap = await openSnapshot(store);
    try {
      expect(snap.file).toBe(store);
      expect(snap.walFramesApplied).toBeGreaterThan(0);
      expect(snap.walFramesIgnored).toBe(0);
      expect(snap.tables()).toEqual(new Set(['runs', 'steps']));
      expect(snap.columns('runs')).toEqual(new Set(['run_id', 'pipeline', 'status', 'started', 'note']));
      expect(snap.columns('no_such_table')).toEqual(new Set());

      const sql = 'SELECT run_id, pipeline, status, started, note FROM runs ORDER BY run_id';
      const rows: unknown[][] = [];
      snap.each(sql, undefined, (row) => rows.push(row));
      expect(rows).toHaveLength(130);
      expect(rows).toEqual(sqliteView(store, sql));

      const failed = snap.all<{ run_id: string; started: number; note: string | null }>(
        'SELECT run_id, started, note FROM runs WHERE status = ? AND started > ? ORDER BY run_id DESC LIMIT 2',
        ['failed', 1700000100],
      );
      expect(failed).toEqual([
        { run_id: 'run-129', started: 1700000129.5, note: 'wal only' },
        { run_id: 'run-128', started: 1700000128.5, note: null },
      ]);
      const blob = snap.all<{ output: Uint8Array }>('SELECT output FROM steps WHERE run_id = ?', ['run-007']);
      expect(Array.from(blob[0]!.output)).toEqual([7, 0, 255]);
      expect(snap.all('SELECT 1 AS one WHERE 0')).toEqual([]);
    } finally {
      snap.close();
    }
  });

  it('never modifies the store files and never creates -shm', async () => {
    const dir = fresh();
    const db = path.join(dir, 'flujo_ops.db');
    writeStore(db);
    fs.rmSync(`${db}-shm`, { force: true }); // left by the writer; a reader must not bring it back
    const before = [db, `${db}-wal`].map((f) => ({ bytes: fs.readFileSync(f), stat: fs.statSync(f) }));
    const listing = fs.readdirSync(dir).sort();

    const snap = await openSnapshot(db);
    snap.all('SELECT count(*) FROM runs');
    snap.each('SELECT * FROM steps', [], () => undefined);
    snap.close();
    snap.close(); // idempotent

    expect(fs.readdirSync(dir).sort()).toEqual(listing);
    expect(fs.existsSync(`${db}-shm`)).toBe(false);
    [db, `${db}-wal`].forEach((f, i) => {
      const after = fs.statSync(f);
      expect(Buffer.compare(fs.readFileSync(f), before[i]!.bytes)).toBe(0);
      expect(after.mtimeMs).toBe(before[i]!.stat.mtimeMs);
      expect(after.size).toBe(before[i]!.stat.size);
    });
  });

  it('opens a store without a -wal', async () => {
    const db = path.join(fresh(), 'plain.db');
    py(
      `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute('create table t(x)')
c.executemany('insert into t values (?)', [(i,) for i in range(10)])
c.commit(); c.close()
`,
      db,
    );
    const snap = await openSnapshot(db);
    expect(snap.walFramesApplied).toBe(0);
    expect(snap.all('SELECT sum(x) AS s FROM t')).toEqual([{ s: 45 }]);
    snap.close();
  });

  it('turns SQLite errors in queries into StoreErrors naming the file; callback errors pass through', async () => {
    const snap = await openSnapshot(store);
    try {
      expect(() => snap.all('SELECT * FROM missing_table')).toThrow(StoreError);
      expect(() => snap.all('SELECT * FROM missing_table')).toThrow(`${store}: no such table: missing_table`);
      const mine = new Error('callback bug');
      expect(() =>
        snap.each('SELECT 1', undefined, () => {
          throw mine;
        }),
      ).toThrow(mine);
      // The statement was freed: the snapshot still works.
      expect(snap.all('SELECT count(*) AS n FROM runs')).toEqual([{ n: 130 }]);
    } finally {
      snap.close();
    }
    expect(() => snap.all('SELECT 1')).toThrow(/after close/);
  });

  describe('bad inputs become one-line StoreErrors naming the file', () => {
    it('missing file', async () => {
      const f = path.join(fresh(), 'nope.db');
      await expectStoreError(openSnapshot(f), f, /not found — check the path/);
    });

    it('directory', async () => {
      const d = fresh();
      await expectStoreError(openSnapshot(d), d, /directory/);
    });

    it('a text file', async () => {
      const f = path.join(fresh(), 'notes.db');
      fs.writeFileSync(f, 'this is not a database, just some text that is long enough\n'.repeat(10));
      await expectStoreError(openSnapshot(f), f, /not a SQLite database \(no 'SQLite format 3' header\)/);
    });

    it('a 0-byte file without a -wal', async () => {
      const f = path.join(fresh(), 'empty.db');
      fs.writeFileSync(f, '');
      await expectStoreError(openSnapshot(f), f, /empty/);
    });

    it('a truncated database (first 3000 bytes of a multi-page db)', async () => {
      const dir = fresh();
      const full = path.join(dir, 'full.db');
      py(
        `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute('create table t(x)')
c.executemany('insert into t values (?)', [('v' * 500,) for i in range(200)])
c.commit(); c.close()
`,
        full,
      );
      expect(fs.statSync(full).size).toBeGreaterThan(20 * 4096);
      const cut = path.join(dir, 'cut.db');
      fs.writeFileSync(cut, fs.readFileSync(full).subarray(0, 3000));
      await expectStoreError(openSnapshot(cut), cut, /corrupt or truncated \(.+\)/);

      // Cut at a page boundary, with the in-header page count made untrustworthy (as pre-3.7 writers
      // leave it): SQLite opens it and only the first read of a missing page fails.
      const pages = path.join(dir, 'pages.db');
      const head = Buffer.from(fs.readFileSync(full).subarray(0, 2 * 4096));
      head.writeUInt32BE(0, 92);
      fs.writeFileSync(pages, head);
      const snap = await openSnapshot(pages);
      try {
        expect(snap.tables()).toEqual(new Set(['t']));
        expect(() => snap.all('SELECT count(*) FROM t')).toThrow(StoreError);
        expect(() => snap.all('SELECT count(*) FROM t')).toThrow(new RegExp(`^${pages}: database is corrupt or truncated`));
      } finally {
        snap.close();
      }
    });

    it('permission denied', async () => {
      if (process.getuid?.() === 0) return; // root reads everything
      const f = path.join(fresh(), 'locked.db');
      fs.writeFileSync(f, 'SQLite format 3\0');
      fs.chmodSync(f, 0o000);
      await expectStoreError(openSnapshot(f), f, /permission denied/);
    });
  });
});
