#!/usr/bin/env node
// Installs what the e2e tests and `npm run demo` need to run REAL VS Code in a real browser:
//   - Node 24 (code-server's runtime), from the npm registry's `node@24` package
//   - code-server 4.139.1 (= VS Code 1.139.1), built with that Node 24
//   - Chromium from Debian (/usr/bin/chromium), driven later by playwright-core
// into a cache folder outside the clone ($SPANLENS_CACHE or ~/.cache/spanlens/vscode-web; layout
// in paths.mjs). Idempotent: a finished install leaves ready.json and the next run returns at once.
// Each step writes its own stamp file only after it succeeded, so a half-finished install (killed,
// failed) is redone from that step, never taken as ready.
//
// Usage: node scripts/vscode-web/setup.mjs [--force] [--quiet]
//   as a module: import { ensureVscodeWeb } from './setup.mjs'; const paths = await ensureVscodeWeb();
// Env: SPANLENS_CACHE (cache folder), SPANLENS_CHROMIUM (use this browser; skips the apt step).
// Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CODE_SERVER_VERSION,
  MANIFEST_VERSION,
  NODE_MAJOR,
  VSCODE_VERSION,
  cacheDir,
  layout,
  pathWithNode24,
  readManifest,
} from './paths.mjs';

export { getPaths } from './paths.mjs';

const STAMP = '.spanlens-complete';
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Makes sure everything is installed; returns the manifest
 * `{ node24, codeServerBin, codeServerEntry, chromium, nodeVersion, codeServerVersion, ... }`.
 */
export async function ensureVscodeWeb({ force = false, quiet = false, root = cacheDir() } = {}) {
  const log = (msg) => {
    if (!quiet) console.log(`[vscode-web] ${msg}`);
  };
  const l = layout(root);
  if (!force) {
    const ready = readManifest(root);
    if (ready) {
      log(`ready (code-server ${ready.codeServerVersion}, node ${ready.nodeVersion}) in ${root}`);
      return ready;
    }
  }
  fs.mkdirSync(l.logs, { recursive: true });
  const release = await acquireLock(l.lock, log);
  try {
    // Another process may have finished the job while we waited for the lock.
    if (!force) {
      const ready = readManifest(root);
      if (ready) {
        log(`ready (installed by a concurrent run) in ${root}`);
        return ready;
      }
    }
    const t0 = Date.now();
    fs.rmSync(l.manifest, { force: true });

    const chromium = await ensureChromium(l, log);
    const node24 = await ensureNode24(l, log, force);
    const nodeVersion = run(node24, ['--version']).trim();
    await ensureCodeServer(l, log, node24, force);
    const codeServerVersion = readJson(path.join(l.codeServerDir, 'node_modules', 'code-server', 'package.json')).version;

    const manifest = {
      manifestVersion: MANIFEST_VERSION,
      root,
      node24,
      nodeVersion,
      codeServerVersion,
      vscodeVersion: VSCODE_VERSION,
      codeServerBin: l.codeServerBin,
      codeServerEntry: l.codeServerEntry,
      chromium,
      chromiumVersion: tryRun(chromium, ['--version']).trim(),
      installedAt: new Date().toISOString(),
    };
    const tmp = `${l.manifest}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
    fs.renameSync(tmp, l.manifest);
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(0)}s: ${root}`);
    return manifest;
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// Steps

async function ensureChromium(l, log) {
  const wanted = process.env.SPANLENS_CHROMIUM || DEFAULT_CHROMIUM;
  if (isExecutable(wanted)) return wanted;
  if (process.env.SPANLENS_CHROMIUM) throw new Error(`SPANLENS_CHROMIUM=${wanted} is not an executable file`);
  log('installing chromium (apt-get)…');
  await aptInstall(['chromium'], l, log);
  if (!isExecutable(wanted)) throw new Error(`apt-get installed chromium but ${wanted} is missing`);
  return wanted;
}

async function ensureNode24(l, log, force) {
  const stamp = path.join(l.nodeDir, STAMP);
  if (!force && fs.existsSync(stamp) && isExecutable(l.node24) && tryRun(l.node24, ['--version']).startsWith(`v${NODE_MAJOR}.`)) {
    return l.node24;
  }
  log(`installing Node ${NODE_MAJOR} (npm install node@${NODE_MAJOR})…`);
  freshScratch(l.nodeDir, 'spanlens-vscode-web-node');
  await npm(['install', `node@${NODE_MAJOR}`], { cwd: l.nodeDir, logFile: path.join(l.logs, 'node24-install.log'), log });
  const version = tryRun(l.node24, ['--version']).trim();
  if (!version.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`npm install node@${NODE_MAJOR} gave ${l.node24} → '${version}'`);
  fs.writeFileSync(stamp, version + '\n');
  log(`Node ${version}`);
  return l.node24;
}

async function ensureCodeServer(l, log, node24, force) {
  const stamp = path.join(l.codeServerDir, STAMP);
  if (!force && fs.existsSync(stamp) && fs.existsSync(l.codeServerEntry)) return;
  // One native module (kerberos) includes <gssapi/gssapi.h>.
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) {
    log('installing libkrb5-dev (apt-get, needed to build code-server)…');
    await aptInstall(['libkrb5-dev'], l, log);
  }
  log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} (takes a few minutes)…`);
  freshScratch(l.codeServerDir, 'spanlens-vscode-web-code-server');
  // The `node` package ships Node's headers beside the binary; point node-gyp at them, or it
  // uses whatever `nodedir` the user's npmrc says (here: /usr = Node 20's headers → modules that
  // fail to load under Node 24) or tries to download headers (no network for that).
  const nodeDist = findNodeDist(l.nodeDir);
  const env = {
    ...withoutOuterNpm(process.env),
    PATH: pathWithNode24(node24),
    ...(nodeDist ? { npm_config_nodedir: nodeDist } : {}),
  };
  await npm(['install', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: l.codeServerDir,
    env,
    logFile: path.join(l.logs, 'code-server-install.log'),
    log,
    heartbeat: 'still building code-server',
  });
  if (!fs.existsSync(l.codeServerEntry)) throw new Error(`code-server installed but ${l.codeServerEntry} is missing`);
  // --config: without it code-server writes ~/.config/code-server/config.yaml on its first run.
  const said = tryRun(node24, [l.codeServerEntry, '--config', path.join(l.codeServerDir, 'config.yaml'), '--version'], { env });
  const v = said.split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line))?.trim() ?? '';
  if (!v.startsWith(`${CODE_SERVER_VERSION} `)) throw new Error(`code-server --version said '${said.trim()}', expected ${CODE_SERVER_VERSION}`);
  fs.writeFileSync(stamp, v + '\n');
  log(`code-server ${v}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function findNodeDist(nodeDir) {
  const base = path.join(nodeDir, 'node_modules', 'node', 'node_modules');
  let names = [];
  try {
    names = fs.readdirSync(base);
  } catch {
    return null;
  }
  for (const n of names) {
    const d = path.join(base, n);
    if (n.startsWith('node-') && fs.existsSync(path.join(d, 'include', 'node', 'node_version.h'))) return d;
  }
  return null;
}

