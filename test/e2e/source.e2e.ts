// From span to code in real VS Code (code-server in Chromium), on the demo workspace
// (scripts/demo-workspace.mjs): its failed `score_risk` recorded a Python traceback on CI
// (/home/ci/project/pipelines/enrich.py, line 24), and the workspace is a checkout of that project
// somewhere else. One VS Code session; the tests run in order and build on each other.
//
// DOM facts used here (code-server 4.139.1 / VS Code 1.139.1):
// - An editor is `.part.editor .editor-group-container`; its active tab `.tab.active[aria-label]`,
//   its text editor `.monaco-editor`; line numbers `.margin-view-overlays .line-numbers`, the
//   cursor's `.line-numbers.active-line-number`; text lines `.view-lines .view-line` (virtualized).
// - CodeLens: `.contentWidgets .codelens-decoration` (one per line, lenses of a line side by side as
//   `<a>`/`<span>` children), laid out just above the line it belongs to.
// - Problems panel: `.markers-panel`, rows `.monaco-list-row` of a tree (file rows, then marker rows
//   whose aria-label reads "<message>, Error at line 24 column 9 in enrich.py… source Spanlens").
// - Glyph margin decorations are `.margin-view-overlays .cgmr` / `.glyph-margin-widgets .cgmr`.
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoManifest } from '../../scripts/demo-workspace.mjs';
import {
  appendRun,
  clickTreeRow,
  closeAndRemove,
  editorTab,
  expandTreeRow,
  extensionLog,
  launch,
  logEntries,
  makeDemoWorkspace,
  moveMouseAway,
  openSpanlens,
  runCommand,
  runRowRe,
  scenarioRun,
  treeItems,
  webviewFrame,
  type VscodeSession,
  runContextMenuItem,
} from './harness';

/** A file's editor tab (its aria-label is "enrich.py, preview, Editor Group 2"; its label splits name and extension). */
function fileTab(page: Page, fileName: string): Locator {
  return page.locator(`.part.editor .tabs-container .tab[role="tab"][data-resource-name="${fileName}"]`);
}

/** A preview tab (italic, replaced by the next preview): its aria-label says so. */
async function isPreviewTab(tab: Locator): Promise<boolean> {
  return /, preview\b/.test((await tab.getAttribute('aria-label')) ?? '');
}

/** The editor group whose active tab shows this file. */
function editorGroup(page: Page, fileName: string): Locator {
  return page.locator('.part.editor .editor-group-container').filter({ has: page.locator(`.tab.active[data-resource-name="${fileName}"]`) });
}

