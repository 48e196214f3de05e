#!/usr/bin/env node
// `npm run demo`: this repo's extension in real VS Code, on the demo workspace, for a person to
// look at. Builds first (so the demo shows the current code).
//   - VS Code desktop's `code` on PATH: `code --extensionDevelopmentPath=<repo> <workspace>`
//     (an Extension Development Host window), then exits.
//   - otherwise, or with --web: code-server (real VS Code in the browser) on a local port; prints
//     the URL and runs until Ctrl+C.
//
// usage: node scripts/vscode-web/demo.mjs [WORKSPACE] [--web] [--fresh] [--port N] [--no-build]
//                                          [--open] [--screenshot FILE.png]
//   WORKSPACE     folder to open (default: .spanlens-cache/demo-workspace, written on first use by
//                 scripts/demo-workspace.mjs: a Flujo store with passing, failed and -wal-only runs,
//                 and the pipeline sources its tracebacks point at; see its README.md)
//   --web         use code-server even where `code` is on PATH
//   --fresh       re-write the default demo workspace first (new runs, times near now)
//   --port N      code-server: listen on 127.0.0.1:N (default: a free port; from another machine:
//                 ssh -L N:127.0.0.1:N)
//   --no-build    skip `node esbuild.js`
//   --open        code-server: also open a visible Chromium window on it (needs a display)
//   --screenshot  code-server, headless: open the workbench, show the Spanlens view, save a PNG, exit
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DEMO_DIR, MARKER, writeDemoWorkspace } from '../demo-workspace.mjs';
import { startCodeServer } from './server.mjs';
import { ensureVscodeWeb } from './setup.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArgs(argv) {
  const o = { workspace: null, port: undefined, build: true, open: false, screenshot: null, web: false, fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') o.port = Number(argv[++i]);
    else if (a === '--no-build') o.build = false;
    else if (a === '--web') o.web = true;
    else if (a === '--fresh') o.fresh = true;
    else if (a === '--open') o.open = true;
    else if (a === '--screenshot') o.screenshot = path.resolve(argv[++i] ?? 'demo.png');
    else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.workspace = path.resolve(a);
  }
  if (o.port !== undefined && !(o.port > 0 && o.port < 65536)) throw new Error('--port needs a port number');
  return o;
}

/** The default demo workspace, written by scripts/demo-workspace.mjs when missing (or with --fresh). */
function defaultWorkspace(fresh) {
  const ws = DEFAULT_DEMO_DIR;
  if (!fresh && fs.existsSync(path.join(ws, MARKER))) return ws;
  console.log(`[demo] writing the demo workspace (scripts/demo-workspace.mjs) to ${ws}…`);
  return writeDemoWorkspace({ dir: ws }).dir;
}

/** VS Code desktop's CLI on PATH (`code`, `code.cmd` on Windows), or null. */
function desktopCode() {
  const names = process.platform === 'win32' ? ['code.cmd', 'code.exe'] : ['code'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const f = path.join(dir, n);
      try {
        fs.accessSync(f, fs.constants.X_OK);
        if (fs.statSync(f).isFile()) return f;
      } catch {
        /* not here */
      }
    }
  }
  return null;
}

function build() {
  console.log('[demo] building the extension (node esbuild.js)…');
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'esbuild.js')], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.workspace && o.fresh) throw new Error('--fresh re-writes the default demo workspace; it does not go with a WORKSPACE');
  const code = o.web || o.open || o.screenshot || o.port !== undefined ? null : desktopCode();
  if (code) {
    if (o.build) build();
    const workspace = o.workspace ?? defaultWorkspace(o.fresh);
    console.log(`[demo] ${code} --extensionDevelopmentPath=${REPO_ROOT} ${workspace}`);
    const r = spawnSync(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, workspace], { stdio: 'inherit', shell: process.platform === 'win32' });
    if (r.error) throw new Error(`could not start ${code}: ${r.error.message} (--web uses code-server instead)`);
    if (r.status !== 0) throw new Error(`${code} exited with ${r.status} (--web uses code-server instead)`);
    console.log('[demo] VS Code opened an Extension Development Host window with Spanlens loaded.');
    return;
  }
  const paths = await ensureVscodeWeb();
  if (o.build) build();
  const workspace = o.workspace ?? defaultWorkspace(o.fresh);
  const logFile = path.join(REPO_ROOT, '.spanlens-cache', 'demo-code-server.log');
  const server = await startCodeServer({ extensionPath: REPO_ROOT, workspace, port: o.port, logFile });
  let browser = null;
  const shutdown = async (code = 0) => {
    await browser?.close().catch(() => {});
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  if (o.screenshot || o.open) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: paths.chromium, args: CHROMIUM_ARGS, headless: !o.open });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 90_000 });
    if (o.screenshot) {
      const item = page.locator('.part.activitybar li.action-item[role="tab"]').filter({ has: page.locator('a.action-label[aria-label="Spanlens"]') });
      await item.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await item.getAttribute('aria-selected')) !== 'true') await item.click();
      await page.mouse.move(700, 450);
      // Let the extension host start, activate Spanlens, find and read the stores: wait for the
      // Runs tree's first rows (~20 s after the workbench on a 2-core machine), at most 60 s.
      await page
        .locator('.part.sidebar .monaco-list[role="tree"] .monaco-list-row')
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 })
        .catch(() => console.warn('[demo] the Runs view showed no rows within 60 s'));
      await page.waitForTimeout(3000);
      fs.mkdirSync(path.dirname(o.screenshot), { recursive: true });
      await page.screenshot({ path: o.screenshot });
      console.log(`[demo] screenshot: ${o.screenshot}`);
      await shutdown(0);
      return;
    }
  }
  console.log('');
  console.log(`  VS Code ${paths.vscodeVersion} (code-server ${paths.codeServerVersion}) with Spanlens:`);
  console.log(`    ${server.url}`);
  console.log(`  workspace: ${workspace}`);
  console.log(`  log:       ${logFile}`);
  console.log('  Ctrl+C stops it.');
}

main().catch((e) => {
  console.error(`[demo] ${e.message}`);
  process.exit(1);
});