function freshScratch(dir, name) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // Its own package.json keeps npm from walking up into some parent project.
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }, null, 2) + '\n');
}

/**
 * The environment minus what an outer `npm run`/`npm test` exports about itself: code-server's
 * postinstall reads the Node version from npm_config_user_agent, which would still say the
 * outer Node 20 and fail the install ("requires node v24").
 */
function withoutOuterNpm(env) {
  const out = { ...env };
  for (const k of Object.keys(out)) {
    if (k === 'npm_config_user_agent' || k === 'npm_node_execpath' || k === 'npm_execpath' || k.startsWith('npm_lifecycle_') || k.startsWith('npm_package_')) {
      delete out[k];
    }
  }
  return out;
}

async function npm(args, { cwd, env = process.env, logFile, log, heartbeat }) {
  // `npm` is a `#!/usr/bin/env node` script: with Node 24 first on PATH it runs under Node 24,
  // and so do the install scripts it starts.
  await runLogged('npm', [...args, '--no-audit', '--no-fund', '--no-save', '--loglevel=warn'], { cwd, env, logFile, log, heartbeat });
}

let aptUpdated = false;
async function aptInstall(pkgs, l, log) {
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const cmd = (...a) => (asRoot.length ? [asRoot[0], [...asRoot.slice(1), ...a]] : [a[0], a.slice(1)]);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const logFile = path.join(l.logs, 'apt.log');
  const install = () => runLogged(...cmd('apt-get', 'install', '-y', '-q', ...pkgs), { env, logFile, log });
  try {
    // Lists from an earlier `apt-get update` may already know the package: no update then.
    await install();
  } catch (e) {
    if (aptUpdated) throw e;
    log('apt-get update…');
    await runLogged(...cmd('apt-get', 'update', '-q'), { env, logFile, log });
    aptUpdated = true;
    await install();
  }
}

function runLogged(cmd, args, { cwd, env = process.env, logFile, log, heartbeat }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}   (cwd ${cwd ?? process.cwd()}, ${new Date().toISOString()})\n`);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
    const t0 = Date.now();
    const timer = heartbeat
      ? setInterval(() => log(`${heartbeat}… ${Math.round((Date.now() - t0) / 1000)}s`), 30_000)
      : null;
    const done = (err) => {
      if (timer) clearInterval(timer);
      fs.closeSync(out);
      if (err) {
        const tail = tailOf(logFile, 25);
        reject(new Error(`${err}\n--- last lines of ${logFile} ---\n${tail}`));
      } else resolve();
    };
    child.on('error', (e) => done(`${cmd} could not start: ${e.message}`));
    child.on('exit', (code, signal) =>
      code === 0 ? done(null) : done(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`),
    );
  });
}

function tailOf(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

function tryRun(cmd, args, opts = {}) {
  try {
    return run(cmd, args, opts);
  } catch {
    return '';
  }
}

function isExecutable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function readJson(p) {
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A mkdir lock (atomic), with the holder's pid; a lock whose holder is gone is taken over. */
async function acquireLock(lockDir, log) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const pidFile = path.join(lockDir, 'pid');
  const deadline = Date.now() + 30 * 60_000;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(pidFile, String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(fs.readFileSync(pidFile, 'utf8'));
    } catch {
      /* being written, or left empty by a crash */
    }
    const ageMs = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((Number.isFinite(holder) && holder > 0 && !pidAlive(holder)) || (!Number.isFinite(holder) && ageMs > 10_000)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (held by pid ${holder})`);
    if (!said) {
      log(`waiting for another setup (pid ${holder}) to finish…`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

// ---------------------------------------------------------------------------------------------
// CLI

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const quiet = process.argv.includes('--quiet');
  const t0 = Date.now();
  ensureVscodeWeb({ force, quiet }).then(
    (m) => {
      if (!quiet) {
        console.log(`[vscode-web] node24        ${m.node24}`);
        console.log(`[vscode-web] code-server   ${m.codeServerBin}`);
        console.log(`[vscode-web] chromium      ${m.chromium} (${m.chromiumVersion})`);
        console.log(`[vscode-web] done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      }
    },
    (e) => {
      console.error(`[vscode-web] setup failed: ${e.message}`);
      process.exit(1);
    },
  );
}
