// Desktop VS Code launcher, for machines that can download VS Code (this project's CI machines
// cannot: they reach only the npm registry and Debian; there, the code-server harness in
// test/e2e/harness.ts is the gate).
//
// Build and run (both files bundled to CommonJS; 'vscode' is provided by the extension host):
//   npx esbuild test/e2e/electron/runTest.ts test/e2e/electron/suite.ts --bundle --platform=node \
//     --format=cjs --target=node18 --external:vscode --external:@vscode/test-electron \
//     --outdir=out/e2e-electron && node out/e2e-electron/runTest.js
// Env: SPANLENS_VSCODE_VERSION (default 'stable'), SPANLENS_VSCODE_EXECUTABLE (use this VS Code,
// no download), SPANLENS_E2E_WORKSPACE (folder to open; default: an empty temp folder).
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function main(): Promise<void> {
  // Bundled to out/e2e-electron/runTest.js: the repo root is two levels up.
  const here = __dirname;
  const extensionDevelopmentPath = path.resolve(here, '..', '..');
  const extensionTestsPath = path.join(here, 'suite.js');
  for (const f of [path.join(extensionDevelopmentPath, 'package.json'), extensionTestsPath]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: build first (see the comment at the top of runTest.ts)`);
  }
  const workspace =
    process.env.SPANLENS_E2E_WORKSPACE ?? fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-electron-ws-'));
  const executable = process.env.SPANLENS_VSCODE_EXECUTABLE;

  const code = await runTests({
    extensionDevelopmentPath,
    extensionTestsPath,
    ...(executable ? { vscodeExecutablePath: executable } : { version: process.env.SPANLENS_VSCODE_VERSION ?? 'stable' }),
    launchArgs: [
      workspace,
      '--disable-extensions', // other installed extensions; the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
    extensionTestsEnv: { SPANLENS_E2E: '1' },
  });
  if (code !== 0) throw new Error(`VS Code exited with ${code}`);
}

main().catch((err: unknown) => {
  console.error('Electron e2e failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
