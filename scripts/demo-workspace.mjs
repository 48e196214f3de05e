#!/usr/bin/env node
// Writes the Spanlens demo workspace: a small Python project whose Flujo pipelines left a trace
// store behind, the way a developer's checkout looks after a few pipeline runs.
//
// usage: node scripts/demo-workspace.mjs [DIR] [--runs N] [--wal-runs K] [--seed S]
//                                        [--base-time ISO|recent] [--no-html-name] [--force] [--quiet]
//   DIR            where to write it (default .spanlens-cache/demo-workspace). An existing DIR is
//                  replaced when it is empty or an earlier demo workspace (has .spanlens-demo.json);
//                  any other folder is left alone (error) unless --force.
//   --runs N       generated runs besides the ten scenario runs (default 24)
//   --wal-runs K   newest runs left ONLY in flujo_ops.db-wal, as a live Flujo leaves them (default 4)
//   --seed S       flujo_store.py's seed (default 7): same seed, same runs
//   --base-time    wall clock of the first run: ISO text, or `recent` (default) = the newest run
//                  starts ~5 minutes before now, so the runs look like today's work
//   --no-html-name leave out the span named <img src=x onerror=alert(1)>
//
// What it writes (templates in scripts/demo-workspace/):
//   flujo_ops.db (+ -wal, -shm)  by test/fixtures/flujo_store.py: passing, failed, paused, running
//                                runs; a failed `score_risk` whose feedback is a Python traceback
//                                pointing at pipelines/enrich.py line 24
//   pipelines/*.py               the Flujo pipelines those runs name (enrich_customers, score_loans,
//                                sync_invoices, summarize_tickets, approve_refunds); enrich.py line 24
//                                is the `ratio = row["debt"] / row["income"]` of the traceback
//   run_pipelines.py, data/      how the runs came about (needs `pip install flujo`; not needed to demo)
//   README.md                    what to click
//   .spanlens-demo.json          what was generated: options and flujo_store.py's manifest (run ids
//                                by scenario, the -wal-only run ids). Also marks DIR as re-creatable.
//
// As a module: `writeDemoWorkspace({ dir, runs, walRuns, seed, baseTime, htmlName })`
//   → { dir, store, manifest } (the e2e tests build their workspaces with it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DEMO_DIR = path.join(REPO_ROOT, '.spanlens-cache', 'demo-workspace');
export const TEMPLATE_DIR = path.join(REPO_ROOT, 'scripts', 'demo-workspace');
export const FLUJO_STORE_PY = path.join(REPO_ROOT, 'test', 'fixtures', 'flujo_store.py');
export const MARKER = '.spanlens-demo.json';

/** The traceback in flujo_store.py names this file and line; the template must match it. */
const TRACEBACK_FILE = 'pipelines/enrich.py';
const TRACEBACK_LINE = 24;
const TRACEBACK_CODE = 'ratio = row["debt"] / row["income"]';
const TRACEBACK_FUNC = 'score_risk';

const DEFAULTS = { runs: 24, walRuns: 4, seed: 7, baseTime: 'recent', htmlName: true };

function python() {
  return process.env.PYTHON || 'python3';
}

/** Runs flujo_store.py; returns its manifest. */
function runFlujoStore(db, manifestFile, { runs, walRuns, seed, htmlName, baseTime }) {
  const args = [FLUJO_STORE_PY, db, '--runs', String(runs), '--wal-runs', String(walRuns), '--seed', String(seed), '--manifest', manifestFile];
  if (htmlName) args.push('--html-name');
  if (baseTime) args.push('--base-time', baseTime);
  const r = spawnSync(python(), args, { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${python()} (set PYTHON to a Python 3 interpreter): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`flujo_store.py failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  return JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
}

/**
 * `recent`: the base time that makes the newest run start ~5 minutes ago. The gaps between runs
 * depend only on the seed, so one dry run (in a temp folder) with the default base tells them.
 */
function recentBaseTime(opts) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-demo-dry-'));
  try {
    const base = '2025-01-01T00:00:00+00:00';
    const m = runFlujoStore(path.join(tmp, 'dry.db'), path.join(tmp, 'dry.json'), { ...opts, baseTime: base });
    const last = Math.max(...(m.runs ?? []).map((r) => Date.parse(r.createdAt)));
    const span = Number.isFinite(last) ? last - Date.parse(base) : 0;
    const start = new Date(Date.now() - span - 5 * 60_000);
    return start.toISOString().replace(/Z$/, '+00:00');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function copyTemplates(src, dest, vars) {
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    // README.template.md → README.md, with {{VARS}} filled in; everything else is copied as is.
    const to = path.join(dest, e.name.replace(/\.template(\.\w+)$/, '$1'));
    if (e.isDirectory()) {
      fs.mkdirSync(to, { recursive: true });
      copyTemplates(from, to, vars);
    } else if (/\.template\.\w+$/.test(e.name)) {
      fs.writeFileSync(to, fs.readFileSync(from, 'utf8').replace(/\{\{(\w+)\}\}/g, (m, k) => (k in vars ? String(vars[k]) : m)));
    } else {
      fs.copyFileSync(from, to);
    }
  }
}

/** Throws unless enrich.py's line 24 is the traceback's line, inside `def score_risk`. */
function checkTracebackTarget(dir) {
  const file = path.join(dir, TRACEBACK_FILE);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines[TRACEBACK_LINE - 1] ?? '';
  if (line.trim() !== TRACEBACK_CODE) {
    throw new Error(`${TRACEBACK_FILE}:${TRACEBACK_LINE} must be \`${TRACEBACK_CODE}\` (the store's traceback says so), found \`${line.trim()}\``);
  }
  const def = lines.slice(0, TRACEBACK_LINE).reverse().find((l) => /^(async\s+)?def\s/.test(l)) ?? '';
  if (!new RegExp(`def ${TRACEBACK_FUNC}\\(`).test(def)) {
    throw new Error(`${TRACEBACK_FILE}:${TRACEBACK_LINE} must be inside \`def ${TRACEBACK_FUNC}\`, it is in \`${def.trim()}\``);
  }
}

