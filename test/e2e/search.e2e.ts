// Search Traces in real VS Code (code-server in Chromium) on the demo workspace
// (scripts/demo-workspace.mjs): run "Spanlens: Search Traces", type a failing span's error text,
// choose the score_risk span, land in its Span Details and at its source line (enrich.py:24).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoManifest } from '../../scripts/demo-workspace.mjs';
import {
  appendRun,
  closeAndRemove,
  editorTab,
  extensionLog,
  FIXTURES_DIR,
  launch,
  logEntries,
  makeDemoWorkspace,
  moveMouseAway,
  openSearch,
  openSpanlens,
  pickerRows,
  PYTHON,
  screenshotFailures,
  treeItems,
  webviewFrame,
  type VscodeSession,
} from './harness';

describe('Search Traces on the demo workspace', () => {
  let vs: VscodeSession;
  let page: Page;
  let manifest: DemoManifest;
  let tmp: string;
  let store: string;

  beforeAll(async () => {
    const ws = makeDemoWorkspace('spanlens-e2e-search-');
    tmp = ws.tmp;
    store = ws.store;
    manifest = ws.manifest;
    vs = await launch({ workspace: ws.dir, name: 'search' });
    page = vs.page;
    await openSpanlens(vs);
  });

  afterAll(() => closeAndRemove(vs, tmp));
  screenshotFailures('search', () => vs);

  test('typing KeyError lists runs and spans, grouped, with the error text', async () => {
    await expect.poll(async () => (await treeItems(page, 'Runs')).filter((r) => r.level === 2).length, { timeout: 45_000 }).toBeGreaterThan(10);
    await openSearch(page);
    await page.keyboard.type('KeyError');
    // The matched text is set off: ⟦KeyError⟧ (once the last keystroke's results are in).
    await expect.poll(async () => (await pickerRows(page)).some((l) => /^score_risk · .*error: ⟦KeyError⟧: 'income'/.test(l)), { timeout: 30_000 }).toBe(true);
    const rows = await pickerRows(page);
    // Grouped: a Runs header, the runs, a Spans header, the spans.
    const runsAt = rows.findIndex((l) => /^Runs\b/.test(l));
    const spansAt = rows.findIndex((l) => /^Spans\b/.test(l));
    expect(runsAt).toBe(0);
    expect(spansAt).toBeGreaterThan(runsAt + 1);
    expect(rows.slice(spansAt + 1).every((l) => /\brun run_/.test(l))).toBe(true);
    await moveMouseAway(page);
    await vs.screenshot('search-keyerror-results');
  });

  test("the engine's order stands when names match the typed text (VS Code does not re-sort)", async () => {
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('score');
    await expect.poll(async () => (await pickerRows(page))[1] ?? '', { timeout: 15_000 }).toMatch(/^score_loans · /);
    // The list is virtualized: the rows in view are the Runs header and the best runs, in the
    // engine's order (name matches, newest first) — not VS Code's alphabetical order of label matches.
    const rows = await pickerRows(page);
    expect(rows[0]).toMatch(/^Runs — /);
    const runRows = rows.slice(1).filter((l) => !/^Spans — /.test(l)).slice(0, 5);
    expect(runRows.every((l) => /^score_loans · run_\w+… · .*, name: ⟦score⟧_loans/.test(l))).toBe(true);
    expect(runRows[0]).toMatch(/min ago|just now|s ago/);
    await vs.screenshot('search-score-order');
  });

  test('an unknown filter is a hint in the picker', async () => {
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('KeyError colour:blue');
    await expect.poll(async () => (await pickerRows(page)).some((l) => /unknown filter 'colour:'/.test(l)), { timeout: 15_000 }).toBe(true);
    expect((await pickerRows(page)).some((l) => l.includes('score_risk'))).toBe(true);
    await input.fill('KeyError');
    await expect.poll(async () => (await pickerRows(page)).some((l) => /unknown filter/.test(l)), { timeout: 15_000 }).toBe(false);
  });

  test('a numeric attribute filter lists spans by number; a word after > is a hint', async () => {
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('attr.flujo.budget.actual_tokens>=800 is:span');
    await expect.poll(async () => (await pickerRows(page))[0] ?? '', { timeout: 15_000 }).toMatch(/^Spans — \d+/);
    const rows = await pickerRows(page);
    expect(rows.slice(1).length).toBeGreaterThan(0);
    expect(rows.some((l) => /hint|unknown filter/i.test(l))).toBe(false);
    // Each shows the attribute that matched, its value set off.
    for (const l of rows.slice(1)) expect(Number(/flujo\.budget\.actual_tokens=⟦(\d+)⟧/.exec(l)?.[1])).toBeGreaterThanOrEqual(800);
    await moveMouseAway(page);
    await vs.screenshot('search-numeric-attribute');
    await input.fill('attr.flujo.budget.actual_tokens>lots');
    await expect.poll(async () => (await pickerRows(page)).some((l) => /compares numbers/.test(l)), { timeout: 15_000 }).toBe(true);
    await input.fill('KeyError');
    await expect.poll(async () => (await pickerRows(page)).some((l) => /^score_risk · /.test(l)), { timeout: 15_000 }).toBe(true);
  });

  test('choosing the score_risk span opens Span Details and enrich.py at line 24, and selects it in the Runs view', async () => {
    const failedRun = manifest.scenarios.failedTraceback!;
    const row = page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]')
      .filter({ hasText: /s\u2060?core_risk/ })
      .filter({ hasText: failedRun.slice(0, 12) });
    const target = (await row.count()) > 0 ? row.first() : page.locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]').filter({ hasText: /s\u2060?core_risk/ }).first();
    await target.click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await editorTab(page, 'Span: score_risk').waitFor({ state: 'visible', timeout: 20_000 });
    const frame = await webviewFrame(page, 'Span: score_risk');
    await expect.poll(() => frame.locator('[data-testid=span-name]').textContent(), { timeout: 15_000 }).toBe('score_risk');
    expect(await frame.locator('[data-testid=error-type]').textContent()).toContain('KeyError');
    // Its source: enrich.py with the cursor on line 24.
    const group = page.locator('.part.editor .editor-group-container').filter({ has: page.locator('.tab.active[data-resource-name="enrich.py"]') });
    await group.waitFor({ state: 'visible', timeout: 20_000 });
    await expect
      .poll(() => group.locator('.margin-view-overlays .line-numbers.active-line-number').first().textContent().catch(() => ''), { timeout: 10_000 })
      .toBe('24');
    // Revealed in the Runs view.
    await expect.poll(async () => (await treeItems(page, 'Runs')).find((r) => r.selected)?.label, { timeout: 15_000 }).toBe('score_risk');
    await moveMouseAway(page);
    await vs.screenshot('search-chosen-details-and-source');
  });

  test('the empty box offers recent searches', async () => {
    await openSearch(page);
    await expect.poll(async () => (await pickerRows(page)).some((l) => l.includes('KeyError')), { timeout: 10_000 }).toBe(true);
    await vs.screenshot('search-recent');
    await page.keyboard.press('Escape');
  });

  test('a run a live pipeline appends shows up in the open picker, the index updated (not rebuilt)', async () => {
    await openSearch(page);
    await page.keyboard.type('nightly_rollup');
    await expect.poll(async () => (await pickerRows(page)).some((l) => /No runs or spans match/i.test(l)), { timeout: 15_000 }).toBe(true);
    // A Flujo process writes a new failed run (left in the -wal, as a live one does).
    const run = appendRun(store, ['--pipeline', 'nightly_rollup', '--status', 'failed']);
    await expect
      .poll(async () => (await pickerRows(page)).some((l) => l.startsWith('nightly_rollup · ') && l.includes(run.id.slice(0, 12))), { timeout: 30_000 })
      .toBe(true);
    // Its failing span, by its error text and the new pipeline together.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('pipeline:nightly_rollup status:error "empty response"');
    await expect.poll(async () => (await pickerRows(page)).some((l) => /^write · .*⟦empty response⟧/.test(l)), { timeout: 15_000 }).toBe(true);
    await moveMouseAway(page);
    await vs.screenshot('search-live-appended-run');
    await page.keyboard.press('Escape');
    const log = logEntries(extensionLog(vs.server, 'spanlens.spanlens'));
    expect(log.some((e) => /^Search index of .*flujo_ops\.db updated: 1 runs re-read or dropped/.test(e.text))).toBe(true);
    expect(log.filter((e) => /^Indexed .*flujo_ops\.db for search/.test(e.text))).toHaveLength(1);
  });
});

