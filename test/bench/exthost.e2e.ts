// `npm run bench -- exthost`: the extension host's longest event-loop pause while a store of
// 1,000,000 spans is opened, listed, read for CodeLens and indexed for search, in real VS Code
// (code-server), with the engine in its worker thread and, for comparison, on the host's own
// thread (SPANLENS_ENGINE_IN_PROCESS=1). The extension logs its event loop each second when
// SPANLENS_EVENT_LOOP_PROBE=1 (src/extension/eventLoopProbe.ts). Prints; asserts nothing about speed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileStartEpochMs, stretchesWith } from './cpuProfile';
import { extensionLog, RESULTS_DIR, launch, logEntries, openSearch, openViewContainer, type VscodeSession } from '../e2e/harness';

const STORE_DIR = process.env.BENCH_EXTHOST_STORE ?? '';
const EXT = 'spanlens.spanlens';
const figures: string[] = [];

interface ProbeLine {
  at: number;
  pause: number;
  busy: number;
}

function probeLines(vs: VscodeSession): ProbeLine[] {
  const out: ProbeLine[] = [];
  const log = extensionLog(vs.server, EXT);
  for (const line of log.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \[\w+\] event loop: longest pause (\d+) ms, p99 \d+ ms, busy (\d+)%/.exec(line);
    // The log's clock is local time without a zone, as this process's Date.parse reads it.
    if (m) out.push({ at: Date.parse(m[1]!.replace(' ', 'T')), pause: Number(m[2]), busy: Number(m[3]) });
  }
  return out;
}

function summary(label: string, lines: readonly ProbeLine[], tail = ''): string {
  const worst = lines.reduce((a, b) => (b.pause > a.pause ? b : a));
  const over50 = lines.filter((l) => l.pause >= 50).length;
  const busy = Math.round(lines.reduce((a, l) => a + l.busy, 0) / lines.length);
  return `  ${label.padEnd(34)} longest pause ${String(worst.pause).padStart(5)} ms   seconds with a pause ≥ 50 ms: ${String(over50).padStart(2)} of ${String(lines.length).padStart(2)}   thread busy ${String(busy).padStart(2)}%${tail}`;
}

async function waitForLog(vs: VscodeSession, re: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = logEntries(extensionLog(vs.server, EXT)).find((e) => re.test(e.text));
    if (hit) return hit.text;
    if (Date.now() > deadline) throw new Error(`no log line ${re} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the extension host while a 1M-span store opens and is indexed', () => {
  afterAll(() => {
    console.log(`\nextension host (real VS Code), store ${STORE_DIR}:\n${figures.join('\n')}\n`);
  });

  for (const mode of ['worker', 'in-process'] as const) {
    it(`engine ${mode === 'worker' ? 'in its worker thread' : "on the host's thread"}`, async () => {
      const label = mode === 'worker' ? 'engine in its worker' : "engine on the host's thread";
      expect(fs.existsSync(path.join(STORE_DIR, 'flujo_ops.db')), 'run through npm run bench -- exthost').toBe(true);
      // The workspace holds links to the bench store: no 300 MB copy, and Spanlens only reads.
      const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-exthost-'));
      for (const f of ['flujo_ops.db', 'flujo_ops.db-wal']) {
        if (fs.existsSync(path.join(STORE_DIR, f))) fs.linkSync(path.join(STORE_DIR, f), path.join(ws, f));
      }
      const env: Record<string, string> = { SPANLENS_EVENT_LOOP_PROBE: '1' };
      if (mode === 'in-process') env.SPANLENS_ENGINE_IN_PROCESS = '1';
      // A CPU profile of the extension host's first 45 s tells which pauses ran Spanlens code and
      // which were the host's own (VS Code's port finder, other extensions, GC between our tasks).
      const profile = path.join(ws, `exthost-${mode}.cpuprofile`);
      env.SPANLENS_CPU_PROFILE = profile;
      env.SPANLENS_CPU_PROFILE_MS = '45000';
      const vs = await launch({ workspace: ws, name: `exthost-${mode}`, env, settings: { 'spanlens.maxStoreSizeMB': 4096 } });
      try {
        await vs.waitForActivation();
        const activatedAt = Date.now();
        // Window 1, opening: a moment after activation the extension reads the store in the
        // background (the status bar's failure count, CodeLens): the 805 MB file into sql.js, its
        // -wal merged, the failure index's reads. Window 2, indexing: Search Traces builds the index.
        await new Promise((r) => setTimeout(r, 15_000));
        const started = Date.now();
        await openViewContainer(vs.page, 'Spanlens');
        await openSearch(vs.page);
        const indexed = await waitForLog(vs, /^Indexed .* for search/, 15 * 60_000);
        const doneAt = Date.now();
        // Two more probe windows, so the one the index finished in is logged.
        await new Promise((r) => setTimeout(r, 2500));
        await vs.page.keyboard.press('Escape');
        for (let i = 0; i < 120 && !fs.existsSync(profile); i++) await new Promise((r) => setTimeout(r, 500));
        const all = probeLines(vs);
        // The first second after activation is the bundle's own start-up (reported apart, below).
        const opening = all.filter((l) => l.at > activatedAt + 1000 && l.at <= started);
        const indexing = all.filter((l) => l.at > started && l.at <= doneAt + 2000);
        expect(opening.length).toBeGreaterThan(0);
        expect(indexing.length).toBeGreaterThan(0);
        figures.push(summary(`${label}, opening`, opening));
        figures.push(summary(`${label}, indexing`, indexing, `   (${indexed.replace(/^Indexed \S+ for search: /, '')})`));
        if (fs.existsSync(profile)) {
          const t0 = profileStartEpochMs(profile);
          const [worst] = stretchesWith(profile, 'dist/extension.js', activatedAt + 1000 - t0, doneAt - t0);
          const activation = stretchesWith(profile, 'dist/extension.js', 0, activatedAt + 1000 - t0)[0];
          figures.push(
            `  ${''.padEnd(34)} of which Spanlens code: longest stretch ${worst ? `${worst.durationMs.toFixed(0)} ms (${worst.top})` : '0 ms'} while the store opened and was indexed` +
              (activation ? `; ${activation.durationMs.toFixed(0)} ms at activation (${activation.top})` : ''),
          );
          // Kept beside the e2e logs: open in DevTools' Performance panel to see the rest.
          fs.copyFileSync(profile, path.join(RESULTS_DIR, 'logs', `exthost-${mode}.cpuprofile`));
        } else {
          figures.push(`  ${''.padEnd(34)} (no CPU profile written)`);
        }
      } finally {
        await vs.close();
        fs.rmSync(ws, { recursive: true, force: true });
      }
    }, 20 * 60_000);
  }
});
