// Where the real-VS-Code-in-a-browser toolchain lives, and how to find a finished install.
// Node built-ins only: imported by setup.mjs, server.mjs, the e2e harness and the demo script.
//
// Layout of the cache (outside the clone, so a fresh CI clone on the same machine reuses it):
//
//   $SPANLENS_CACHE  (default ~/.cache/spanlens/vscode-web)
//   ├── node-24/                      npm install node@24  → node_modules/node/bin/node
//   ├── code-server-4.139.1/          npm install code-server@4.139.1 (run with Node 24 first on PATH)
//   │   └── node_modules/code-server/out/node/entry.js
//   ├── logs/                         full npm / apt-get output of each step
//   ├── .lock/                        held while setup runs (mkdir lock, holder's pid inside)
//   └── ready.json                    written last: paths + versions; its presence means "complete"
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NODE_MAJOR = 24;
export const CODE_SERVER_VERSION = '4.139.1';
/** The VS Code release inside that code-server (documented, not checked). */
export const VSCODE_VERSION = '1.139.1';
export const MANIFEST_VERSION = 1;

export function cacheDir() {
  const fromEnv = process.env.SPANLENS_CACHE;
  return path.resolve(fromEnv && fromEnv.trim() ? fromEnv : path.join(os.homedir(), '.cache', 'spanlens', 'vscode-web'));
}

export function layout(root = cacheDir()) {
  const nodeDir = path.join(root, `node-${NODE_MAJOR}`);
  const csDir = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  return {
    root,
    nodeDir,
    node24: path.join(nodeDir, 'node_modules', 'node', 'bin', 'node'),
    codeServerDir: csDir,
    // The package's bin (`bin/code-server`) is a `#!/usr/bin/env node` shim; we run the entry
    // point with Node 24 explicitly instead, and put Node 24 first on PATH for its children.
    codeServerEntry: path.join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    codeServerBin: path.join(csDir, 'node_modules', '.bin', 'code-server'),
    logs: path.join(root, 'logs'),
    lock: path.join(root, '.lock'),
    manifest: path.join(root, 'ready.json'),
  };
}

/** The manifest of a complete install, or null when there is none (or it no longer matches). */
export function readManifest(root = cacheDir()) {
  const l = layout(root);
  let m;
  try {
    m = JSON.parse(fs.readFileSync(l.manifest, 'utf8'));
  } catch {
    return null;
  }
  if (m?.manifestVersion !== MANIFEST_VERSION || m.codeServerVersion !== CODE_SERVER_VERSION) return null;
  if (!String(m.nodeVersion ?? '').startsWith(`v${NODE_MAJOR}.`)) return null;
  for (const p of [m.node24, m.codeServerEntry, m.codeServerBin, m.chromium]) {
    if (!p || !fs.existsSync(p)) return null;
  }
  return m;
}

/**
 * `{ node24, codeServerBin, codeServerEntry, chromium, ... }` of the finished install.
 * Throws a clear message when setup has not completed; run `node scripts/vscode-web/setup.mjs`.
 */
export function getPaths(root = cacheDir()) {
  const m = readManifest(root);
  if (!m) {
    throw new Error(
      `Real VS Code (code-server ${CODE_SERVER_VERSION}) is not set up in ${root}. ` +
        'Run: node scripts/vscode-web/setup.mjs',
    );
  }
  return m;
}

/** PATH with Node 24's bin folder first (code-server and its children must see Node 24 as `node`). */
export function pathWithNode24(node24, basePath = process.env.PATH ?? '') {
  return [path.dirname(node24), basePath].filter(Boolean).join(path.delimiter);
}