describe('Search on a bigger store a pipeline keeps writing to', () => {
  let vs: VscodeSession;
  let page: Page;
  let tmp: string;
  let store: string;

  beforeAll(async () => {
    // 300,000 spans (~170 MB): indexing takes seconds, long enough for several runs to land while it works.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-e2e-search-busy-'));
    store = path.join(tmp, 'ws', 'flujo_ops.db');
    fs.mkdirSync(path.dirname(store));
    execFileSync(PYTHON, [path.join(FIXTURES_DIR, 'flujo_store.py'), store, '--runs', '6000', '--spans-per-run', '50', '--no-scenarios', '--attrs', 'lean', '--wal-runs', '5'], { stdio: 'pipe' });
    vs = await launch({ workspace: path.dirname(store), name: 'search-busy' });
    page = vs.page;
    await openSpanlens(vs);
  }, 120_000);

  afterAll(() => closeAndRemove(vs, tmp));
  screenshotFailures('search-busy', () => vs);

  test('the first index finishes while runs keep landing, then each new run is an update', async () => {
    await expect.poll(async () => (await treeItems(page, 'Runs')).filter((r) => r.level === 2).length, { timeout: 60_000 }).toBeGreaterThan(10);
    await openSearch(page);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('busy_pipeline');
    // A run lands every second or so for a while; the old rule (start over on every change) would not finish.
    let last = '';
    for (let i = 0; i < 12; i++) {
      last = appendRun(store, ['--pipeline', 'busy_pipeline', '--seed', String(1000 + i)]).id;
      await page.waitForTimeout(900);
    }
    await expect.poll(async () => (await pickerRows(page)).some((l) => l.startsWith('busy_pipeline · ') && l.includes(last.slice(0, 12))), { timeout: 60_000 }).toBe(true);
    const log = logEntries(extensionLog(vs.server, 'spanlens.spanlens')).map((e) => e.text);
    // One whole build, of the store as it was when search started (6,000 runs), then updates.
    const built = log.map((t, i) => (/^Indexed .*flujo_ops\.db for search/.test(t) ? i : -1)).filter((i) => i >= 0);
    expect(built).toHaveLength(1);
    expect(log[built[0]!]).toMatch(/ 6000 runs /);
    const updates = log.filter((t, i) => i > built[0]! && /^Search index of .*flujo_ops\.db updated/.test(t));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    await moveMouseAway(page);
    await vs.screenshot('search-busy-store');
    await page.keyboard.press('Escape');
  }, 180_000);
});
