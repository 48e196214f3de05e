// Every kind of store in one workspace, in real VS Code (code-server in Chromium): a Flujo
// flujo_ops.db, a waft project (_pyrite/analytics/traces, with torn and non-JSON lines), an
// OpenTelemetry OTLP/JSON file, and — when a PostgreSQL server is reachable (SPANLENS_TEST_PG,
// default postgres://postgres@127.0.0.1:5432/postgres) — a claude-flow database plus a
// connection to a port nothing listens on. All written by the fixture generators the unit tests
// use (test/fixtures/). Then Find Similar Failures from a failed OTLP span lists the same failure
// recorded by other stores (other amounts: numbers are masked), from the context menu and from
// the Span Details button. One VS Code session; the tests run in order.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminQuery, createClaudeFlowDatabase, utcIso, type ClaudeFlowFixture } from '../fixtures/claudeflow';
import {
  collapseTreeRow,
  escapeRe,
  expandTreeRow,
  FIXTURES_DIR,
  launch,
  moveMouseAway,
  openSpanlens,
  PYTHON,
  treeItems,
  treeRow,
  treeRowLocator,
  waitForTab,
  webviewFrame,
  type TreeRowInfo,
  type VscodeSession,
  runContextMenuItem,
} from './harness';

/** The OTLP fixture's failed payment span says this (otlp_write.mjs); the other stores get the same failure for other amounts. */
const OTLP_DECLINE = 'card declined: insufficient funds for 5990 cents';
const WAFT_DECLINE = 'card declined: insufficient funds for 12000 cents';
const CF_DECLINE = 'card declined: insufficient funds for 7700 cents';
const OFFLINE_URL = 'postgres://spanlens@127.0.0.1:1/nothing_listens_here';

interface WaftManifest {
  skippedLines: number;
  runCount: number;
}

/** Store rows (level 1) by label. */
function storeRow(rows: TreeRowInfo[], label: string): TreeRowInfo | undefined {
  return rows.find((r) => r.level === 1 && r.label === label);
}

/** Rows under a store row, up to the next store row. */
function rowsUnder(rows: TreeRowInfo[], label: string): TreeRowInfo[] {
  const at = rows.findIndex((r) => r.level === 1 && r.label === label);
  if (at < 0) return [];
  const end = rows.findIndex((r, i) => i > at && r.level === 1);
  return rows.slice(at + 1, end < 0 ? undefined : end);
}

/** A store row's locator: its label exactly, at level 1. */
function storeRowLocator(page: Page, label: string): Locator {
  return treeRow(page, label, 'Runs').and(page.locator('[aria-level="1"]'));
}

/** The quick pick's rows (aria-labels). */
async function quickPickRows(page: Page): Promise<string[]> {
  return page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
}

/** Right-clicks a row and runs a context-menu entry by its title. */
function contextMenu(page: Page, row: Locator, title: string): Promise<void> {
  return runContextMenuItem(page, row.locator('.monaco-tl-contents'), title);
}

