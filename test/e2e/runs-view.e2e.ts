// The Runs view and Span Details in real VS Code (code-server in Chromium), on the demo workspace
// (scripts/demo-workspace.mjs) plus a second "store" that is not SQLite at all. One VS Code session
// for the whole file; the tests run in order and build on each other (expand, click, …).
//
// What the tree shows (src/extension/runsView/nodes.ts): a store row (label = file name,
// description = its folder, "· cannot be read" when broken) → run rows (label = pipeline name,
// description = "<start> · <duration>", icon by status) → span rows (label = span name,
// description = "<duration> · <error type>"). Run ids are not shown, so a run is found by its
// pipeline and start time as formatStart() prints them.
import fs from 'node:fs';
import path from 'node:path';
import type { Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoManifest } from '../../scripts/demo-workspace.mjs';
import { formatStart } from '../../src/model/format';
import {
  clickTreeRow,
  closeAndRemove,
  collapseTreeRow,
  expandTreeRow,
  extensionLog,
  extHostLog,
  isRunRow,
  launch,
  logEntries,
  makeDemoWorkspace,
  moveMouseAway,
  openSpanlens,
  runDescPrefix,
  runRowRe,
  scenarioRun,
  screenshotFailures,
  treeItems,
  treeRowLocator,
  waitForTab,
  webviewFrame,
  type ManifestRun,
  type TreeRowInfo,
  type VscodeSession,
} from './harness';

const HTML_NAME = '<img src=x onerror=alert(1)>';
const BROKEN_TEXT = 'flujo_ops.db: not a database, just a text file someone copied here\n';

/** The codicon the tree uses for a run of this (store's) status: src/extension/runsView/icons.ts. */
const ICON_BY_STATUS: Record<string, string> = { completed: 'pass', failed: 'error', running: 'sync', paused: 'debug-pause' };

/** Rows under the good store (`flujo_ops.db` with no folder description), up to the next store row. */
function goodStoreRows(rows: TreeRowInfo[]): TreeRowInfo[] {
  const start = rows.findIndex((r) => r.level === 1 && r.label === 'flujo_ops.db' && r.description === '');
  if (start < 0) return [];
  const end = rows.findIndex((r, i) => i > start && r.level === 1);
  return rows.slice(start + 1, end < 0 ? undefined : end);
}

