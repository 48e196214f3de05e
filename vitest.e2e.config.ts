// End-to-end tests: real VS Code (code-server) in real Chromium, driven by Playwright
// (test/e2e/harness.ts). One file at a time, one test at a time: each launch starts its own
// code-server and browser, and the machine has 2 cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    // Installs / reuses code-server, Node 24 and Chromium (cold: ~5 min; warm: instant).
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    maxConcurrency: 1,
    sequence: { concurrent: false },
    pool: 'forks',
    // Starting VS Code takes ~20 s before an extension is active; a test does several UI steps.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    // A flaky UI step should not hide behind a retry while the suite is young.
    retry: 0,
  },
});
