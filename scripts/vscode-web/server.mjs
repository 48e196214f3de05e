// Starts REAL VS Code (code-server, installed by setup.mjs) with one unpacked extension loaded,
// on a free loopback port, and stops it again. Node built-ins only; used by the e2e harness
// (test/e2e/harness.ts) and the demo (scripts/vscode-web/demo.mjs).
//
//   const server = await startCodeServer({ extensionPath: '/work/main', workspace: '/tmp/ws' });
//   // open server.url in a browser …
//   await server.stop();
//
// Facts this relies on (code-server 4.139.1 / VS Code 1.139.1):
// - An unpacked extension (package.json + its built `main`) in a subfolder of --extensions-dir is
//   scanned and activated. We copy the extension into a folder named `publisher.name-version`,
//   the name VS Code itself gives installed extensions (see PITFALLS in the report / below).
// - User settings live in <user-data-dir>/User/settings.json and are read at start.
// - GET /healthz answers 200 once the HTTP server is up; the workbench itself loads after that,
//   in the browser.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getPaths, pathWithNode24 } from './paths.mjs';

/** Settings that keep a fresh profile quiet: no welcome page, walkthroughs, tips, telemetry, trust prompts. */
export const QUIET_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
});

/** Files and folders of an extension that code-server needs; the rest of a repo is left behind. */
const EXTENSION_ENTRIES = ['package.json', 'package.nls.json', 'dist', 'out', 'media', 'resources', 'images', 'README.md', 'LICENSE', 'CHANGELOG.md'];

/**
 * @param {{
 *   extensionPath?: string | string[],  // unpacked extension folder(s): package.json + built main
 *   workspace: string,                  // folder to open
 *   port?: number,                      // default: a free port
 *   userDataDir?: string,               // default: a fresh temp dir (removed by stop()); a given one is kept
 *   settings?: Record<string, unknown>, // user settings merged over QUIET_SETTINGS
 *   link?: boolean,                     // symlink instead of copy (live edits; see notes)
 *   logFile?: string,                   // default: <tmp>/code-server.log (removed by stop())
 *   env?: Record<string, string>,       // extra environment for code-server and the extension host
 *   timeoutMs?: number,                 // wait for HTTP (default 60 s)
 *   quiet?: boolean,
 *   workspaceTrust?: boolean,           // true: workspace trust on, the folder opens untrusted (Restricted Mode)
 * }} opts
 * @returns {Promise<{ url: string, port: number, baseUrl: string, workspace: string, logFile: string,
 *   userDataDir: string, extensionsDir: string, pid: number, stop: () => Promise<void> }>}
 */
