// A store as Flujo 0.6 writes it (test/fixtures/flujo_store.py --flujo06), in real VS Code
// (code-server in Chromium): span rows only for pipeline_run and the top-level steps, the loop's
// iterations and the branch taken only in workflow_state.step_history. The Runs view shows the
// iterations under their loop step, each with its body steps, marked "from step history"; a running
// run's steps (no span rows yet) are marked "from the steps table". Beside it, a claude-flow
// connection whose traces are all older than its 30-day window (real PostgreSQL, when reachable)
// says how many runs the window hid. One session, tests in order.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClaudeFlowDatabase, type ClaudeFlowFixture } from '../fixtures/claudeflow';
import {
  clickTreeRow,
  closeAndRemove,
  expandTreeRow,
  FIXTURES_DIR,
  isRunRow,
  launch,
  moveMouseAway,
  openSpanlens,
  PYTHON,
  runRowRe,
  screenshotFailures,
  treeItems,
  waitForTab,
  webviewFrame,
  type TreeRowInfo,
  type VscodeSession,
} from './harness';

interface Manifest {
  scenarios: Record<string, string>;
  runs: Array<{ id: string; pipeline: string; status: string; createdAt: string; spans: number }>;
}

/** The rows below a run row, up to the next row at its level or above. */
function rowsUnderRun(rows: TreeRowInfo[], r: { pipeline: string; createdAt: string }): TreeRowInfo[] {
  const i = rows.findIndex((x) => isRunRow(x, r));
  if (i < 0) return [];
  const end = rows.findIndex((x, k) => k > i && x.level <= 2);
  return rows.slice(i + 1, end < 0 ? undefined : end);
}

