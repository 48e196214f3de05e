/**
 * The Trace Timeline measured in headless Chromium on one 100,000-span OTLP trace (deep and
 * wide, written by the real OpenTelemetry SDK: test/fixtures/otlp_big_trace.mjs). The host's
 * part runs here as in the extension (read the run, lay it out, encode); the page is the real
 * dist/timeline.js + media/timeline.css, loaded by a harness page that stands in for VS Code's
 * webview (acquireVsCodeApi, theme variables) and feeds it the same messages the host sends.
 *
 * Figures: first paint (command → rows painted), End (key → last row painted), click → the
 * `select` message Span Details opens on (and → painted), frame times while scrolling.
 * Goals (issue 13): first paint ≤ 1 s, End and click ≤ 50 ms, scrolling at 60 fps.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Page } from 'playwright-core';
import { encodeTimeline, type TimelineWire } from '../../src/analysis/timeline/encode';
import { computeLayout } from '../../src/analysis/timeline/layout';
import { matchRows } from '../../src/analysis/timeline/match';
import { buildSpanTree } from '../../src/analysis/tree';
import { openStore } from '../../src/sources/open';
import { CHROMIUM_ARGS } from '../e2e/chromium';

const ORIGIN = 'http://spanlens.bench';

/** A dark theme's variables, as VS Code puts them on the webview's <html>. */
const THEME = `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-foreground:#cccccc;--vscode-editor-background:#1e1e1e;
--vscode-editor-foreground:#d4d4d4;--vscode-descriptionForeground:#9d9d9d;--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;
--vscode-charts-yellow:#cca700;--vscode-charts-orange:#d18616;--vscode-errorForeground:#f48771;--vscode-list-hoverBackground:#2a2d2e;
--vscode-list-activeSelectionBackground:#04395e;--vscode-list-activeSelectionForeground:#ffffff;--vscode-list-inactiveSelectionBackground:#37373d;
--vscode-editor-findMatchHighlightBackground:rgba(234,92,0,.33);--vscode-editor-findMatchBackground:#515c6a;--vscode-focusBorder:#007fd4;
--vscode-button-background:#0e639c;--vscode-button-foreground:#ffffff;--vscode-button-secondaryBackground:#3a3d41;--vscode-button-secondaryForeground:#ffffff;
--vscode-input-background:#3c3c3c;--vscode-input-foreground:#cccccc;--vscode-panel-border:#80808059;--vscode-editor-selectionBackground:#264f78;
--vscode-editorIndentGuide-background:#404040}`;

const OTHER_THEMES: Record<string, string> = {
  'vscode-light': `:root{--vscode-foreground:#3b3b3b;--vscode-editor-background:#ffffff;--vscode-editor-foreground:#3b3b3b;--vscode-descriptionForeground:#717171;
--vscode-charts-blue:#1a85ff;--vscode-charts-red:#e51400;--vscode-charts-yellow:#bf8803;--vscode-charts-orange:#d18616;--vscode-errorForeground:#e51400;
--vscode-list-hoverBackground:#f2f2f2;--vscode-list-activeSelectionBackground:#e8e8e8;--vscode-list-activeSelectionForeground:#000000;--vscode-list-inactiveSelectionBackground:#e4e6f1;
--vscode-editor-findMatchHighlightBackground:rgba(234,92,0,.33);--vscode-editor-findMatchBackground:#a8ac94;--vscode-button-background:#005fb8;--vscode-button-foreground:#ffffff;
--vscode-button-secondaryBackground:#e5e5e5;--vscode-button-secondaryForeground:#3b3b3b;--vscode-input-background:#ffffff;--vscode-input-foreground:#3b3b3b;--vscode-input-border:#cecece;
--vscode-panel-border:#e5e5e5;--vscode-editorIndentGuide-background:#d3d3d3}`,
  'vscode-high-contrast': `:root{--vscode-foreground:#ffffff;--vscode-editor-background:#000000;--vscode-editor-foreground:#ffffff;--vscode-descriptionForeground:#ffffff;
--vscode-charts-blue:#3794ff;--vscode-charts-red:#f48771;--vscode-charts-yellow:#ffd700;--vscode-charts-orange:#f38518;--vscode-errorForeground:#f48771;
--vscode-contrastBorder:#6fc3df;--vscode-contrastActiveBorder:#f38518;--vscode-list-activeSelectionBackground:#000000;--vscode-list-focusOutline:#f38518;
--vscode-button-background:#000000;--vscode-button-border:#6fc3df;--vscode-button-secondaryBackground:#000000;--vscode-input-background:#000000;--vscode-input-border:#6fc3df;
--vscode-panel-border:#6fc3df;--vscode-editorIndentGuide-background:#ffffff}`,
};

