// Bundles the extension host code, the engine's worker, the CLI, the benchmark and the webview page,
// and ships sql.js's WASM next to them (the bundles locate it beside themselves).
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const out = path.join(__dirname, 'dist');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // pg's optional native binding is never used; vscode is provided by the host.
  external: ['vscode', 'pg-native'],
  // pg probes `navigator.userAgent` for Cloudflare Workers when it loads; in VS Code's extension
  // host that global is a trap that logs a PendingMigrationError. Node code has no navigator to ask.
  define: { navigator: 'undefined' },
};

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  // The engine's worker thread (src/worker): the extension host starts it beside extension.js.
  { ...node, entryPoints: ['src/worker/main.ts'], outfile: 'dist/engineWorker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // playwright-core (the timeline's headless-Chromium part) loads its own files at run time: not bundled.
  { ...node, entryPoints: ['test/bench/bench.ts'], outfile: 'dist/bench.js', dev: true, external: [...node.external, 'playwright-core'] },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2020', sourcemap: !production,
    minify: production, logLevel: 'warning',
    entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js',
  },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2020', sourcemap: !production,
    minify: production, logLevel: 'warning',
    entryPoints: ['src/webview/timeline/main.ts'], outfile: 'dist/timeline.js',
  },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2020', sourcemap: !production,
    minify: production, logLevel: 'warning',
    entryPoints: ['src/webview/compare/main.ts'], outfile: 'dist/compare.js',
  },
].filter((b) => b.entryPoints.every((e) => fs.existsSync(path.join(__dirname, e))))
  .filter((b) => !(production && b.dev))
  .map(({ dev, ...b }) => b);

async function main() {
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(out, 'sql-wasm.wasm'));
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    console.log('[esbuild] watching');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const cli = path.join(out, 'cli.js');
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
