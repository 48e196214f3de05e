/**
 * `npm run bench`: Spanlens' engine against native SQLite on one Flujo-shaped store of
 * 1,000,000 spans, side by side in one run. Prints milliseconds and ratios; asserts nothing
 * (speed targets live here, never in timed unit tests).
 *
 * The store is written by test/fixtures/flujo_store.py (python3's sqlite3, WAL mode, the
 * newest runs only in the -wal) once and cached in .spanlens-cache/bench/.
 * Env: BENCH_RUNS (20000) × BENCH_SPANS (50), BENCH_REPS (5).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { computeStats } from '../../src/analysis/stats';
import { openStore } from '../../src/sources/open';

const runs = Number(process.env.BENCH_RUNS ?? 20000);
const spansPerRun = Number(process.env.BENCH_SPANS ?? 50);
const reps = Number(process.env.BENCH_REPS ?? 5);
const root = path.resolve(__dirname, '..');
const dir = path.join(root, '.spanlens-cache', 'bench', `flujo-${runs}x${spansPerRun}`);
const store = path.join(dir, 'flujo_ops.db');

function ensureStore(): void {
  if (fs.existsSync(path.join(dir, 'ready'))) return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  console.log(`writing a Flujo store of ${runs * spansPerRun} spans (${runs} runs) — once, cached in ${dir}`);
  const t0 = Date.now();
  execFileSync('python3', [
    path.join(root, 'test/fixtures/flujo_store.py'), store,
    '--runs', String(runs), '--spans-per-run', String(spansPerRun), '--no-scenarios', '--wal-runs', '50',
  ], { stdio: 'inherit' });
  // Native SQLite reads a copy: sqlite3 checkpoints a -wal into its db on close, even read-only.
  fs.mkdirSync(path.join(dir, 'native'));
  for (const f of ['flujo_ops.db', 'flujo_ops.db-wal']) {
    if (fs.existsSync(path.join(dir, f))) fs.copyFileSync(path.join(dir, f), path.join(dir, 'native', f));
  }
  fs.writeFileSync(path.join(dir, 'ready'), '');
  console.log(`written in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  ensureStore();
  const size = fs.statSync(store).size + (fs.existsSync(`${store}-wal`) ? fs.statSync(`${store}-wal`).size : 0);

  const readFile = await timed(() => fs.promises.readFile(store));
  const openList = await timed(async () => {
    const s = await openStore(store);
    await s.listRuns({ limit: 200 });
    await s.close();
  });
  const s = await openStore(store);
  const [newest] = await s.listRuns({ limit: 1 });
  const listOnly = await timed(() => s.listRuns({ limit: 200 }));
  const oneRun = await timed(() => s.getSpans(newest.id));
  const stats = await timed(async () => computeStats(await s.spanSummaries()));
  const total = computeStats(await s.spanSummaries()).totalSpans;
  await s.close();

  const native = JSON.parse(
    execFileSync('python3', [path.join(__dirname, '..', 'test/bench/native.py'), path.join(dir, 'native', 'flujo_ops.db'), newest.id, String(reps)], {
      encoding: 'utf8',
    }),
  ) as Record<'readFile' | 'openList' | 'oneRun' | 'stats', number>;

  const rows: Array<[string, number, number | undefined]> = [
    ['read the file into memory', readFile, native.readFile],
    ['open + list newest 200 runs', openList, native.openList],
    ['list newest 200 runs (store open)', listOnly, undefined],
    [`one run's spans (${newest.id.slice(0, 12)}…)`, oneRun, native.oneRun],
    [`stats over all ${total} spans`, stats, native.stats],
  ];
  console.log(`\nstore: ${store} (${(size / 1e6).toFixed(0)} MB, ${total} spans, ${runs} runs), median of ${reps}\n`);
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'operation'.padEnd(w)}  ${'spanlens'.padStart(10)}  ${'sqlite3'.padStart(10)}  ${'ratio'.padStart(7)}`);
  for (const [name, ours, theirs] of rows) {
    const ratio = theirs === undefined ? '' : `${(ours / theirs).toFixed(2)}×`;
    const nat = theirs === undefined ? '–' : `${theirs.toFixed(1)} ms`;
    console.log(`${name.padEnd(w)}  ${`${ours.toFixed(1)} ms`.padStart(10)}  ${nat.padStart(10)}  ${ratio.padStart(7)}`);
  }
  console.log('\nratio = spanlens ÷ native SQLite (python3 sqlite3, same file, same query); < 1 means spanlens is faster.');
  console.log('"open + list" includes reading the whole file into memory: sql.js has no on-disk pager; the first row is that floor.');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