const HARNESS = `<!DOCTYPE html><html><head><meta charset="UTF-8"><style>${THEME}</style>
<link rel="stylesheet" href="${ORIGIN}/timeline.css"></head><body class="vscode-dark"><main id="root"></main>
<script>
window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage(m) { window.__posted.push({ at: performance.now(), m }); },
  getState() { return undefined; },
  setState() {},
});
</script><script src="${ORIGIN}/timeline.js"></script></body></html>`;

export interface TimelineFigures {
  spans: number;
  depth: number;
  readMs: number;
  layoutMs: number;
  pageMs: number;
  /** Of pageMs: the message handed over (structured clone), before the page's own work. */
  cloneMs: number;
  firstPaintMs: number;
  endMs: number;
  clickMessageMs: number;
  clickPaintMs: number;
  frames: { p50: number; p95: number; max: number; fps: number; slow: number; count: number };
  filterMs: number;
}

function ensureTrace(dir: string, root: string, spans: number): string {
  const file = path.join(dir, `timeline-${spans}.otlp.jsonl`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  console.log(`writing one OTLP trace of ${spans} spans with the OpenTelemetry SDK — once, cached in ${dir}`);
  execFileSync(process.execPath, [path.join(root, 'test/fixtures/otlp_big_trace.mjs'), `${file}.tmp`, '--spans', String(spans)], { stdio: 'inherit' });
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Typed arrays as plain arrays: what Playwright can hand to page.evaluate. */
function plain(d: TimelineWire): unknown {
  const conv = (v: unknown): unknown => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) out[k] = k === 'critical' ? Object.fromEntries(Object.entries(v as object).map(([ck, cv]) => [ck, conv(cv)])) : conv(v);
  return out;
}

/** Resolves after the next frame has been painted (rAF, then a task after it). */
const AFTER_PAINT = `() => new Promise((resolve) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => resolve(performance.now()); c.port2.postMessage(0); }))`;

async function shot(page: Page, dir: string, name: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

export async function timelinePageBench(root: string, cacheDir: string, spans = 100_000): Promise<TimelineFigures> {
  const file = ensureTrace(cacheDir, root, spans);
  const store = await openStore(file);
  const [run] = await store.listRuns({ limit: 1 });
  if (!run) throw new Error(`bench: no run in ${file}`);
  const r0 = performance.now();
  const roots = buildSpanTree(await store.getSpans(run.id));
  const readMs = performance.now() - r0;
  // What the command does once the run's spans are read (the Runs view caches them): lay out, encode.
  const l0 = performance.now();
  const layout = computeLayout(roots);
  const data = encodeTimeline(run, layout, 1);
  const layoutMs = performance.now() - l0;
  await store.close();

  const shots = path.join(root, 'test-results', 'bench');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.route(`${ORIGIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: HARNESS });
      if (url.pathname === '/timeline.js') return route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(path.join(root, 'dist/timeline.js')) });
      // timeline.css and the page.css it imports, as the webview serves media/.
      if (url.pathname === '/timeline.css' || url.pathname === '/page.css') {
        return route.fulfill({ contentType: 'text/css', body: fs.readFileSync(path.join(root, 'media', url.pathname.slice(1))) });
      }
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ m: { type: string } }> }).__posted.some((p) => p.m.type === 'ready'));
    // Untimed: get the message into the page (VS Code hands it over by structured clone, which the postMessage below also does).
    await page.evaluate((d) => {
      const w = window as unknown as { __data: unknown };
      const o = d as Record<string, unknown>;
      const t = (v: unknown, C: { from(a: ArrayLike<number>): unknown }): unknown => C.from(v as number[]);
      const c = o.critical as Record<string, unknown>;
      w.__data = {
        ...o,
        nameIndex: t(o.nameIndex, Uint32Array), depth: t(o.depth, Uint32Array),
        subtreeEnd: t(o.subtreeEnd, Uint32Array), start: t(o.start, Float64Array),
        end: t(o.end, Float64Array), running: t(o.running, Uint8Array), status: t(o.status, Uint8Array), self: t(o.self, Float32Array),
        errorRows: t(o.errorRows, Uint32Array),
        critical: { onPath: t(c.onPath, Uint8Array), offsets: t(c.offsets, Uint32Array), start: t(c.start, Float64Array), end: t(c.end, Float64Array) },
      };
    }, plain(data));

    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const [pageMs, cloneMs] = await page.evaluate(async (afterPaint) => {
      const paint = (0, eval)(afterPaint) as () => Promise<number>;
      let arrived = 0;
      window.addEventListener('message', () => (arrived = performance.now()), { capture: true, once: true });
      const t0 = performance.now();
      window.postMessage({ type: 'data', data: (window as unknown as { __data: unknown }).__data }, '*');
      // Rows in the DOM, then the frame that shows them painted.
      while (!document.querySelector('.tl-row:not([hidden])')) await new Promise((r) => setTimeout(r, 0));
      const painted = await paint();
      return [painted - t0, arrived - t0];
    }, AFTER_PAINT);
    if (cdp) {
      // BENCH_PROFILE=1: where the page's first paint goes, by function (self time).
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>; samples: number[]; timeDeltas: number[] } };
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const n = byId.get(id)!;
        const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  profile ${ms.toFixed(1)} ms  ${k}`);
    }
    await page.waitForTimeout(300);
    await shot(page, shots, 'timeline-first-paint');
    // The other theme kinds, as VS Code switches them (body class + variables), for a look.
    for (const [kind, vars] of Object.entries(OTHER_THEMES)) {
      await page.evaluate(([k, v]) => {
        document.body.className = k!;
        const st = document.createElement('style');
        st.id = 'theme-override';
        document.getElementById('theme-override')?.remove();
        st.textContent = v!;
        document.head.appendChild(st);
      }, [kind, vars]);
      await page.waitForTimeout(300);
      await shot(page, shots, `timeline-${kind}`);
    }
    await page.evaluate(() => {
      document.getElementById('theme-override')?.remove();
      document.body.className = 'vscode-dark';
    });

    // End: from the key event to the last row painted, selected.
    await page.focus('.tl-body');
    await page.evaluate((afterPaint) => {
      const paint = (0, eval)(afterPaint) as () => Promise<number>;
      const w = window as unknown as { __end?: Promise<number> };
      w.__end = new Promise((resolve) => {
        window.addEventListener('keydown', (ev) => { if (ev.key === 'End') { const t0 = ev.timeStamp; void paint().then((t1) => resolve(t1 - t0)); } }, { capture: true, once: true });
      });
    }, AFTER_PAINT);
    await page.keyboard.press('End');
    const endMs = await page.evaluate(() => (window as unknown as { __end: Promise<number> }).__end);
    const lastSelected = await page.evaluate(() => document.querySelector('.tl-row.selected .tl-name')?.textContent ?? '');
    await shot(page, shots, 'timeline-end');

    // Click a row in the middle of the screen: the event → the `select` message (and → painted).
    await page.keyboard.press('Home');
    await page.waitForTimeout(100);
    await page.evaluate((afterPaint) => {
      const paint = (0, eval)(afterPaint) as () => Promise<number>;
      const w = window as unknown as { __click?: Promise<[number, number]>; __posted: Array<{ at: number; m: { type: string; open?: boolean } }> };
      w.__click = new Promise((resolve) => {
        window.addEventListener('click', (ev) => {
          const t0 = ev.timeStamp;
          void paint().then((t1) => {
            const msg = w.__posted.filter((p) => p.m.type === 'select' && p.m.open === true).pop();
            resolve([msg ? msg.at - t0 : Number.NaN, t1 - t0]);
          });
        }, { capture: true, once: true });
      });
    }, AFTER_PAINT);
    const rowBox = await page.locator('.tl-row:not([hidden])').nth(12).boundingBox();
    await page.mouse.click(rowBox!.x + 120, rowBox!.y + rowBox!.height / 2);
    const [clickMessageMs, clickPaintMs] = await page.evaluate(() => (window as unknown as { __click: Promise<[number, number]> }).__click);

    // Scrolling: 240 frames, 3 screens a second of rows flying by.
    const frames = await page.evaluate(async () => {
      const body = document.querySelector('.tl-body') as HTMLElement;
      const stamps: number[] = [];
      await new Promise<void>((resolve) => {
        const step = (t: number): void => {
          stamps.push(t);
          if (stamps.length > 240) return resolve();
          body.scrollTop += 47;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      const d = stamps.slice(1).map((t, i) => t - stamps[i]!).sort((a, b) => a - b);
      const sum = d.reduce((a, b) => a + b, 0);
      return { p50: d[Math.floor(d.length * 0.5)]!, p95: d[Math.floor(d.length * 0.95)]!, max: d[d.length - 1]!, fps: (1000 * d.length) / sum, slow: d.filter((x) => x > 25).length, count: d.length };
    });
    await shot(page, shots, 'timeline-scrolled');

    // The filter box: type a query; the host answers (here: the engine, as the host does) — the page's part timed.
    await page.fill('.tl-filter-input', 'status:error');
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ m: { type: string } }> }).__posted.some((p) => p.m.type === 'filter'));
    const posted = await page.evaluate(() => (window as unknown as { __posted: Array<{ m: { type: string; seq?: number; query?: string } }> }).__posted.filter((p) => p.m.type === 'filter').pop()!.m);
    const f0 = performance.now();
    const spansInRows = layout.spans;
    const matches = matchRows(spansInRows, run.name, run.id, posted.query ?? '');
    const hostFilterMs = performance.now() - f0;
    const pageFilterMs = await page.evaluate(
      async ([afterPaint, msg]) => {
        const paint = (0, eval)(afterPaint as string) as () => Promise<number>;
        const m = msg as { seq: number; rows: number[]; hints: string[] };
        const t0 = performance.now();
        window.postMessage({ type: 'matches', seq: m.seq, rows: Uint32Array.from(m.rows), hints: m.hints, empty: false }, '*');
        return (await paint()) - t0;
      },
      [AFTER_PAINT, { seq: posted.seq, rows: Array.from(matches.rows), hints: matches.hints }] as const,
    );
    await page.waitForTimeout(200);
    await shot(page, shots, 'timeline-filtered');
    const count = await page.textContent('.tl-count');
    if (!lastSelected) throw new Error('bench: End selected no row');
    console.log(`  (End selected "${lastSelected}"; filter "status:error": ${count}; host match ${hostFilterMs.toFixed(0)} ms + page ${pageFilterMs.toFixed(0)} ms)`);
    return {
      spans: layout.count,
      depth: layout.maxDepth,
      readMs,
      layoutMs,
      pageMs,
      cloneMs,
      firstPaintMs: layoutMs + pageMs,
      endMs,
      clickMessageMs,
      clickPaintMs,
      frames,
      filterMs: hostFilterMs + pageFilterMs,
    };
  } finally {
    await browser.close();
  }
}

