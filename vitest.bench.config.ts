// `npm run bench -- exthost` (test/bench/exthost.e2e.ts): real VS Code, as the e2e suite runs it,
// but a measurement, not a test: kept out of `npm test`.
import { defineConfig } from 'vitest/config';
import e2e from './vitest.e2e.config';

export default defineConfig({
  test: {
    ...e2e.test,
    include: ['test/bench/**/*.e2e.ts'],
    testTimeout: 20 * 60_000,
  },
});