describe('Runs view and Span Details on the demo workspace', () => {
  let vs: VscodeSession;
  let page: Page;
  let manifest: DemoManifest;
  let tmp: string;
  const dialogs: string[] = [];
  const byId = new Map<string, ManifestRun>();
  const run = (scenario: string): ManifestRun => scenarioRun(manifest, scenario);

  beforeAll(async () => {
    const ws = makeDemoWorkspace('spanlens-e2e-demo-', { htmlName: true });
    tmp = ws.tmp;
    manifest = ws.manifest;
    for (const r of manifest.runs) byId.set(r.id, r);
    // A second store in the same workspace that is not SQLite at all.
    fs.mkdirSync(path.join(ws.dir, 'broken'));
    fs.writeFileSync(path.join(ws.dir, 'broken', 'flujo_ops.db'), BROKEN_TEXT);

    vs = await launch({ workspace: ws.dir, name: 'runs-view' });
    page = vs.page;
    // Any alert()/confirm() is a script that ran from data: record it, and dismiss it so nothing hangs.
    page.on('dialog', (d: Dialog) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => {});
    });
    await openSpanlens(vs);
  });

  // A failed test leaves a picture of the window behind: test-results/e2e/FAILED-<file>-<n>.png.
  screenshotFailures('runs-view', () => vs);

  afterAll(async () => {
    await closeAndRemove(vs, tmp);
  });

  test('the Runs view lists the demo store’s runs, newest first, including the ones only in the -wal', async () => {
    expect(manifest.walRunIds.length).toBeGreaterThan(0);
    const newestFirst = [...manifest.runs].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const walRuns = manifest.walRunIds.map((id) => byId.get(id)!);
    // Until the store is read the store row shows "Loading…".
    await expect
      .poll(async () => goodStoreRows(await treeItems(page, 'Runs')).filter((r) => r.level === 2).length, { timeout: 45_000 })
      .toBeGreaterThanOrEqual(12);
    const rows = goodStoreRows(await treeItems(page, 'Runs')).filter((r) => r.level === 2);
    for (const r of walRuns) {
      const row = rows.find((x) => isRunRow(x, r));
      expect(row, `-wal-only run ${r.id} (${r.pipeline}, ${runDescPrefix(r.createdAt)}) is listed; rows: ${rows.map((x) => x.text).join(' | ')}`).toBeDefined();
      expect(row!.icon, `icon of ${r.id} (${r.status})`).toBe(ICON_BY_STATUS[r.status]);
    }
    // The first rows are the newest runs in order: the -wal ones first (they are the newest), then the database's.
    const shown = rows.slice(0, 12).map((x) => `${x.label} ${x.description.split(' · ')[0]}`);
    const expected = newestFirst.slice(0, 12).map((r) => `${r.pipeline} ${formatStart(Date.parse(r.createdAt))}`);
    expect(shown).toEqual(expected);
    await moveMouseAway(page);
    await vs.screenshot('runs-view-demo-store');
  });

  test('expanding the failed run shows its failed span score_risk with an error icon', async () => {
    const failed = run('failedTraceback');
    expect(failed.status).toBe('failed');
    const runRow = await expandTreeRow(page, runRowRe(failed), 'Runs');
    expect(await runRow.locator('.custom-view-tree-node-item-icon').getAttribute('class')).toMatch(/\bcodicon-error\b/);
    // The root span is on the error path, so it opens by itself and shows score_risk.
    await expect
      .poll(async () => (await treeItems(page, 'Runs')).find((r) => r.label === 'score_risk')?.icon ?? '(no score_risk row)', { timeout: 15_000 })
      .toBe('error');
    const rows = await treeItems(page, 'Runs');
    const i = rows.findIndex((r) => isRunRow(r, failed));
    const under = rows.slice(i + 1, rows.findIndex((r, k) => k > i && r.level <= 2));
    expect(under.map((r) => `${r.level} ${r.label} ${r.icon}`)).toEqual([
      '3 pipeline_run error',
      '4 load_customers pass',
      '4 score_risk error',
    ]);
    expect(under[2]!.description).toMatch(/KeyError/);
    await moveMouseAway(page);
    await vs.screenshot('failed-run-expanded');
  });

  test('clicking score_risk opens Span Details with the KeyError and its traceback', async () => {
    await clickTreeRow(page, 'score_risk', 'Runs');
    await waitForTab(page, 'Span: score_risk');
    const frame = await webviewFrame(page, 'Span: score_risk');
    await expect.poll(() => frame.locator('[data-testid=span-name]').textContent(), { timeout: 15_000 }).toBe('score_risk');
    expect(await frame.locator('[data-testid=error-type]').textContent()).toContain('KeyError');
    expect(await frame.locator('[data-testid=error-message]').textContent()).toContain("'income'");
    const stack = (await frame.locator('[data-testid=error-stack]').textContent()) ?? '';
    expect(stack).toContain('pipelines/enrich.py", line 24, in score_risk');
    expect(stack).toContain('ratio = row["debt"] / row["income"]');
    await moveMouseAway(page);
    await vs.screenshot('span-details-keyerror');
  });

  test('Go to Source opens pipelines/enrich.py at line 24, the line the traceback names', async () => {
    // The traceback says /home/ci/project/pipelines/enrich.py (a CI checkout); the demo workspace has
    // pipelines/enrich.py with that line, so Spanlens can map the path into the workspace.
    const frame = await webviewFrame(page, 'Span: score_risk');
    await expect.poll(() => frame.locator('[data-testid=source]').textContent(), { timeout: 15_000 }).toContain('pipelines/enrich.py:24');
    const button = frame.locator('[data-testid=go-to-source]');
    await expect.poll(() => button.isEnabled(), { timeout: 15_000 }).toBe(true);
    await button.click();
    await expect
      .poll(async () => (await page.locator('.part.editor .tab.active').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).some((l) => /^enrich\.py\b/.test(l)), { timeout: 15_000 })
      .toBe(true);
    // The cursor is on the traceback's line (status bar: "Ln 24, Col …").
    await expect.poll(() => page.locator('.part.statusbar').textContent(), { timeout: 10_000 }).toMatch(/Ln 24, Col \d+/);
    const editor = page.locator('.part.editor .editor-instance').filter({ has: page.locator('.view-line', { hasText: 'ratio = row["debt"] / row["income"]' }) });
    expect(await editor.count()).toBeGreaterThan(0);
    await moveMouseAway(page);
    await vs.screenshot('go-to-source-enrich-py-24');
  });

  test('a store that is not SQLite shows an error item naming the file, and the good store still lists its runs', async () => {
    // Fold the failed run again: the view stays short enough to show both stores.
    await collapseTreeRow(page, runRowRe(run('failedTraceback')), 'Runs');
    await expect
      .poll(async () => (await treeItems(page, 'Runs')).find((r) => r.level === 1 && r.description.startsWith('broken'))?.description ?? '(no broken store row)', {
        timeout: 15_000,
      })
      .toMatch(/^broken · cannot be read$/);
    const rows = await treeItems(page, 'Runs');
    const at = rows.findIndex((r) => r.level === 1 && r.description.startsWith('broken'));
    const store = rows[at]!;
    expect(store.label).toBe('flujo_ops.db');
    expect(store.icon).toBe('warning');
    const errorItem = rows[at + 1]!;
    expect(errorItem.level).toBe(2);
    expect(errorItem.icon).toBe('warning');
    // The item itself names the file, then what is wrong with it.
    expect(errorItem.label).toMatch(/^flujo_ops\.db: (is )?not a (store spanlens can read|SQLite database)/i);
    // The error item's hover carries the full message, which names the file, and what to do.
    const errorRow = treeRowLocator(page, 'Runs').nth(await visibleIndexOf(page, errorItem));
    await errorRow.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'What to do' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await hover.textContent()).toContain(path.join('broken', 'flujo_ops.db'));
    await vs.screenshot('broken-store-error-item');
    await moveMouseAway(page);
    // The good store is untouched: its runs are listed.
    expect(goodStoreRows(rows).filter((r) => r.level === 2).length).toBeGreaterThanOrEqual(12);
  });

  test('a span named <img src=x onerror=alert(1)> is plain text in the tree and in Span Details', async () => {
    const strange = run('strange');
    await expandTreeRow(page, runRowRe(strange), 'Runs');
    // Its root span is not on an error path, so it is folded: open it.
    await expect.poll(async () => (await treeItems(page, 'Runs')).some((r) => r.level === 3 && r.label === 'pipeline_run'), { timeout: 15_000 }).toBe(true);
    const rowsNow = await treeItems(page, 'Runs');
    const runAt = rowsNow.findIndex((r) => isRunRow(r, strange));
    const rootAt = rowsNow.findIndex((r, i) => i > runAt && r.level === 3 && r.label === 'pipeline_run');
    const rootRow = treeRowLocator(page, 'Runs').nth(rootAt);
    if ((await rootRow.getAttribute('aria-expanded')) === 'false') await rootRow.locator('.monaco-tl-twistie').click();

    const htmlRow = treeRowLocator(page, 'Runs').filter({ has: page.locator('.label-name', { hasText: HTML_NAME }) }).first();
    await htmlRow.waitFor({ state: 'visible', timeout: 15_000 });
    expect((await htmlRow.locator('.label-name').textContent())?.trim()).toBe(HTML_NAME);
    expect(await htmlRow.locator('img').count()).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await htmlRow.locator('.monaco-tl-contents').click();
    const title = `Span: ${HTML_NAME}`;
    await waitForTab(page, title);
    const frame = await webviewFrame(page, title);
    const name = frame.locator('[data-testid=span-name]');
    await expect.poll(() => name.textContent(), { timeout: 15_000 }).toBe(HTML_NAME);
    expect(await name.locator('img').count()).toBe(0);
    expect(await frame.locator('img[src="x"]').count()).toBe(0);
    // Give an injected onerror a moment to fire, if there were one.
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    await moveMouseAway(page);
    await vs.screenshot('html-span-name-as-text');
  });

  test('Spanlens logged no errors during all of this, besides the broken store’s', async () => {
    const firstLines = (t: string): string => t.split('\n').slice(0, 4).join('\n');
    // Errors the extension host forwards to the page; they name the extension's folder
    // (…/extensions/spanlens.spanlens-0.1.0/dist/extension.js) in their stack.
    const inConsole = vs.consoleErrors.filter((e) => /extensions[/\\]spanlens\.spanlens-/i.test(e) || /\bspanlens\b/i.test(e));
    // The extension host's own log has every error thrown at it (the console only gets some, timing-dependent).
    const inHostLog = logEntries(extHostLog(vs.server)).filter((e) => e.level === 'error' && /extensions[/\\]spanlens\.spanlens-/i.test(e.text));
    // Output › Spanlens: reading the broken store is expected to log its failure; nothing else should.
    const broken = path.join('broken', 'flujo_ops.db');
    const inOwnLog = logEntries(extensionLog(vs.server, 'spanlens.spanlens')).filter((e) => e.level === 'error' && !e.text.includes(broken));
    expect({
      console: inConsole.map(firstLines),
      extensionHostLog: inHostLog.map((e) => firstLines(e.text)),
      spanlensLog: inOwnLog.map((e) => firstLines(e.text)),
    }).toEqual({ console: [], extensionHostLog: [], spanlensLog: [] });
  });
});

/** The index of `row` among the rendered rows (treeItems order = DOM order). */
async function visibleIndexOf(page: Page, row: TreeRowInfo): Promise<number> {
  const rows = await treeItems(page, 'Runs');
  const i = rows.findIndex((r) => r.ariaLabel === row.ariaLabel && r.level === row.level);
  if (i < 0) throw new Error(`row ${row.text} is no longer rendered`);
  return i;
}