export async function startCodeServer(opts) {
  const { workspace, settings = {}, link = false, env = {}, timeoutMs = 60_000 } = opts;
  if (!workspace) throw new Error('startCodeServer: workspace is required');
  const ws = path.resolve(workspace);
  if (!fs.statSync(ws, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`workspace ${ws} is not a folder`);
  const paths = getPaths();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-code-server-'));
  const extensionsDir = path.join(tmp, 'extensions');
  const userDataDir = path.resolve(opts.userDataDir ?? path.join(tmp, 'user-data'));
  const ownsUserData = !opts.userDataDir;
  const logFile = path.resolve(opts.logFile ?? path.join(tmp, 'code-server.log'));
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });

  const extensionPaths = [opts.extensionPath ?? []].flat();
  const installed = extensionPaths.map((p) => installUnpacked(path.resolve(p), extensionsDir, link));

  // Trust on, for the Restricted Mode tests only: no start-up prompt, the folder simply opens untrusted.
  const trust = opts.workspaceTrust === true ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
  writeUserSettings(userDataDir, { ...QUIET_SETTINGS, ...trust, ...settings });

  const port = opts.port ?? (await freePort());
  const args = [
    paths.codeServerEntry,
    // Our own (temp) config file: code-server otherwise reads, or on first run writes,
    // ~/.config/code-server/config.yaml (which may ask for a password).
    '--config', path.join(tmp, 'config.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust === true ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ws,
  ];
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `$ ${paths.node24} ${args.join(' ')}\n# extensions: ${installed.join(', ') || '(none)'}\n`);
  const child = spawn(paths.node24, args, {
    // Its own process group: stop() kills code-server, its extension host and file watchers at once.
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      // No extension gallery: code-server would otherwise query open-vsx.org (unreachable here)
      // for updates of built-in extensions. An empty gallery (no serviceUrl) disables it.
      EXTENSIONS_GALLERY: '{}',
      ...env,
      PATH: pathWithNode24(paths.node24),
      // Keep the desktop-ish env of the caller from leaking in (a code-server started from a VS Code
      // terminal would otherwise try to hand the folder to that instance).
      VSCODE_IPC_HOOK_CLI: '',
      VSCODE_PID: '',
    },
  });
  fs.closeSync(out);
  let exited = null;
  const exitPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );

  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);
  // A test runner killed by a signal runs no 'exit' handler: a watchdog (its own process group)
  // kills code-server's group once this process is gone.
  const watchdog = spawn(
    process.execPath,
    [
      '-e',
      `const parent = ${process.pid}, group = ${child.pid};
       setInterval(() => {
         try { process.kill(parent, 0); } catch {
           try { process.kill(-group, 'SIGKILL'); } catch {}
           process.exit(0);
         }
         try { process.kill(-group, 0); } catch { process.exit(0); }
       }, 1000);`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    if (!exited) {
      killGroup('SIGTERM');
      const t = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(t);
    }
    // Stragglers of the group (the extension host may outlive code-server's main process briefly).
    killGroup('SIGKILL');
    try {
      watchdog.kill('SIGKILL');
    } catch {
      /* gone */
    }
    // The temp dir holds the extensions dir, config.yaml, and (unless given elsewhere) the
    // user-data dir and the log: all of it goes.
    fs.rmSync(extensionsDir, { recursive: true, force: true });
    if (ownsUserData) fs.rmSync(userDataDir, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  try {
    await waitForHttp(`${baseUrl}/healthz`, timeoutMs, () => exited);
  } catch (e) {
    await new Promise((r) => setTimeout(r, 200)); // let its last words reach the log
    const last = tail(logFile, 30);
    await stop();
    throw new Error(`${e.message}\n--- last lines of ${logFile} ---\n${last}`);
  }
  if (!opts.quiet && process.env.SPANLENS_E2E_VERBOSE) {
    console.log(`[code-server] ${baseUrl} up in ${Date.now() - t0} ms (log ${logFile})`);
  }
  return {
    url: `${baseUrl}/?folder=${encodeURI(ws)}`,
    baseUrl,
    port,
    workspace: ws,
    logFile,
    userDataDir,
    extensionsDir,
    pid: child.pid,
    stop,
  };
}

/** Copies (or links) an unpacked extension into EXT/<publisher>.<name>-<version>; returns that folder's name. */
export function installUnpacked(extensionPath, extensionsDir, link = false) {
  const pkgFile = path.join(extensionPath, 'package.json');
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  } catch (e) {
    throw new Error(`${pkgFile}: not an extension folder (${e.message})`);
  }
  if (!pkg.publisher || !pkg.name || !pkg.version) throw new Error(`${pkgFile}: needs publisher, name and version`);
  if (pkg.main) {
    const main = path.resolve(extensionPath, pkg.main);
    if (![main, `${main}.js`].some((f) => fs.existsSync(f))) {
      throw new Error(`${pkgFile}: main ${pkg.main} is not built (run npm run build)`);
    }
  }
  const folder = `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase();
  const dest = path.join(extensionsDir, folder);
  if (link) {
    fs.symlinkSync(extensionPath, dest, 'dir');
  } else {
    fs.mkdirSync(dest, { recursive: true });
    for (const entry of EXTENSION_ENTRIES) {
      const src = path.join(extensionPath, entry);
      if (fs.existsSync(src)) fs.cpSync(src, path.join(dest, entry), { recursive: true, dereference: true });
    }
  }
  return folder;
}

export function writeUserSettings(userDataDir, settings) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let current = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* none yet (or with comments: replaced) */
  }
  fs.writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2) + '\n');
  return file;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs, exitedFn) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const ex = exitedFn();
    if (ex) throw new Error(`code-server exited before it answered (${ex.signal ?? `exit ${ex.code}`})`);
    try {
      const status = await new Promise((resolve, reject) => {
        const req = http.get(url, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.setTimeout(2000, () => req.destroy(new Error('timeout')));
      });
      if (status === 200) return;
      last = `HTTP ${status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms (${last})`);
}

function tail(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}
