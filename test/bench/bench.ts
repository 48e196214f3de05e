/**
 * `npm run bench`: Spanlens' engine against native SQLite on one Flujo-shaped store of
 * 1,000,000 spans, side by side in one run. Prints milliseconds and ratios; asserts nothing
 * (speed targets live here, never in timed unit tests).
 *
 * The store is written by test/fixtures/flujo_store.py (python3's sqlite3, WAL mode, the
 * newest runs only in the -wal) once and cached in .spanlens-cache/bench/.
 * Env: BENCH_RUNS (20000) × BENCH_SPANS (50), BENCH_REPS (5); BENCH_TIMELINE_SPANS (100000) for the
 * Trace Timeline part (timelinePage.ts, headless Chromium). Arguments pick parts: engine, search,
 * cli, llm, receiver, timeline, exthost (the extension host's event loop in real VS Code while the
 * store opens and is indexed: test/bench/exthost.e2e.ts).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildIndex, updateIndex } from '../../src/analysis/search/search';
import { storeStats } from '../../src/analysis/stats';
import { openFlujoStore } from '../../src/sources/flujo/reader';
import { enrichStore, openStore } from '../../src/sources/open';
import { readWholeFile } from '../../src/sqlite/read';
import { receiverBench } from './receiver';
import { printTimelineFigures, timelinePageBench } from './timelinePage';

const runs = Number(process.env.BENCH_RUNS ?? 20000);
const spansPerRun = Number(process.env.BENCH_SPANS ?? 50);
const reps = Number(process.env.BENCH_REPS ?? 5);
/** Sub-10 ms operations are timed more often, on both sides: one preempted rep must not decide their median. */
const fastReps = Math.max(reps, 25);
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