describe('From span to code on the demo workspace', () => {
  let vs: VscodeSession;
  let page: Page;
  let manifest: DemoManifest;
  let tmp: string;
  let enrichLines: string[];
  let store: string;

  beforeAll(async () => {
    const ws = makeDemoWorkspace('spanlens-e2e-source-');
    tmp = ws.tmp;
    manifest = ws.manifest;
    store = ws.store;
    enrichLines = fs.readFileSync(path.join(ws.dir, 'pipelines', 'enrich.py'), 'utf8').split('\n');
    expect(enrichLines[23]).toContain('ratio = row["debt"] / row["income"]');
    vs = await launch({ workspace: ws.dir, name: 'source' });
    page = vs.page;
    await openSpanlens(vs);
  });

  afterAll(async () => {
    await closeAndRemove(vs, tmp);
  });

  test('clicking the failed score_risk span opens pipelines/enrich.py at line 24, beside Span Details', async () => {
    const failed = scenarioRun(manifest, 'failedTraceback');
    await expect.poll(async () => (await treeItems(page, 'Runs')).filter((r) => r.level === 2).length, { timeout: 45_000 }).toBeGreaterThan(10);
    await expandTreeRow(page, runRowRe(failed), 'Runs');
    await expect.poll(async () => (await treeItems(page, 'Runs')).some((r) => r.label === 'score_risk'), { timeout: 15_000 }).toBe(true);
    await clickTreeRow(page, 'score_risk', 'Runs');

    // Span Details opens, and the source as a preview tab in the other editor group.
    await editorTab(page, 'Span: score_risk').waitFor({ state: 'visible', timeout: 15_000 });
    const tab = fileTab(page, 'enrich.py');
    await tab.waitFor({ state: 'visible', timeout: 20_000 }).catch(async (e: unknown) => {
      console.log(await page.locator('.part.editor .tabs-container').evaluateAll((els) => els.map((e) => e.outerHTML).join('\n\n')));
      await vs.screenshot('source-debug');
      throw e;
    });
    expect(await tab.getAttribute('class')).toMatch(/\bactive\b/);
    // Like a single click in the Explorer: a preview (italic) tab, focus left in the tree.
    expect(await isPreviewTab(tab)).toBe(true);
    const group = editorGroup(page, 'enrich.py');
    // The cursor is on line 24, where the code starts (column 9, after the indentation).
    await expect
      .poll(() => group.locator('.margin-view-overlays .line-numbers.active-line-number').first().textContent().catch(() => ''), { timeout: 10_000 })
      .toBe('24');
    // Line 24 is revealed in the centre of the editor.
    const editorBox = (await group.locator('.monaco-editor').first().boundingBox())!;
    const line24 = group.locator('.margin-view-overlays .line-numbers', { hasText: /^24$/ }).first();
    const lineBox = (await line24.boundingBox())!;
    const centre = editorBox.y + editorBox.height / 2;
    expect(Math.abs(lineBox.y - centre), `line 24 at y=${lineBox.y}, editor centre y=${centre}`).toBeLessThan(editorBox.height / 4);
    // The tree kept the focus: the selected row is score_risk.
    expect((await treeItems(page, 'Runs')).find((r) => r.selected)?.label).toBe('score_risk');
    // Span Details' Go to Source button is enabled and names the workspace file.
    const frame = await webviewFrame(page, 'Span: score_risk');
    const button = frame.locator('[data-testid=go-to-source]');
    await expect.poll(() => button.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await button.getAttribute('title')).toBe('Open pipelines/enrich.py:24');
    await moveMouseAway(page);
    await vs.screenshot('source-click-opens-enrich-24');
  });

  test('the cursor position is line 24 in the status bar once the editor has focus', async () => {
    const group = editorGroup(page, 'enrich.py');
    await group.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible' });
    // Focus the editor without moving the cursor (clicking the tab keeps the selection).
    await fileTab(page, 'enrich.py').click();
    const status = page.locator('.part.statusbar #status\\.editor\\.selection');
    await expect.poll(() => status.textContent().catch(() => ''), { timeout: 10_000 }).toMatch(/Ln 24, Col 9/);
  });

  test('a CodeLens above line 24 says score_risk failed in N of M runs, with the last error', async () => {
    const group = editorGroup(page, 'enrich.py');
    const lens = group.locator('.codelens-decoration').filter({ hasText: 'score_risk failed in' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await lens.textContent()) ?? '';
    expect(text).toMatch(/score_risk failed in \d+ of \d+ runs? · last: KeyError: 'income' · /);
    // It sits just above line 24's text.
    const lensBox = (await lens.boundingBox())!;
    const line24 = (await group.locator('.margin-view-overlays .line-numbers', { hasText: /^24$/ }).first().boundingBox())!;
    expect(Math.abs(lensBox.y + lensBox.height - line24.y), `lens bottom ${lensBox.y + lensBox.height}, line 24 top ${line24.y}`).toBeLessThan(8);
    // Its numbers: failed runs where score_risk's traceback points at line 24, of the runs score_risk ran in.
    const m = /failed in (\d+) of (\d+)/.exec(text)!;
    expect(Number(m[1])).toBeGreaterThanOrEqual(1);
    expect(Number(m[2])).toBeGreaterThanOrEqual(Number(m[1]));
    // The gutter marks the line, too.
    expect(await group.locator('.cgmr, .margin-view-overlays [class*="ced-"]').count()).toBeGreaterThan(0);
    await moveMouseAway(page);
    await vs.screenshot('source-codelens-line-24');
  });

  test('clicking the CodeLens lists the failed runs; picking one shows its span in Span Details', async () => {
    const group = editorGroup(page, 'enrich.py');
    const lens = group.locator('.codelens-decoration a', { hasText: 'score_risk failed in' }).first();
    await lens.click();
    const widget = page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    const rows = widget.locator('.quick-input-list .monaco-list-row[role="option"]');
    await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(labels.length).toBeGreaterThanOrEqual(1);
    expect(labels.every((l) => /KeyError: 'income'/.test(l))).toBe(true);
    expect(labels.some((l) => l.includes('enrich_customers'))).toBe(true);
    await vs.screenshot('source-codelens-quickpick');
    await rows.first().click();
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
    const frame = await webviewFrame(page, 'Span: score_risk');
    await expect.poll(() => frame.locator('[data-testid=span-name]').textContent(), { timeout: 15_000 }).toBe('score_risk');
    expect(await frame.locator('[data-testid=error-type]').textContent()).toContain('KeyError');
  });

  test('the Problems panel lists the failure on enrich.py line 24, source Spanlens', async () => {
    await runCommand(page, 'workbench.actions.view.problems');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    const marker = panel.locator('.monaco-list-row').filter({ hasText: 'score_risk failed in' }).first();
    await marker.waitFor({ state: 'visible', timeout: 20_000 });
    const text = (await marker.textContent()) ?? '';
    expect(text).toMatch(/score_risk failed in \d+ of \d+ runs?: KeyError: 'income'/);
    expect(text).toContain('Spanlens');
    expect(text).toMatch(/\[Ln 24, Col 9\]/);
    expect(await panel.locator('.monaco-list-row').filter({ hasText: 'enrich.py' }).count()).toBeGreaterThan(0);
    await moveMouseAway(page);
    await vs.screenshot('source-problems-panel');
  });

  test('Go to Source on a span’s context menu opens its code (a step found by its name: a guess)', async () => {
    // Right-click only: the row's own command (details + preview) must not be what opens the file.
    const row = page.locator('.monaco-list-row[role="treeitem"]').filter({ has: page.locator('.label-name', { hasText: /^\s*load_customers\s*$/ }) }).first();
    await runContextMenuItem(page, row, 'Go to Source');
    const status = page.locator('.part.statusbar #status\\.editor\\.selection');
    // `async def load_customers(` is line 8 of enrich.py; the cursor lands on the name.
    const defLine = enrichLines.findIndex((l) => /def load_customers\(/.test(l)) + 1;
    const col = enrichLines[defLine - 1]!.indexOf('load_customers') + 1;
    await expect.poll(() => status.textContent().catch(() => ''), { timeout: 10_000 }).toMatch(new RegExp(`Ln ${defLine}, Col ${col}\\b`));
    await moveMouseAway(page);
    await vs.screenshot('source-go-to-source-guess');
    // An explicit Go to Source pins the tab (no preview) and focuses the editor.
    expect(await isPreviewTab(fileTab(page, 'enrich.py'))).toBe(false);
    expect(await editorGroup(page, 'enrich.py').locator('.monaco-editor.focused').count()).toBe(1);
  });

  test('a new failed run written by a live pipeline updates the CodeLens by itself', async () => {
    const group = editorGroup(page, 'enrich.py');
    // Back to line 24 (Go to Line), so its lens is in view.
    // Focus the editor by a line number (a click into the text could scroll it sideways).
    await group.locator('.margin-view-overlays .line-numbers').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type('24');
    await page.keyboard.press('Enter');
    const lens = group.locator('.codelens-decoration a', { hasText: 'score_risk failed in' }).first();
    await lens.waitFor({ state: 'visible', timeout: 10_000 });
    const before = /failed in (\d+) of (\d+)/.exec((await lens.textContent()) ?? '')!;
    expect(appendRun(store, ['--pipeline', 'enrich_customers', '--status', 'failed'])).toMatchObject({ pipeline: 'enrich_customers', status: 'failed' });
    await expect
      .poll(async () => (await lens.textContent().catch(() => '')) ?? '', { timeout: 20_000 })
      .toMatch(new RegExp(`failed in ${Number(before[1]) + 1} of ${Number(before[2]) + 1} runs · last: KeyError: 'income' · (just now|\\d+ s ago)`));
    await moveMouseAway(page);
    await vs.screenshot('source-codelens-live-update');
  });

  test('Span Details’ Go to Source opens the span’s line pinned and focused, beside the details (the same opener as the tree’s)', async () => {
    // Close enrich.py first, so the tab that opens is the button's.
    await fileTab(page, 'enrich.py').click();
    await runCommand(page, 'workbench.action.closeActiveEditor');
    await fileTab(page, 'enrich.py').waitFor({ state: 'detached', timeout: 10_000 });
    const frame = await webviewFrame(page, 'Span: score_risk');
    await frame.locator('[data-testid=go-to-source]').click();
    const tab = fileTab(page, 'enrich.py');
    await tab.waitFor({ state: 'visible', timeout: 15_000 });
    const status = page.locator('.part.statusbar #status\\.editor\\.selection');
    // Line 24, where the code starts (the span records no column), as a click in the tree puts it.
    await expect.poll(() => status.textContent().catch(() => ''), { timeout: 10_000 }).toMatch(/Ln 24, Col 9\b/);
    expect(await isPreviewTab(tab)).toBe(false);
    expect(await editorGroup(page, 'enrich.py').locator('.monaco-editor.focused').count()).toBe(1);
    // The details stay open in their own group.
    expect(await editorTab(page, 'Span: score_risk').count()).toBe(1);
    expect(await editorGroup(page, 'enrich.py').locator('.tab[role="tab"]').filter({ hasText: 'Span: score_risk' }).count()).toBe(0);
    await moveMouseAway(page);
    await vs.screenshot('source-details-go-to-source');
  });

  test('Spanlens logged no errors', async () => {
    const errors = logEntries(extensionLog(vs.server, 'spanlens.spanlens')).filter((e) => e.level === 'error');
    expect(errors.map((e) => e.text.split('\n')[0])).toEqual([]);
  });
});

describe('Settings: quieter lenses on lines that ran, Problems off', () => {
  let vs: VscodeSession;
  let page: Page;
  let tmp: string;

  beforeAll(async () => {
    const ws = makeDemoWorkspace('spanlens-e2e-source2-');
    tmp = ws.tmp;
    vs = await launch({
      workspace: ws.dir,
      name: 'source-settings',
      settings: { 'spanlens.codeLens.showPassing': true, 'spanlens.problems.enabled': false },
    });
    page = vs.page;
  });

  afterAll(async () => {
    await closeAndRemove(vs, tmp);
  });

  test('opening enrich.py without the Spanlens view: failing and passing lenses, no Spanlens problems', async () => {
    // The workspace has a flujo_ops.db: Spanlens activates and reads it in the background.
    await vs.waitForActivation('spanlens.spanlens');
    // Quick Open (Ctrl+P), as a person would.
    await page.locator('.part.statusbar').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type('pipelines/enrich.py');
    const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]').first();
    await pick.waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    const group = editorGroup(page, 'enrich.py');
    await group.waitFor({ state: 'visible', timeout: 15_000 });
    const lenses = group.locator('.codelens-decoration');
    await expect
      .poll(async () => (await lenses.allTextContents()).join(' | '), { timeout: 45_000 })
      .toMatch(/score_risk failed in \d+ of \d+ runs/);
    // The quieter lens sits on each step's definition: found by the step's name, so marked a guess.
    await expect
      .poll(async () => (await lenses.allTextContents()).join(' | '), { timeout: 15_000 })
      .toMatch(/load_customers · \d+ runs · p95 [\d.]+ (ms|s) \(guess\)/);
    const texts = await lenses.allTextContents();
    expect(texts.some((t) => /score_risk · \d+ runs · \d+ failed · p95/.test(t))).toBe(true);
    await moveMouseAway(page);
    await vs.screenshot('source-settings-passing-lenses');
    // Problems are off: nothing from Spanlens there.
    await runCommand(page, 'workbench.actions.view.problems');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(1000);
    expect(await panel.locator('.monaco-list-row').filter({ hasText: 'Spanlens' }).count()).toBe(0);
  });
});
