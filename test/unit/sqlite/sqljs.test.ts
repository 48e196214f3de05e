import { execFileSync } from 'child_process';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSqlJs } from '../../../src/sqlite/sqljs';
import { tempDir } from './helpers';

const root = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('loadSqlJs', () => {
  it('starts sql.js once per process', async () => {
    const a = loadSqlJs();
    const b = loadSqlJs();
    expect(a).toBe(b);
    const SQL = await a;
    const db = new SQL.Database();
    expect(db.exec('SELECT sqlite_version()')[0]!.values[0]![0]).toMatch(/^3\./);
    db.close();
  });

  it('keeps a Buffer it opens as its in-memory file, without copying it (what snapshots rely on)', async () => {
    const SQL = await loadSqlJs();
    const src = new SQL.Database();
    src.run("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('hello spanlens')");
    const image = Buffer.from(src.export());
    src.close();
    const db = new SQL.Database(image);
    try {
      // SQLite has read no page yet: an edit to our Buffer now is what it reads.
      const at = image.indexOf('hello spanlens');
      expect(at).toBeGreaterThan(0);
      image.write('jello', at);
      expect(db.exec('SELECT v FROM t')[0]!.values).toEqual([['jello spanlens']]);
    } finally {
      db.close();
    }
  });

  it('works from an esbuild cjs bundle with the wasm beside it and no node_modules in reach', async () => {
    const dir = tempDir('spanlens-bundle-');
    dirs.push(dir);
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(
      entry,
      `import { openSnapshot } from ${JSON.stringify(path.join(root, 'src/sqlite/snapshot'))};
import { loadSqlJs } from ${JSON.stringify(path.join(root, 'src/sqlite/sqljs'))};
loadSqlJs().then((SQL) => {
  const db = new SQL.Database();
  const v = db.exec('SELECT 40 + 2')[0].values[0][0];
  db.close();
  return openSnapshot(process.argv[2]).then(() => console.log('unexpected'), (e) => console.log(v, e.name));
});
`,
    );
    await esbuild.build({
      entryPoints: [entry],
      outfile: path.join(dir, 'out', 'bundle.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      logLevel: 'silent',
    });
    fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dir, 'out', 'sql-wasm.wasm'));
    const out = execFileSync('node', [path.join(dir, 'out', 'bundle.js'), path.join(dir, 'missing.db')], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('42 StoreError');
  });
});
