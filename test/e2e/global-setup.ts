// vitest globalSetup for the e2e suite (vitest.e2e.config.ts): installs or reuses code-server,
// Node 24 and Chromium in the cache outside the clone (scripts/vscode-web/setup.mjs). It builds
// nothing: the extension under test is the repo's package.json + dist/, built beforehand
// (`npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVscodeWeb } from '../../scripts/vscode-web/setup.mjs';

const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export default async function setup(): Promise<void> {
  await ensureVscodeWeb();
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main?: string };
  if (pkg.main) {
    const main = path.resolve(REPO_ROOT, pkg.main);
    if (!fs.existsSync(main)) {
      throw new Error(`${path.relative(REPO_ROOT, main)} is missing: run \`npm run build\` before the e2e tests`);
    }
  }
  fs.mkdirSync(path.join(REPO_ROOT, 'test-results', 'e2e'), { recursive: true });
}