describe('Flujo 0.6 step history in the Runs view', () => {
  let vs: VscodeSession;
  let page: Page;
  let tmp: string;
  let manifest: Manifest;
  let cf: ClaudeFlowFixture | undefined;
  const run = (scenario: string): Manifest['runs'][number] => manifest.runs.find((r) => r.id === manifest.scenarios[scenario])!;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-e2e-flujo06-'));
    const ws = path.join(tmp, 'workspace');
    fs.mkdirSync(path.join(ws, 'pipelines'), { recursive: true });
    const manifestFile = path.join(tmp, 'manifest.json');
    execFileSync(PYTHON, [path.join(FIXTURES_DIR, 'flujo_store.py'), path.join(ws, 'pipelines', 'flujo_ops.db'), '--flujo06', '--runs', '0', '--seed', '11', '--wal-runs', '1', '--manifest', manifestFile], { stdio: 'pipe' });
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    const settings: Record<string, unknown> = {};
    try {
      cf = await createClaudeFlowDatabase(Date.now() - 60 * 86_400_000); // every trace 60 days old or more
      settings['spanlens.postgres.connections'] = [{ name: 'old-traces', url: cf.url }];
    } catch (e) {
      console.warn(`[flujo06.e2e] no PostgreSQL server (${e instanceof Error ? e.message : String(e)}): the claude-flow part is skipped`);
    }
    vs = await launch({ workspace: ws, name: 'flujo06', viewport: { width: 1600, height: 1000 }, settings });
    page = vs.page;
    await openSpanlens(vs);
    // Wide enough for the iterations' names and notes: drag the sidebar's edge.
    const box = (await page.locator('.part.sidebar').boundingBox())!;
    await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 720, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
  });

  screenshotFailures('flujo06', () => vs);

  afterAll(async () => {
    await closeAndRemove(vs, tmp);
    await cf?.drop();
  });

  test("a loop's iterations are under their step, each holding its body steps, marked as from step history", async () => {
    const ok = run('loopOk');
    const flujoRuns = (rows: TreeRowInfo[]): TreeRowInfo[] => {
      const at = rows.findIndex((r) => r.level === 1 && r.label === 'flujo_ops.db');
      const end = rows.findIndex((r, i) => i > at && r.level === 1);
      return at < 0 ? [] : rows.slice(at + 1, end < 0 ? undefined : end).filter((r) => r.level === 2);
    };
    await expect.poll(async () => flujoRuns(await treeItems(page, 'Runs')).length, { timeout: 45_000 }).toBe(manifest.runs.length);
    await expandTreeRow(page, runRowRe(ok), 'Runs');
    await expandTreeRow(page, 'pipeline_run', 'Runs');
    await expandTreeRow(page, 'refine_addresses', 'Runs');
    await expandTreeRow(page, "Loop 'refine_addresses' - Iteration 1", 'Runs');
    await expandTreeRow(page, 'route_by_region', 'Runs');
    await expect
      .poll(async () => rowsUnderRun(await treeItems(page, 'Runs'), ok).map((r) => `${r.level} ${r.label}`), { timeout: 15_000 })
      .toEqual([
        '3 pipeline_run',
        '4 load_customers',
        '4 route_by_region',
        "5 Branch 'eu'",
        '4 refine_addresses',
        "5 Loop 'refine_addresses' - Iteration 1",
        '6 geocode',
        '6 validate_address',
        "5 Loop 'refine_addresses' - Iteration 2",
        "5 Loop 'refine_addresses' - Iteration 3",
        '4 write_output',
      ]);
    const rows = rowsUnderRun(await treeItems(page, 'Runs'), ok);
    const desc = (label: string): string => rows.find((r) => r.label === label)!.description;
    // The iterations and the branch say where they come from; their body steps (inside) do not repeat it.
    for (const k of [1, 2, 3]) expect(desc(`Loop 'refine_addresses' - Iteration ${k}`)).toMatch(/ms · from step history$/);
    expect(desc("Branch 'eu'")).toMatch(/from step history$/);
    expect(desc('geocode')).not.toMatch(/step history/);
    expect(desc('refine_addresses')).not.toMatch(/step history/);
    for (const r of rows) expect(r.icon, r.label).toBe('pass');
    await moveMouseAway(page);
    await vs.screenshot('flujo06-loop-iterations');
  });

  test('a body step from step history opens in Span Details with its latency and output', async () => {
    await clickTreeRow(page, 'validate_address', 'Runs');
    await waitForTab(page, 'Span: validate_address');
    const frame = await webviewFrame(page, 'Span: validate_address');
    await expect.poll(() => frame.locator('[data-testid=span-name]').textContent(), { timeout: 15_000 }).toBe('validate_address');
    const attrs = (await frame.locator('[data-testid=attributes-table]').textContent()) ?? '';
    expect(attrs).toContain('spanlens.source');
    expect(attrs).toContain('step_history');
    expect(attrs).toContain('latency_s');
    await moveMouseAway(page);
    await vs.screenshot('flujo06-history-span-details');
  });

  test("a running run's steps come from the steps table and say so", async () => {
    const running = run('running');
    await expandTreeRow(page, runRowRe(running), 'Runs');
    await expect
      .poll(async () => rowsUnderRun(await treeItems(page, 'Runs'), running).map((r) => `${r.level} ${r.label} · ${r.description.split(' · ').pop()}`), {
        timeout: 15_000,
      })
      .toEqual(['3 load_customers · from the steps table', '3 refine_addresses · from the steps table']);
    await moveMouseAway(page);
    await vs.screenshot('flujo06-running-steps-table');
  });

  test('a claude-flow store whose runs are all older than its window says how many it hid', async () => {
    if (!cf) return;
    await expandTreeRow(page, 'old-traces', 'Runs');
    const hint = `${cf.traces.length} older runs — widen with the connection's sinceDays`;
    await expect
      .poll(async () => {
        const rows = await treeItems(page, 'Runs');
        const at = rows.findIndex((r) => r.level === 1 && r.label === 'old-traces');
        return rows.slice(at + 1, at + 3).map((r) => `${r.icon} ${r.label}`);
      }, { timeout: 30_000 })
      .toEqual(['info No runs in the last 30 days', `history ${hint}`]);
    await moveMouseAway(page);
    await vs.screenshot('flujo06-claudeflow-old-traces');
  });
});