function prepareDir(dir, force) {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a folder`);
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !entries.includes(MARKER) && !force) {
    throw new Error(`${dir} is not empty and is not a Spanlens demo workspace (no ${MARKER}): not touching it; choose another folder`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes (or re-writes) the demo workspace.
 * @param {{ dir?: string, runs?: number, walRuns?: number, seed?: number, baseTime?: string,
 *   htmlName?: boolean, force?: boolean }} [options]   force: replace a DIR that is not a demo workspace
 * @returns {{ dir: string, store: string, manifest: any }}
 */
export function writeDemoWorkspace(options = {}) {
  const opts = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const dir = path.resolve(opts.dir ?? DEFAULT_DEMO_DIR);
  if (!fs.existsSync(FLUJO_STORE_PY)) throw new Error(`${FLUJO_STORE_PY} is missing`);
  const baseTime = opts.baseTime === 'recent' ? recentBaseTime(opts) : opts.baseTime;

  // The default folder is the project's own cache: replaced even when an older demo.mjs wrote it.
  prepareDir(dir, opts.force || dir === DEFAULT_DEMO_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const store = path.join(dir, 'flujo_ops.db');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-demo-'));
  let manifest;
  try {
    manifest = runFlujoStore(store, path.join(tmp, 'manifest.json'), { ...opts, baseTime });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const sc = manifest.scenarios ?? {};
  const byId = new Map((manifest.runs ?? []).map((r) => [r.id, r]));
  const failed = byId.get(sc.failedTraceback);
  copyTemplates(TEMPLATE_DIR, dir, {
    REPO: REPO_ROOT,
    RUN_COUNT: manifest.runCount,
    WAL_RUNS: manifest.walRunIds.length,
    FAILED_RUN_ID: sc.failedTraceback ?? '',
    FAILED_RUN_START: failed ? `${new Date(failed.createdAt).toISOString().slice(0, 19).replace('T', ' ')} UTC` : '',
    STRANGE_RUN_ID: sc.strange ?? '',
    RUNNING_RUN_ID: sc.running ?? '',
  });
  checkTracebackTarget(dir);
  fs.writeFileSync(
    path.join(dir, MARKER),
    JSON.stringify(
      {
        note: 'Written by scripts/demo-workspace.mjs; delete this folder or run it again for a fresh one.',
        generatedAt: new Date().toISOString(),
        options: { runs: opts.runs, walRuns: opts.walRuns, seed: opts.seed, baseTime, htmlName: opts.htmlName },
        manifest,
      },
      null,
      1,
    ) + '\n',
  );
  return { dir, store, manifest };
}

/** The manifest an earlier writeDemoWorkspace() left in `dir`, or null. */
export function readDemoManifest(dir = DEFAULT_DEMO_DIR) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')).manifest ?? null;
  } catch {
    return null;
  }
}

function parseArgs(argv) {
  const o = { quiet: false };
  const num = (i, name) => {
    const v = Number(argv[i]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = num(++i, a);
    else if (a === '--wal-runs') o.walRuns = num(++i, a);
    else if (a === '--seed') o.seed = num(++i, a);
    else if (a === '--base-time') o.baseTime = argv[++i];
    else if (a === '--no-html-name') o.htmlName = false;
    else if (a === '--html-name') o.htmlName = true;
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--force') o.force = true;
    else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.dir = path.resolve(a);
  }
  if (o.baseTime !== undefined && o.baseTime !== 'recent' && Number.isNaN(Date.parse(o.baseTime))) {
    throw new Error('--base-time needs an ISO date-time or `recent`');
  }
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { quiet, ...o } = parseArgs(process.argv.slice(2));
    const { dir, manifest } = writeDemoWorkspace(o);
    if (!quiet) {
      console.log(`[demo-workspace] ${dir}`);
      console.log(`  flujo_ops.db: ${manifest.runCount} runs, ${manifest.spanCount} spans; newest ${manifest.walRunIds.length} only in flujo_ops.db-wal`);
      console.log(`  failed run with the KeyError traceback: ${manifest.scenarios.failedTraceback}`);
      console.log('  open it: npm run demo   (or: code --extensionDevelopmentPath=<repo> <dir>)');
    }
  } catch (e) {
    console.error(`[demo-workspace] ${e.message}`);
    process.exit(1);
  }
}
