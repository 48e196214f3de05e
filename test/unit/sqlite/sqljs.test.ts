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