describe('every store kind in one workspace', () => {
  let vs: VscodeSession;
  let page: Page;
  let tmp: string;
  let waft: WaftManifest;
  let cf: ClaudeFlowFixture | undefined;
  /** Store labels the sidebar must show. */
  const stores = ['flujo_ops.db', 'svc', 'checkout.otlp.jsonl'];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-e2e-stores-'));
    const ws = path.join(tmp, 'workspace');
    fs.mkdirSync(path.join(ws, 'pipelines'), { recursive: true });
    // Flujo: flujo_ops.db with its newest runs only in the -wal.
    execFileSync(PYTHON, [path.join(FIXTURES_DIR, 'flujo_store.py'), path.join(ws, 'pipelines', 'flujo_ops.db'), '--seed', '7', '--wal-runs', '2', '--manifest', path.join(tmp, 'flujo.json')], { stdio: 'pipe' });
    // waft: a project folder "svc" with its daily files (torn and non-JSON lines included) …
    execFileSync(PYTHON, [path.join(FIXTURES_DIR, 'waft_store.py'), path.join(ws, 'svc'), '--manifest', path.join(tmp, 'waft.json')], { stdio: 'pipe' });
    waft = JSON.parse(fs.readFileSync(path.join(tmp, 'waft.json'), 'utf8')) as WaftManifest;
    // … plus a day on which the payment failed the same way as in the OTLP file, for another amount.
    const waftLine = {
      trace_id: randomUUID(),
      span_id: randomUUID(),
      operation: 'billing.charge',
      layer: 'core',
      parent_span_id: null,
      timestamp: '2026-01-10T08:00:00.500000',
      duration_ms: 12.5,
      status: 'error',
      data: { input: { amount_cents: 12000 } },
      metadata: {},
      error: WAFT_DECLINE,
    };
    fs.writeFileSync(path.join(ws, 'svc', '_pyrite', 'analytics', 'traces', '2026-01-10.jsonl'), `${JSON.stringify(waftLine)}\n`);
    // OTLP: the Collector-style JSON lines written by the real OpenTelemetry JS SDK.
    const otlpDir = path.join(tmp, 'otlp');
    execFileSync(process.execPath, [path.join(FIXTURES_DIR, 'otlp_write.mjs'), otlpDir], { stdio: 'pipe' });
    fs.mkdirSync(path.join(ws, 'otel'));
    fs.copyFileSync(path.join(otlpDir, 'traces.jsonl'), path.join(ws, 'otel', 'checkout.otlp.jsonl'));

    // claude-flow in PostgreSQL, when a server is there.
    const settings: Record<string, unknown> = {};
    try {
      cf = await createClaudeFlowDatabase();
      const started = Date.now() - 30 * 60_000;
      await adminQuery(
        `INSERT INTO execution_traces (trace_id, skill_name, started_at, completed_at, total_duration_ms, status, steps, error_message, metadata)
         VALUES ($1, 'billing', $2, NOW(), 20, 'failed', $3, $4, '{}')`,
        [
          randomUUID(),
          utcIso(started),
          JSON.stringify([{ name: 'charge-card', timestamp: utcIso(started + 20), duration_ms: 20, status: 'failed', error_message: CF_DECLINE }]),
          CF_DECLINE,
        ],
        cf.url,
      );
      settings['spanlens.postgres.connections'] = [
        { name: 'claude-flow', url: cf.url },
        { name: 'offline', url: OFFLINE_URL },
      ];
      stores.push('claude-flow', 'offline');
    } catch (e) {
      console.warn(`[stores.e2e] no PostgreSQL server (${e instanceof Error ? e.message : String(e)}): the claude-flow part is skipped`);
      cf = undefined;
    }

    vs = await launch({ workspace: ws, name: 'stores', settings });
    page = vs.page;
    await openSpanlens(vs);
  });

  afterAll(async () => {
    await vs?.close();
    await cf?.drop().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the sidebar shows one store of each kind, each with its runs', async () => {
    await expect
      .poll(async () => (await treeItems(page, 'Runs')).filter((r) => r.level === 1).map((r) => r.label).sort(), { timeout: 45_000 })
      .toEqual([...stores].sort());
    const rows = await treeItems(page, 'Runs');
    // waft: named after its project folder, at the workspace's root (no folder to show).
    expect(storeRow(rows, 'svc')!.description).not.toMatch(/_pyrite/);
    expect(storeRow(rows, 'flujo_ops.db')!.description).toMatch(/^pipelines/);
    expect(storeRow(rows, 'checkout.otlp.jsonl')!.description).toMatch(/^otel/);
    if (cf) expect(storeRow(rows, 'claude-flow')!.description).toBe(`127.0.0.1:5432/${cf.database}`);

    // More than three stores: they start folded. Open each and see its runs (one at a time: the list is virtualized).
    const runsOf = async (label: string): Promise<string[]> => {
      await expandTreeRow(page, label, 'Runs');
      await expect
        .poll(async () => rowsUnder(await treeItems(page, 'Runs'), label).filter((r) => r.level === 2 && r.icon !== 'loading').length, { timeout: 30_000 })
        .toBeGreaterThan(0);
      return rowsUnder(await treeItems(page, 'Runs'), label)
        .filter((r) => r.level === 2)
        .map((r) => r.label);
    };
    expect(await runsOf('flujo_ops.db')).toContain('enrich_customers');
    await moveMouseAway(page);
    await vs.screenshot('stores-flujo-runs');
    await collapseTreeRow(page, 'flujo_ops.db', 'Runs');
    if (cf) {
      expect(await runsOf('claude-flow')).toContain('docker-build');
      await moveMouseAway(page);
      await vs.screenshot('stores-claude-flow-runs');
      await collapseTreeRow(page, 'claude-flow', 'Runs');
    }
    const waftRuns = await runsOf('svc');
    expect(waftRuns).toContain('pipeline.score_loans');
    expect(waftRuns).toContain('billing.charge');
    expect(waftRuns).toHaveLength(waft.runCount + 1);
    expect(await runsOf('checkout.otlp.jsonl')).toContain('checkout');
    await moveMouseAway(page);
    await vs.screenshot('stores-all-kinds');
  });

  test('the waft store shows how many lines it skipped', async () => {
    expect(waft.skippedLines).toBeGreaterThan(0);
    await expect
      .poll(async () => storeRow(await treeItems(page, 'Runs'), 'svc')?.description ?? '(no svc row)', { timeout: 20_000 })
      .toBe(`${waft.skippedLines} lines skipped`);
    // The hover says what that means.
    await storeRowLocator(page, 'svc').locator('.monaco-tl-contents').hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'torn or not JSON' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await hover.textContent()).toContain(`${waft.skippedLines} lines were torn or not JSON and were skipped`);
    await vs.screenshot('stores-waft-skipped-lines');
    await moveMouseAway(page);
  });

  test('a waft daily file that grows shows its new run and skipped line by itself', async () => {
    const day = path.join(tmp, 'workspace', 'svc', '_pyrite', 'analytics', 'traces', '2026-01-10.jsonl');
    const late = {
      trace_id: randomUUID(),
      span_id: randomUUID(),
      operation: 'late.job',
      layer: 'jobs',
      parent_span_id: null,
      timestamp: '2026-01-10T09:30:00.250000',
      duration_ms: 40,
      status: 'success',
      data: {},
      metadata: {},
      error: null,
    };
    // A merge conflict marker first (not JSON: skipped and counted), then the new span.
    fs.appendFileSync(day, `<<<<<<< HEAD\n${JSON.stringify(late)}\n`);
    await expect
      .poll(async () => rowsUnder(await treeItems(page, 'Runs'), 'svc').some((r) => r.level === 2 && r.label === 'late.job'), { timeout: 20_000 })
      .toBe(true);
    await expect
      .poll(async () => storeRow(await treeItems(page, 'Runs'), 'svc')?.description ?? '', { timeout: 10_000 })
      .toBe(`${waft.skippedLines + 1} lines skipped`);
    await moveMouseAway(page);
    await vs.screenshot('stores-waft-appended');
  });

  test('an unreachable PostgreSQL server is one error on its store; the other stores work', async () => {
    if (!cf) return;
    await expandTreeRow(page, 'offline', 'Runs');
    await expect
      .poll(async () => rowsUnder(await treeItems(page, 'Runs'), 'offline').map((r) => `${r.icon} ${r.label}`), { timeout: 30_000 })
      .toEqual([
        'warning Cannot reach PostgreSQL at 127.0.0.1:1 (connection refused) — is the server running? Refresh to retry',
        'gear Edit Connection in Settings…',
      ]);
    const rows = await treeItems(page, 'Runs');
    expect(storeRow(rows, 'offline')!.description).toBe('127.0.0.1:1/nothing_listens_here · cannot be read');
    expect(storeRow(rows, 'offline')!.icon).toBe('warning');
    expect(rowsUnder(rows, 'svc').filter((r) => r.level === 2).length).toBeGreaterThan(0);
    await moveMouseAway(page);
    await vs.screenshot('stores-postgres-unreachable');
    await collapseTreeRow(page, 'offline', 'Runs');
  });

  test('Set PostgreSQL Password… keeps the password in Secret Storage (not in settings or logs) and reopens the store', async () => {
    if (!cf) return;
    const secret = `e2e-${randomUUID()}`;
    // Like runCommand, but the command answers with a quick pick of its own (the widget stays up).
    await page.keyboard.press('F1');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.waitFor({ state: 'visible', timeout: 10_000 });
    await box.fill('>Spanlens: Set PostgreSQL Password');
    const options = page.locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]');
    await options.filter({ has: page.locator('[data-quick-input-id="spanlens.setPostgresPassword"]') }).first().click();
    await options.filter({ hasText: 'claude-flow' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await options.filter({ hasText: 'claude-flow' }).first().click();
    const input = page.locator('.quick-input-widget .quick-input-box input[type="password"]');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('.quick-input-widget').textContent()).toContain(`postgres@127.0.0.1:5432`);
    await vs.screenshot('stores-postgres-password-prompt');
    await input.fill(secret);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    // The store is read again (this server trusts local connections, so it still opens) …
    await expandTreeRow(page, 'claude-flow', 'Runs');
    await expect
      .poll(async () => rowsUnder(await treeItems(page, 'Runs'), 'claude-flow').filter((r) => r.level === 2 && r.label === 'docker-build').length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    await collapseTreeRow(page, 'claude-flow', 'Runs');
    // … and the password is nowhere in settings or in any log.
    const leaks: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (fs.readFileSync(p, 'utf8').includes(secret)) leaks.push(p);
      }
    };
    walk(path.join(vs.server.userDataDir, 'logs'));
    walk(path.join(vs.server.userDataDir, 'User'));
    expect(leaks).toEqual([]);
  });

  test('Find Similar Failures on a failed OTLP span lists the same failure in the other stores', async () => {
    // The failed checkout run (error icon) → its root → payment.charge.
    const rows = await treeItems(page, 'Runs');
    const failedRun = rowsUnder(rows, 'checkout.otlp.jsonl').find((r) => r.level === 2 && r.label === 'checkout' && r.icon === 'error');
    expect(failedRun, 'the failed checkout run is listed').toBeDefined();
    await expandTreeRow(page, new RegExp(`^\\s*checkout\\s*${escapeRe(failedRun!.description)}`), 'Runs');
    const pay = treeRowLocator(page, 'Runs').filter({ has: page.locator('.label-name', { hasText: /^\s*payment\.charge\s*$/ }) }).first();
    await pay.waitFor({ state: 'visible', timeout: 15_000 });
    await contextMenu(page, pay, 'Find Similar Failures');

    await expect
      .poll(async () => (await quickPickRows(page)).join('\n'), { timeout: 30_000 })
      .toMatch(/billing\.charge/);
    const picks = await quickPickRows(page);
    const waftRow = picks.find((p) => p.includes('billing.charge') && p.includes('svc'));
    expect(waftRow, `a match from the waft store; rows: ${picks.join(' | ')}`).toBeDefined();
    // 'Error: card declined: insufficient funds for <num> cents' vs the same without 'Error': 7 of 8 words.
    expect(waftRow).toMatch(/\b88%/);
    if (cf) expect(picks.some((p) => p.includes('charge-card') && p.includes('claude-flow')), `a match from claude-flow; rows: ${picks.join(' | ')}`).toBe(true);
    // Not the span it started from.
    expect(picks.some((p) => p.includes('payment.charge'))).toBe(false);
    const title = (await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
    expect(title).toContain(OTLP_DECLINE);
    await vs.screenshot('stores-find-similar-quickpick');

    // Picking the waft match opens its span's details.
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]').filter({ hasText: 'billing.charge' }).first().click();
    await waitForTab(page, 'Span: billing.charge', 20_000);
    const frame = await webviewFrame(page, 'Span: billing.charge');
    await expect.poll(() => frame.locator('[data-testid=span-name]').textContent(), { timeout: 15_000 }).toBe('billing.charge');
    expect(await frame.locator('[data-testid=error-message]').textContent()).toContain(WAFT_DECLINE);
    await moveMouseAway(page);
    await vs.screenshot('stores-find-similar-opened');
  });

  test('the Span Details button finds the OTLP payment failure from the waft span', async () => {
    const frame = await webviewFrame(page, 'Span: billing.charge');
    const button = frame.locator('[data-testid=find-similar]');
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await button.click();
    await expect
      .poll(async () => (await quickPickRows(page)).join('\n'), { timeout: 30_000 })
      .toMatch(/payment\.charge/);
    const picks = await quickPickRows(page);
    expect(picks.find((p) => p.includes('payment.charge'))).toContain('checkout.otlp.jsonl');
    expect(picks.some((p) => p.includes('billing.charge'))).toBe(false);
    await vs.screenshot('stores-find-similar-from-details');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  });

  test('Open Trace Store… offers a file, a folder, or a PostgreSQL connection', async () => {
    // F1 from a neutral spot: the focus may still be in the Span Details webview.
    await page.locator('.part.statusbar').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('F1');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.waitFor({ state: 'visible', timeout: 10_000 });
    await box.fill('>Spanlens: Open Trace Store');
    const options = page.locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]');
    await options.filter({ has: page.locator('[data-quick-input-id="spanlens.openStore"]') }).first().click();
    await expect.poll(async () => (await quickPickRows(page)).join('\n'), { timeout: 10_000 }).toMatch(/Connect to PostgreSQL/);
    const rows = await quickPickRows(page);
    // aria-labels start with the codicon's name: "file  Trace File…, A Flujo …".
    expect(rows.map((r) => r.split(',')[0]!.replace(/^\S+\s+/, '').trim())).toEqual(['Trace File…', 'Folder…', 'Connect to PostgreSQL…']);
    await vs.screenshot('stores-open-trace-store');
    await page.keyboard.press('Escape');
  });

  test('Spanlens logged no unexpected errors', async () => {
    const inConsole = vs.consoleErrors.filter((e) => /extensions[/\\]spanlens\.spanlens-/i.test(e));
    expect(inConsole).toEqual([]);
  });
});