export function printTimelineFigures(f: TimelineFigures): void {
  const ok = (v: number, goal: number): string => (v <= goal ? 'ok' : 'OVER');
  console.log(`\ntrace timeline (headless Chromium, one OTLP trace of ${f.spans} spans, ${f.depth + 1} deep):`);
  console.log(`  read the run's spans + tree (cached by the Runs view) ${f.readMs.toFixed(0)} ms`);
  console.log(`  first paint: lay out + encode ${f.layoutMs.toFixed(0)} ms + page ${f.pageMs.toFixed(0)} ms (of it the message's structured clone ${f.cloneMs.toFixed(0)} ms) = ${f.firstPaintMs.toFixed(0)} ms   (goal ≤ 1000 ms: ${ok(f.firstPaintMs, 1000)})`);
  console.log(`  End → last row painted           ${f.endMs.toFixed(1)} ms   (goal ≤ 50 ms: ${ok(f.endMs, 50)})`);
  console.log(`  click → select message           ${f.clickMessageMs.toFixed(1)} ms; → painted ${f.clickPaintMs.toFixed(1)} ms   (goal ≤ 50 ms: ${ok(f.clickPaintMs, 50)})`);
  console.log(
    `  scrolling (${f.frames.count} frames, 47 px a frame): p50 ${f.frames.p50.toFixed(1)} ms, p95 ${f.frames.p95.toFixed(1)} ms, max ${f.frames.max.toFixed(1)} ms, ` +
      `${f.frames.fps.toFixed(1)} fps, ${f.frames.slow} frames over 25 ms   (goal 60 fps: ${f.frames.fps >= 58 ? 'ok' : 'UNDER'})`,
  );
  console.log(`  filter "status:error" → matches painted ${f.filterMs.toFixed(0)} ms`);
}
