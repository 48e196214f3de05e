// Runs INSIDE desktop VS Code's extension host (launched by runTest.ts through
// @vscode/test-electron). No mocha: a few awaited checks; a thrown error fails the run.
// This folder is the only place outside src/extension/ allowed to import 'vscode'.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'spanlens.spanlens';
const REQUIRED_COMMANDS = ['spanlens.refresh', 'spanlens.openStore'];

type Check = { name: string; fn: () => Promise<void> };

const checks: Check[] = [
  {
    name: 'the extension is installed and activates',
    fn: async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
      await ext.activate();
      assert.equal(ext.isActive, true, `${EXTENSION_ID} did not become active`);
    },
  },
  {
    name: `its commands are registered (${REQUIRED_COMMANDS.join(', ')})`,
    fn: async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      const missing = REQUIRED_COMMANDS.filter((c) => !all.has(c));
      assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
    },
  },
  {
    name: 'its commands are contributed in package.json (so they show in the palette)',
    fn: async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      const contributed = new Set(
        ((ext?.packageJSON?.contributes?.commands ?? []) as Array<{ command: string }>).map((c) => c.command),
      );
      const missing = REQUIRED_COMMANDS.filter((c) => !contributed.has(c));
      assert.deepEqual(missing, [], `not in contributes.commands: ${missing.join(', ')}`);
    },
  },
  {
    name: 'spanlens.refresh runs without throwing',
    fn: async () => {
      await vscode.commands.executeCommand('spanlens.refresh');
    },
  },
];

export async function run(): Promise<void> {
  let passed = 0;
  const failures: string[] = [];
  for (const check of checks) {
    try {
      await check.fn();
      passed++;
      console.log(`  ok   ${check.name}`);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      failures.push(`${check.name}: ${msg}`);
      console.log(`  FAIL ${check.name}\n       ${msg}`);
    }
  }
  console.log(`${passed} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} electron e2e check(s) failed:\n${failures.join('\n')}`);
}
