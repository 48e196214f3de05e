import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSnapshot } from '../../../src/sqlite/snapshot';
import { StoreError } from '../../../src/sources/types';
import { PRELUDE, tempDir } from './helpers';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('openSnapshot against a live writer', () => {
  it('always sees a consistent, committed state while the writer commits and checkpoints', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = path.join(dir, 'live.db');
    // Transactions of 10 rows (dropping the batch from 1000 transactions ago) as fast as python goes,
    // checkpointing every 200 pages, so the db is rewritten and the WAL restarted under the reader
    // many times a second.
    const writer = spawn('python3', [
      '-c',
      PRELUDE +
        `
import time
c.execute('pragma wal_autocheckpoint=200')
c.execute('pragma synchronous=normal')
c.execute('create table t(id integer primary key, batch integer, payload text)')
print('ready', flush=True)
end = time.time() + float(sys.argv[2])
b = 0
while time.time() < end:
    c.execute('begin')
    for i in range(10):
        c.execute('insert into t(batch, payload) values (?, ?)', (b, 'x' * 700))
    c.execute('delete from t where batch = ?', (b - 1000,))  # bounded size, and freed pages get reused
    c.execute('commit')
    b += 1
os._exit(0)
`,
      db,
      '30',
    ]);
    await new Promise<void>((resolve, reject) => {
      writer.stdout.once('data', () => resolve());
      writer.once('error', reject);
      writer.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
    });
    const exited = new Promise<void>((resolve) => writer.once('exit', () => resolve()));

    let opened = 0;
    let busy = 0;
    let last = -1;
    let stop = false;
    void exited.then(() => (stop = true));
    try {
      // Until enough snapshots were checked across enough writer churn (the 30 s cap only matters on a starved machine).
      while (!stop && (opened < 12 || last < 400)) {
        let snap;
        try {
          snap = await openSnapshot(db);
        } catch (e) {
          // Giving up on a pair that kept changing is allowed; reading a torn pair is not.
          expect(e).toBeInstanceOf(StoreError);
          expect((e as Error).message).toMatch(/try again/);
          busy++;
          continue;
        }
        try {
          // -1 before the first commit, so the window checks below hold for an empty table too.
          const [{ n, batches, lo, hi }] = snap.all<{ n: number; batches: number; lo: number; hi: number }>(
            'SELECT count(*) AS n, count(DISTINCT batch) AS batches, coalesce(min(batch), 0) AS lo, coalesce(max(batch), -1) AS hi FROM t',
          );
          expect(n).toBe(batches * 10); // never half a transaction
          expect(batches).toBe(hi - lo + 1); // a contiguous window: no transaction lost or half-applied
          expect(hi).toBeGreaterThanOrEqual(last); // never goes back in time
          expect(snap.all('PRAGMA quick_check')).toEqual([{ quick_check: 'ok' }]);
          last = hi;
          opened++;
        } finally {
          snap.close();
        }
      }
    } finally {
      writer.kill();
      await exited;
    }
    expect(busy).toBeLessThan(opened);
    expect(opened).toBeGreaterThanOrEqual(3);
    expect(last).toBeGreaterThan(0);
  });
});
