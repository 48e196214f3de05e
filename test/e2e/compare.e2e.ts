// Compare Runs in real VS Code (code-server in Chromium), on the demo workspace: the failed
// enrich_customers run (score_risk raised KeyError: 'income') compared with the last run of that
// pipeline that passed — from the run's context menu — shows score_risk marked as a status change
// with the error, its attributes diffed, and a click opens its Span Details.
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoManifest } from '../../scripts/demo-workspace.mjs';
import { formatStart } from '../../src/model/format';
import {
  closeAndRemove,
  editorTab,
  launch,
  makeDemoWorkspace,
  moveMouseAway,
  openSpanlens,
  runContextMenuItem,
  runRowRe,
  scenarioRun,
  screenshotFailures,
  treeItems,
  treeRow,
  waitForTab,
  webviewFrame,
  type VscodeSession,
} from './harness';

type ManifestRun = DemoManifest['runs'][number];

/** The run `compareWithLastPassing` picks: the newest completed run of the pipeline that started before. */
function lastPassingBefore(manifest: DemoManifest, failed: ManifestRun): ManifestRun {
  const before = manifest.runs.filter((r) => r.pipeline === failed.pipeline && r.status === 'completed' && Date.parse(r.createdAt) <= Date.parse(failed.createdAt));
  return before[before.length - 1]!;
}

function tabTitle(a: ManifestRun, b: ManifestRun): string {
  return `Compare ${a.pipeline}: ${formatStart(Date.parse(a.createdAt))} ↔ ${formatStart(Date.parse(b.createdAt))}`;
}

async function rows(frame: FrameLocator): Promise<Array<{ badge: string; name: string }>> {
  return frame.locator('.cmp-row').evaluateAll((els) =>
    els
      .map((e) => ({ top: parseFloat((e as HTMLElement).style.top), badge: e.querySelector('.cmp-badge')?.textContent ?? '', name: e.querySelector('.cmp-name')?.textContent ?? '' }))
      .sort((x, y) => x.top - y.top)
      .map(({ badge, name }) => ({ badge, name })),
  );
}

describe('Compare Runs', () => {
  let vs: VscodeSession;
  let page: Page;
  let manifest: DemoManifest;
  let tmp: string;

  beforeAll(async () => {
    const ws = makeDemoWorkspace('spanlens-e2e-compare-');
    tmp = ws.tmp;
    manifest = ws.manifest;
    vs = await launch({ workspace: ws.dir, name: 'compare' });
    page = vs.page;
    await openSpanlens(vs);
  });

  afterAll(async () => {
    await closeAndRemove(vs, tmp);
  });

  screenshotFailures('compare', () => vs);

  test('a failed run against its last passing run: the failing step is marked, with its error', async () => {
    const failed = scenarioRun(manifest, 'failedTraceback');
    const passing = lastPassingBefore(manifest, failed);
    await expect.poll(async () => (await treeItems(page, 'Runs')).filter((r) => r.level === 2 && r.label === failed.pipeline).length, { timeout: 60_000 }).toBeGreaterThan(0);
    await runContextMenuItem(page, treeRow(page, runRowRe(failed), 'Runs'), 'Compare with Last Passing Run');
    const title = tabTitle(passing, failed);
    await waitForTab(page, title, 20_000);
    const frame = await webviewFrame(page, title);
    // score_risk failed in B; whether A ran it too depends on the branch A took ('status' or 'added').
    await expect.poll(async () => (await rows(frame)).find((r) => r.name === 'score_risk')?.badge, { timeout: 20_000 }).toMatch(/^(status|added)$/);
    const all = await rows(frame);
    expect(all[0]).toEqual({ badge: 'status', name: 'pipeline_run' });
    // The header names both runs; the page opens on the first divergence, selected, with its detail.
    expect(await frame.locator('.cmp-run-a').textContent()).toContain('ok');
    expect(await frame.locator('.cmp-run-b').textContent()).toContain("KeyError: 'income'");
    await expect.poll(() => frame.locator('.cmp-row.selected .cmp-name').textContent()).toBe('pipeline_run');
    // The failing step's row carries its error; its detail shows both statuses and the error side by side.
    const scoreRow = frame.locator('.cmp-row', { has: frame.locator('.cmp-name', { hasText: /^score_risk$/ }) });
    expect(await scoreRow.locator('.cmp-row-error').textContent()).toBe("KeyError: 'income'");
    expect(await scoreRow.locator('.cmp-bar.side-b.s-error').count()).toBe(1);
    await scoreRow.locator('.cmp-badge').click();
    const detail = frame.locator('.cmp-detail');
    await expect.poll(() => detail.locator('.cmp-detail-title strong').textContent()).toBe('pipeline_run › score_risk');
    const statusLine = detail.locator('tr', { has: frame.locator('th', { hasText: /^status$/ }) });
    expect((await statusLine.locator('td').allTextContents())[1]).toBe('error');
    const errorLine = detail.locator('tr', { has: frame.locator('th', { hasText: /^error$/ }) });
    await expect.poll(() => errorLine.locator('td').allTextContents()).toEqual(['—', "KeyError: 'income'"]);
    await moveMouseAway(page);
    await vs.screenshot('compare-failed-vs-last-passing');
  });

  test("clicking the failed step opens B's Span Details; Changed only hides the unchanged spans", async () => {
    const failed = scenarioRun(manifest, 'failedTraceback');
    const title = tabTitle(lastPassingBefore(manifest, failed), failed);
    const frame = await webviewFrame(page, title);
    await frame.locator('.cmp-row .cmp-name', { hasText: /^score_risk$/ }).click();
    await editorTab(page, 'Span: score_risk').waitFor({ state: 'visible', timeout: 20_000 });
    const details = await webviewFrame(page, 'Span: score_risk');
    await expect.poll(() => details.getByText("'income'").first().isVisible(), { timeout: 15_000 }).toBe(true);
    const back = await webviewFrame(page, title);
    const before = (await rows(back)).length;
    await back.getByRole('button', { name: 'Changed only' }).click();
    await expect.poll(async () => (await rows(back)).every((r) => r.badge !== 'same')).toBe(true);
    expect((await rows(back)).length).toBeLessThanOrEqual(before);
    await moveMouseAway(page);
    await vs.screenshot('compare-changed-only');
  });
});
