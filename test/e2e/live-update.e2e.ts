// Live update in real VS Code (code-server in Chromium): while the Runs view is open, a real SQLite
// writer (python3's sqlite3, test/e2e/append_run.py) appends runs to the workspace's flujo_ops.db
// the way a running Flujo does. The new run must appear by itself (no Refresh) within a few
// seconds, and a run the user expanded must stay expanded.
//
// Runs are found by what the tree shows: label = pipeline name, description = "<start> · …"
// with the start as src/model/format.ts formatStart() prints it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoManifest } from '../../scripts/demo-workspace.mjs';
import {
  appendRun,
  closeAndRemove,
  editorTab,
  expandTreeRow,
  extensionLog,
  FIXTURES_DIR,
  isRunRow,
  launch,
  logEntries,
  makeDemoWorkspace,
  moveMouseAway,
  openSpanlens,
  PYTHON,
  runRowRe,
  scenarioRun,
  screenshotFailures,
  treeItems,
  treeRowLocator,
  webviewFrame,
  type ManifestRun,
  type TreeRowInfo,
  type VscodeSession,
} from './harness';

const FLUJO_STORE_PY = path.join(FIXTURES_DIR, 'flujo_store.py');
/** "Within a few seconds": the watcher's poll (1 s) + debounce (300 ms) + one read of a small store, with room for a busy 2-core machine. */
const APPEAR_WITHIN_MS = 8_000;

/** The run rows (level 2) in view order. */
async function runRows(page: Page): Promise<TreeRowInfo[]> {
  return (await treeItems(page, 'Runs')).filter((r) => r.level === 2);
}