async function timed(fn: () => Promise<unknown>, n: number = reps): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
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

  // Untimed: the store may have left the page cache since it was written or last read; the
  // native side runs after this process has read it many times, so it is always warm.
  await readWholeFile(store);
  const readFile = await timed(() => readWholeFile(store));
  const openList = await timed(async () => {
    const s = await openStore(store);
    await s.listRuns({ limit: 200 });
    await s.close();
  });
  const s = await openStore(store);
  const [newest] = await s.listRuns({ limit: 1 });
  const listOnly = await timed(() => s.listRuns({ limit: 200 }), fastReps);
  const oneRun = await timed(() => s.getSpans(newest.id), fastReps);
  // What `spanlens stats` runs: the reader's spans folded by name, then computeStats.
  const stats = await timed(() => storeStats(s));
  const total = (await storeStats(s)).totalSpans;
  await s.close();

  const native = JSON.parse(
    execFileSync('python3', [path.join(__dirname, '..', 'test/bench/native.py'), path.join(dir, 'native', 'flujo_ops.db'), newest.id, String(reps), String(fastReps)], {
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
  console.log(`\nstore: ${store} (${(size / 1e6).toFixed(0)} MB, ${total} spans, ${runs} runs), median of ${reps} (${fastReps} for the fast rows)\n`);
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

// ---- search: the index built once, then each query against the same query as a native LIKE scan ----

/** Watches the event loop: the longest time it could not run a timer (the editor would freeze that long). */
function pauseMeter(): () => number {
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 2);
  return () => {
    clearInterval(timer);
    return longest;
  };
}

async function searchBench(): Promise<void> {
  // A copy that the update part appends runs to (the cached store stays as written).
  const copyDir = path.join(dir, 'search-copy');
  fs.rmSync(copyDir, { recursive: true, force: true });
  fs.mkdirSync(copyDir);
  const copy = path.join(copyDir, 'flujo_ops.db');
  for (const f of ['', '-wal']) if (fs.existsSync(store + f)) fs.copyFileSync(store + f, copy + f);
  let s = await openStore(copy);
  const [newest] = await s.listRuns({ limit: 1 });
  const spans = await s.getSpans(newest.id);
  const t0 = performance.now();
  const buildPause = pauseMeter();
  const index = await buildIndex(s);
  const buildMs = performance.now() - t0;
  const buildPauseMs = buildPause();
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  await s.close();
  const spanFrag = spans[1]!.id.slice(9, 18);
  const like = (t: string): string => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const anyText = "(s.span_id LIKE ? ESCAPE '\\' OR s.run_id LIKE ? ESCAPE '\\' OR s.name LIKE ? ESCAPE '\\' OR s.attributes LIKE ? ESCAPE '\\')";
  const text = (t: string): { where: string; params: string[] } => ({ where: anyText, params: [like(t), like(t), like(t), like(t)] });
  const failed = "s.status IN ('failed', 'error')";
  const queries: Array<{ q: string; name: string; where: string; params: Array<string | number> }> = [
    { name: 'span id fragment', q: spanFrag, ...text(spanFrag) },
    { name: 'full run id', q: newest.id, ...text(newest.id) },
    { name: 'span name', q: 'score_risk', ...text('score_risk') },
    { name: 'error text', q: 'KeyError', ...text('KeyError') },
    { name: 'error phrase', q: '"empty response"', ...text('empty response') },
    { name: 'attribute value', q: 'DefaultLoopStepExecutor', ...text('DefaultLoopStepExecutor') },
    { name: 'two words', q: 'enrich keyerror', where: `${text('enrich').where} AND ${text('keyerror').where}`, params: [...text('enrich').params, ...text('keyerror').params] },
    { name: 'status + name glob', q: 'status:error name:call_*', where: `${failed} AND s.name LIKE 'call\\_%' ESCAPE '\\'`, params: [] },
    { name: 'attribute filter', q: 'attr.flujo.step.type=LoopStep', where: `s.attributes LIKE '%"flujo.step.type":"LoopStep"%'`, params: [] },
    { name: 'status + duration', q: 'status:error dur>2s', where: `${failed} AND s.end_time - s.start_time > 2`, params: [] },
    { name: 'numeric attribute', q: 'attr.latency_s>0.9', where: "json_extract(s.attributes, '$.latency_s') > 0.9", params: [] },
  ];
  const rows: Array<[string, string, number, number | undefined, number]> = [];
  for (const { q, name } of queries) {
    let total = 0;
    const ms = await timed(async () => {
      const r = await index.search(q, { limit: 50 });
      total = r.totalSpans + r.totalRuns;
    });
    rows.push([name, q, ms, undefined, total]);
  }
  const qfile = path.join(dir, 'search-queries.json');
  fs.writeFileSync(qfile, JSON.stringify(queries.map(({ name, where, params }) => ({ name, where, params }))));
  const native = JSON.parse(
    execFileSync('python3', [path.join(__dirname, '..', 'test/bench/native.py'), path.join(dir, 'native', 'flujo_ops.db'), newest.id, String(reps), '--search', qfile], { encoding: 'utf8' }),
  ) as Record<string, number>;
  for (const r of rows) r[3] = native[r[0]];
  console.log(`\nsearch: index of ${index.spanCount} spans + ${index.runCount} runs built in ${(buildMs / 1000).toFixed(1)} s (once, in the background; ~${Math.round(index.bytes() / 1e6)} MB of arrays and text, heap ${heapMb.toFixed(0)} MB)`);
  console.log(`per query (limit 50 per group, totals counted), median of ${reps}:\n`);
  const w = Math.max(...rows.map((r) => `${r[0]}: ${r[1]}`.length));
  console.log(`${'query'.padEnd(w)}  ${'spanlens'.padStart(10)}  ${'LIKE scan'.padStart(10)}  ${'ratio'.padStart(7)}  ${'matches'.padStart(8)}`);
  for (const [name, q, ours, theirs, total] of rows) {
    const nat = theirs === undefined ? '–' : `${theirs.toFixed(1)} ms`;
    const ratio = theirs === undefined ? '' : `${(ours / theirs).toFixed(3)}×`;
    console.log(`${`${name}: ${q}`.padEnd(w)}  ${`${ours.toFixed(1)} ms`.padStart(10)}  ${nat.padStart(10)}  ${ratio.padStart(7)}  ${String(total).padStart(8)}`);
  }
  console.log('\nLIKE scan = python3 sqlite3 on the same file: COUNT(*) and the first 50 rows of spans WHERE <the query as LIKE>.');
  console.log(`longest pause of the event loop while building the index: ${buildPauseMs.toFixed(0)} ms`);

  // ---- kept up to date: a live Flujo appends a run (to the -wal); the store is re-read and the index updated ----
  const times: Array<{ reopen: number; update: number; pause: number; changed: number }> = [];
  let ix = index;
  for (let i = 0; i < Math.min(reps, 5); i++) {
    execFileSync('python3', [path.join(root, 'test/e2e/append_run.py'), copy, '--status', i % 2 ? 'completed' : 'failed', '--seed', String(100 + i)], { encoding: 'utf8' });
    const pause = pauseMeter();
    const r0 = performance.now();
    s = await openStore(copy);
    const r1 = performance.now();
    const u = await updateIndex(ix, s);
    const r2 = performance.now();
    times.push({ reopen: r1 - r0, update: r2 - r1, pause: pause(), changed: u.changedRuns });
    if (u.rebuilt) throw new Error('bench: an appended run rebuilt the whole index');
    ix = u.index;
    await s.close();
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const upd = med(times.map((t) => t.update));
  console.log(
    `\nkept up to date (a run appended by a live Flujo, median of ${times.length}): re-read the store ${med(times.map((t) => t.reopen)).toFixed(0)} ms` +
      ` + update the index ${upd.toFixed(0)} ms (${times[0]!.changed} run re-read) vs building it again ${(buildMs / 1000).toFixed(1)} s` +
      ` (${(upd / buildMs).toFixed(3)}×); longest pause ${Math.max(...times.map((t) => t.pause)).toFixed(0)} ms`,
  );
  fs.rmSync(copyDir, { recursive: true, force: true });
}

// ---- the LLM pass (src/enrich/llm) every opened store goes through: its cost on a whole-store index build ----

async function llmPassBench(): Promise<void> {
  ensureStore();
  const build = async (wrap: boolean): Promise<number> => {
    const raw = await openFlujoStore(store, store);
    const s = wrap ? enrichStore(raw) : raw;
    const t0 = performance.now();
    await buildIndex(s);
    const ms = performance.now() - t0;
    await s.close();
    return ms;
  };
  const plain: number[] = [];
  const enriched: number[] = [];
  for (let i = 0; i < Math.min(reps, 3); i++) {
    plain.push(await build(false));
    enriched.push(await build(true));
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `\nLLM pass: search index of the whole store built from the reader alone ${med(plain).toFixed(0)} ms, ` +
      `through openStore's enrichment ${med(enriched).toFixed(0)} ms (${(med(enriched) / med(plain)).toFixed(2)}×; ` +
      'every Flujo step that spent tokens becomes an LLM call with llm.* search attributes)',
  );
}

// ---- the CLI at scale: one `spanlens` call on a store of many runs, and on a waft folder of many files ----

const cliRuns = Number(process.env.BENCH_CLI_RUNS ?? 100_000);
const waftFiles = Number(process.env.BENCH_WAFT_FILES ?? 10_000);

/** A waft traces folder of `files` daily files (3 spans each), written once and cached. */
function ensureWaftFolder(files: number): string {
  const wdir = path.join(root, '.spanlens-cache', 'bench', `waft-${files}-files`);
  const traces = path.join(wdir, '_pyrite', 'analytics', 'traces');
  if (fs.existsSync(path.join(wdir, 'ready'))) return wdir;
  fs.rmSync(wdir, { recursive: true, force: true });
  fs.mkdirSync(traces, { recursive: true });
  const day0 = Date.UTC(2000, 0, 1);
  for (let i = 0; i < files; i++) {
    const day = new Date(day0 + i * 86_400_000).toISOString().slice(0, 10);
    const lines: string[] = [];
    for (let k = 0; k < 3; k++) {
      lines.push(JSON.stringify({
        trace_id: `t-${i}`, span_id: `s-${i}-${k}`, operation: k === 0 ? 'pipeline.run' : `step.${k}`, layer: 'core',
        parent_span_id: k === 0 ? null : `s-${i}-0`, timestamp: `${day}T09:00:0${k}.000000`, duration_ms: 10 + k,
        status: i % 5 === 0 && k === 2 ? 'error' : 'success', data: { i }, metadata: {}, error: i % 5 === 0 && k === 2 ? 'KeyError: x' : null,
      }));
    }
    fs.writeFileSync(path.join(traces, `${day}.jsonl`), `${lines.join('\n')}\n`);
  }
  fs.writeFileSync(path.join(wdir, 'ready'), '');
  return wdir;
}

async function cliScaleBench(): Promise<void> {
  // The real binary, as a user runs it (dist/cli.js, built by `npm run bench` beside this file).
  const cliJs = path.join(__dirname, 'cli.js');
  const call = (argv: string[]) => async (): Promise<void> => {
    execFileSync(process.execPath, [cliJs, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  };
  const fdir = path.join(root, '.spanlens-cache', 'bench', `flujo-${cliRuns}-runs`);
  const fstore = path.join(fdir, 'flujo_ops.db');
  if (!fs.existsSync(path.join(fdir, 'ready'))) {
    fs.rmSync(fdir, { recursive: true, force: true });
    fs.mkdirSync(fdir, { recursive: true });
    console.log(`writing a Flujo store of ${cliRuns} runs — once, cached in ${fdir}`);
    execFileSync('python3', [path.join(root, 'test/fixtures/flujo_store.py'), fstore, '--runs', String(cliRuns), '--spans-per-run', '3', '--attrs', 'lean', '--no-scenarios', '--wal-runs', '20'], { stdio: 'inherit' });
    fs.writeFileSync(path.join(fdir, 'ready'), '');
  }
  const wdir = ensureWaftFolder(waftFiles);
  const n = Math.min(reps, 3);
  const rows: Array<[string, number]> = [
    [`spanlens search (Flujo, ${cliRuns} runs): KeyError`, await timed(call(['search', fstore, 'KeyError']), n)],
    [`spanlens list (Flujo, ${cliRuns} runs)`, await timed(call(['list', fstore]), n)],
    [`spanlens list (waft, ${waftFiles} files)`, await timed(call(['list', wdir]), n)],
    [`spanlens search (waft, ${waftFiles} files): KeyError`, await timed(call(['search', wdir, 'KeyError']), n)],
    [`spanlens stats (waft, ${waftFiles} files)`, await timed(call(['stats', wdir]), n)],
  ];
  console.log(`\nthe CLI at scale (one call of dist/cli.js, process start included, median of ${n}):\n`);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [name, ms] of rows) console.log(`${name.padEnd(w)}  ${`${(ms / 1000).toFixed(2)} s`.padStart(9)}`);
}

// ---- the Trace Timeline page on one 100,000-span trace, in headless Chromium ----

async function timelineBench(): Promise<void> {
  const spans = Number(process.env.BENCH_TIMELINE_SPANS ?? 100_000);
  printTimelineFigures(await timelinePageBench(root, path.join(root, '.spanlens-cache', 'bench'), spans));
}

// ---- the extension host's event loop while the 1M-span store opens and is indexed, in real VS Code ----

async function exthostBench(): Promise<void> {
  ensureStore();
  // vitest drives code-server and Chromium as the e2e suite does (test/bench/exthost.e2e.ts prints the figures).
  execFileSync('npx', ['vitest', 'run', '-c', 'vitest.bench.config.ts', 'test/bench/exthost.e2e.ts', '--reporter=dot'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BENCH_EXTHOST_STORE: dir },
  });
}

// `npm run bench` runs every part; `npm run bench -- receiver` (or engine, search, cli, llm, timeline, exthost) one of them.
const parts: Record<string, () => Promise<void>> = {
  engine: main,
  search: searchBench,
  cli: cliScaleBench,
  llm: llmPassBench,
  receiver: receiverBench,
  timeline: timelineBench,
  exthost: exthostBench,
};
const wanted = [...process.argv.slice(2), ...(process.env.BENCH_ONLY ? [process.env.BENCH_ONLY] : [])].filter((a) => a in parts);
(async () => {
  for (const [name, run] of Object.entries(parts)) if (wanted.length === 0 || wanted.includes(name)) await run();
})().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