/** Waits until `pred` holds for the rendered rows; returns how long that took (ms). */
async function waitForRows(page: Page, pred: (rows: TreeRowInfo[]) => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  let last: TreeRowInfo[] = [];
  while (Date.now() - t0 < timeoutMs) {
    last = await treeItems(page, 'Runs');
    if (pred(last)) return Date.now() - t0;
    await page.waitForTimeout(200);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms; rows: ${last.map((r) => `${r.level}:${r.text}`).join(' | ')}`);
}

/** N of the status bar's "N failed (24h)" item (its aria-label says "Spanlens: N failed runs in the last 24 hours"), or -1. */
async function failureCount(page: Page): Promise<number> {
  const label = await page
    .locator('.part.statusbar [aria-label^="Spanlens: "][aria-label$="failed runs in the last 24 hours"]')
    .first()
    .getAttribute('aria-label', { timeout: 2000 })
    .catch(() => null);
  const m = /Spanlens: (\d+) failed runs/.exec(label ?? '');
  return m ? Number(m[1]) : -1;
}

describe('live update of the Runs view while a pipeline writes', () => {
  let vs: VscodeSession;
  let page: Page;
  let manifest: DemoManifest;
  let db: string;
  let tmp: string;
  let failed: ManifestRun;

  beforeAll(async () => {
    // A smaller store than the demo's default: every row stays rendered (the list is virtualized).
    const ws = makeDemoWorkspace('spanlens-e2e-live-', { runs: 4, walRuns: 2 });
    tmp = ws.tmp;
    manifest = ws.manifest;
    db = ws.store;
    failed = scenarioRun(manifest, 'failedTraceback');
    vs = await launch({ workspace: ws.dir, name: 'live-update' });
    page = vs.page;
    await openSpanlens(vs);
    await waitForRows(page, (rows) => rows.filter((r) => r.level === 2).length === manifest.runCount, 45_000, 'listing the demo store’s runs');
    // The user has opened the failed run and is looking at its spans.
    await expandTreeRow(page, runRowRe(failed), 'Runs');
    await waitForRows(page, (rows) => rows.some((r) => r.label === 'score_risk'), 15_000, 'showing score_risk under the failed run');
  });

  // A failed test leaves a picture of the window behind: test-results/e2e/FAILED-<file>-<n>.png.
  screenshotFailures('live-update', () => vs);

  afterAll(async () => {
    await closeAndRemove(vs, tmp);
  });

  /** The expanded run is still expanded and still shows its spans. */
  async function expectStillExpanded(): Promise<void> {
    const rows = await treeItems(page, 'Runs');
    const i = rows.findIndex((r) => isRunRow(r, failed));
    expect(i, 'the expanded failed run is still listed').toBeGreaterThanOrEqual(0);
    expect(rows[i]!.expanded, 'the failed run stays expanded').toBe(true);
    expect(rows.slice(i + 1, i + 4).map((r) => `${r.level} ${r.label}`)).toEqual(['3 pipeline_run', '4 load_customers', '4 score_risk']);
  }

  test('a run committed to the -wal by a live writer appears by itself, and the expanded run stays expanded', async () => {
    const walBefore = fs.statSync(`${db}-wal`).size;
    const added = appendRun(db, ['--pipeline', 'summarize_tickets', '--status', 'failed']);
    expect(added.walOnly).toBe(true);
    expect(fs.statSync(`${db}-wal`).size, 'the new run went into the -wal').toBeGreaterThan(walBefore);

    const took = await waitForRows(page, (rows) => rows.some((r) => isRunRow(r, added)), APPEAR_WITHIN_MS, `run ${added.id} (${added.pipeline}) appearing without Refresh`);
    const runs = await runRows(page);
    expect(runs.length).toBe(manifest.runCount + 1);
    expect(isRunRow(runs[0]!, added), `the new run is listed first (newest); first row: ${runs[0]!.text}`).toBe(true);
    expect(runs[0]!.icon).toBe('error');
    await expectStillExpanded();
    // The failure count (status bar and the view's badge) follows: one more failed run in the last 24 hours.
    const failedBefore = manifest.runs.filter((r) => r.status === 'failed').length;
    await expect.poll(() => failureCount(page), { timeout: APPEAR_WITHIN_MS }).toBe(failedBefore + 1);
    await moveMouseAway(page);
    await vs.screenshot('live-update-wal-append');
    console.log(`[live-update] a -wal append appeared after ${took} ms`);
  });

  test('a run written by a writer that checkpoints and closes (the -wal folded into the database) appears too', async () => {
    const before = await runRows(page);
    const added = appendRun(db, ['--pipeline', 'score_loans', '--status', 'completed', '--checkpoint']);
    expect(added.walOnly).toBe(false);
    // SQLite folds the -wal into the database file and removes it when the last connection closes.
    expect(fs.existsSync(`${db}-wal`) ? fs.statSync(`${db}-wal`).size : 0).toBe(0);

    const took = await waitForRows(page, (rows) => rows.some((r) => isRunRow(r, added)), APPEAR_WITHIN_MS, `run ${added.id} (${added.pipeline}) appearing after a checkpoint`);
    const runs = await runRows(page);
    expect(runs.length).toBe(before.length + 1);
    expect(isRunRow(runs[0]!, added), `the new run is listed first; first row: ${runs[0]!.text}`).toBe(true);
    expect(runs[0]!.icon).toBe('pass');
    // Nothing was lost: every run shown before is still there (the -wal ones now come from the database file).
    for (const r of before) expect(runs.some((x) => x.label === r.label && x.description.split(' · ')[0] === r.description.split(' · ')[0]), r.text).toBe(true);
    await expectStillExpanded();
    await moveMouseAway(page);
    await vs.screenshot('live-update-after-checkpoint');
    console.log(`[live-update] a checkpointed append appeared after ${took} ms`);
  });

  test('a running run the user has open finishes: its icon and its spans update in place', async () => {
    const running = scenarioRun(manifest, 'running');
    expect(running.status).toBe('running');
    await expandTreeRow(page, runRowRe(running), 'Runs');
    const spansOf = async (): Promise<TreeRowInfo[]> => {
      const rows = await treeItems(page, 'Runs');
      const i = rows.findIndex((r) => isRunRow(r, running));
      const end = rows.findIndex((r, k) => k > i && r.level <= 2);
      return i < 0 ? [] : rows.slice(i + 1, end < 0 ? undefined : end);
    };
    await expect.poll(async () => (await spansOf()).map((r) => r.label), { timeout: 15_000 }).toEqual(['pipeline_run']);
    // Open the root span too: the user watches the steps of the run.
    await expandTreeRow(page, /^\s*pipeline_run\s*running/, 'Runs');
    await expect
      .poll(async () => (await spansOf()).map((r) => `${r.level} ${r.label} ${r.icon}`), { timeout: 15_000 })
      .toEqual(['3 pipeline_run sync', '4 load_customers pass', '4 normalize_names pass', '4 score_risk sync']);

    // The user reads the running step in Span Details (the rows are in DOM order: click that row, not another run's score_risk).
    const stepAt = (await treeItems(page, 'Runs')).findIndex((r, i, all) => i > all.findIndex((x) => isRunRow(x, running)) && r.level === 4 && r.label === 'score_risk');
    await treeRowLocator(page, 'Runs').nth(stepAt).locator('.monaco-tl-contents').click();
    // The panel opens a moment after the click.
    await expect.poll(() => editorTab(page, 'Span: score_risk').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const details = await webviewFrame(page, 'Span: score_risk');
    await expect.poll(() => details.locator('[data-testid=status-badge]').textContent(), { timeout: 15_000 }).toBe('running');

    const finished = appendRun(db, ['--finish', running.id, '--status', 'completed']);
    const took = await waitForRows(
      page,
      (rows) => rows.some((r) => isRunRow(r, running) && r.icon === 'pass'),
      APPEAR_WITHIN_MS,
      `run ${finished.id} turning from running to passed`,
    );
    await expect
      .poll(async () => (await spansOf()).map((r) => `${r.level} ${r.label} ${r.icon}`), { timeout: APPEAR_WITHIN_MS })
      .toEqual([
        '3 pipeline_run pass',
        '4 load_customers pass',
        '4 normalize_names pass',
        '4 score_risk pass',
        '4 geocode pass',
        '4 write_output pass',
      ]);
    const row = (await treeItems(page, 'Runs')).find((r) => isRunRow(r, running))!;
    expect(row.expanded).toBe(true);
    expect(row.description).not.toMatch(/running/);
    await expectStillExpanded();
    // Span Details follows the store: the step it shows is finished now, without another click.
    const detailsNow = await webviewFrame(page, 'Span: score_risk');
    await expect.poll(() => detailsNow.locator('[data-testid=status-badge]').textContent(), { timeout: APPEAR_WITHIN_MS }).toBe('ok');
    await moveMouseAway(page);
    await vs.screenshot('live-update-running-run-finished');
    console.log(`[live-update] the running run showed as finished after ${took} ms`);
  });

  test('a store that appears in the workspace later shows up by itself, and the expanded run stays expanded', async () => {
    const later = path.join(path.dirname(db), 'nightly', 'flujo_ops.db');
    fs.mkdirSync(path.dirname(later));
    execFileSync(PYTHON, [FLUJO_STORE_PY, later, '--runs', '3', '--no-scenarios', '--wal-runs', '1', '--seed', '11'], { stdio: 'pipe' });
    const took = await waitForRows(
      page,
      (rows) => {
        const at = rows.findIndex((r) => r.level === 1 && r.label === 'flujo_ops.db' && r.description === 'nightly');
        return at >= 0 && rows.slice(at + 1, at + 4).filter((r) => r.level === 2 && r.label !== 'Loading…').length === 3;
      },
      // Discovery waits 1 s after the file event, then the new store is read.
      APPEAR_WITHIN_MS + 4_000,
      'the new store nightly/flujo_ops.db appearing with its 3 runs',
    );
    await expectStillExpanded();
    await moveMouseAway(page);
    await vs.screenshot('live-update-new-store');
    console.log(`[live-update] a new store appeared with its runs after ${took} ms`);
  });

  test('reading the store while it was written logged no errors (Output › Spanlens)', async () => {
    const errors = logEntries(extensionLog(vs.server, 'spanlens.spanlens')).filter((e) => e.level === 'error');
    expect(errors.map((e) => e.text.split('\n').slice(0, 4).join('\n'))).toEqual([]);
  });
});
