// Restricted Mode, in real VS Code with workspace trust on (code-server in Chromium): a folder
// that is not trusted holds a Flujo store, a second store that only its settings' storeGlobs
// find, and a claude-flow PostgreSQL connection in its settings. Untrusted, Spanlens reads the
// stores it finds by itself (a damaged store beside them shows its one-line error on its own node,
// a FIFO in a waft folder is left out and counted on the store)
// and says in the Runs view what the folder's settings ask that it
// does not do; once the folder is trusted, the other two stores appear.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClaudeFlowDatabase, type ClaudeFlowFixture } from '../fixtures/claudeflow';
import { craftWal, waftSpan, writeWaft } from '../unit/robust/stores';
import { FIXTURES_DIR, launch, openSpanlens, PYTHON, screenshotFailures, treeItems, type TreeRowInfo, type VscodeSession } from './harness';

const NOTICE = /^Restricted Mode: PostgreSQL connections and extra store globs from this folder's settings are not used/;

function labels(rows: TreeRowInfo[]): string[] {
  return rows.filter((r) => r.level === 1).map((r) => r.label);
}

async function waitForRows(page: Page, ok: (rows: TreeRowInfo[]) => boolean, timeoutMs = 30_000): Promise<TreeRowInfo[]> {
  const t0 = Date.now();
  let rows: TreeRowInfo[] = [];
  while (Date.now() - t0 < timeoutMs) {
    rows = await treeItems(page, 'Runs').catch(() => []);
    if (ok(rows)) return rows;
    await page.waitForTimeout(300);
  }
  throw new Error(`Runs view never matched; last rows: ${JSON.stringify(labels(rows))}`);
}

describe('Restricted Mode (workspace trust on, folder not trusted)', () => {
  let vs: VscodeSession | undefined;
  let tmp: string;
  let cf: ClaudeFlowFixture;
  screenshotFailures('restricted', () => vs);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-e2e-restricted-'));
    const ws = path.join(tmp, 'workspace');
    fs.mkdirSync(path.join(ws, 'pipelines'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'archive'), { recursive: true });
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    execFileSync(PYTHON, [path.join(FIXTURES_DIR, 'flujo_store.py'), path.join(ws, 'pipelines', 'flujo_ops.db'), '--seed', '7'], { stdio: 'pipe' });
    // A damaged store beside it: its -wal's commit claims 4 billion pages (refused as corrupt, one line on its node).
    fs.mkdirSync(path.join(ws, 'broken'));
    const brokenDb = path.join(ws, 'broken', 'flujo_ops.db');
    execFileSync(PYTHON, [path.join(FIXTURES_DIR, 'flujo_store.py'), brokenDb, '--seed', '9', '--wal-runs', '0'], { stdio: 'pipe' });
    fs.rmSync(`${brokenDb}-wal`, { force: true });
    // A waft project whose traces folder holds a FIFO named like a daily file: left out, the folder reads on.
    const traces = writeWaft(path.join(ws, 'svc'), [waftSpan()]);
    execFileSync('mkfifo', [path.join(traces, '2026-01-08.jsonl')]);
    fs.writeFileSync(`${brokenDb}-wal`, craftWal(4096, [{ pgno: 1, dbSize: 0xffffffff, page: fs.readFileSync(brokenDb).subarray(0, 4096) }]));
    // Only the folder's storeGlobs find this one: its name is not one Spanlens looks for.
    execFileSync(PYTHON, [path.join(FIXTURES_DIR, 'flujo_store.py'), path.join(ws, 'archive', 'old-runs.db'), '--seed', '8'], { stdio: 'pipe' });
    cf = await createClaudeFlowDatabase();
    fs.writeFileSync(
      path.join(ws, '.vscode', 'settings.json'),
      JSON.stringify({ 'spanlens.storeGlobs': ['archive/*.db'], 'spanlens.postgres.connections': [{ name: 'claude-flow', url: cf.url }] }, null, 2),
    );
    vs = await launch({ workspace: ws, name: 'restricted', workspaceTrust: true });
    await openSpanlens(vs);
  }, 180_000);

  afterAll(async () => {
    await vs?.close();
    await cf?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('untrusted: the store found by itself is read; the notice says what the settings ask that is held back', async () => {
    const page = vs!.page;
    const rows = await waitForRows(page, (r) => labels(r).includes('flujo_ops.db') && labels(r).some((l) => NOTICE.test(l)));
    await vs!.screenshot('restricted-untrusted');
    expect(labels(rows)[0]).toMatch(NOTICE);
    expect(labels(rows)).not.toContain('claude-flow');
    expect(labels(rows)).not.toContain('old-runs.db');
    // The store it reads works as anywhere; the damaged one says so on its own node, in one line.
    const flujo = rows.find((r) => r.label === 'flujo_ops.db' && /^pipelines/.test(r.description ?? ''))!;
    expect(flujo.description ?? '').not.toMatch(/cannot be read/);
    // Both stores read (each on its own schedule): the damaged one's line, and the good one's runs.
    const broken = await waitForRows(
      page,
      (r) => r.some((x) => x.level === 2 && /database is corrupt: its -wal's last commit says the database has 4294967295 pages/.test(x.label)) && r.filter((x) => x.level === 2).length > 5,
    );
    expect(broken.find((r) => r.level === 1 && /^broken/.test(r.description ?? ''))!.description).toMatch(/cannot be read/);
    expect(broken.filter((r) => r.level === 2).length).toBeGreaterThan(5); // the good store's runs are listed
    await vs!.screenshot('restricted-broken-store');
    const svc = await waitForRows(page, (r) => r.some((x) => x.level === 1 && x.label === 'svc' && /1 file left out/.test(x.description ?? '')));
    expect(svc.find((r) => r.label === 'svc')!.description).not.toMatch(/cannot be read/);
  });

  test('trusting the folder (from the notice) brings the held-back stores in, and the notice goes', async () => {
    const page = vs!.page;
    await page.locator('.monaco-list-row', { hasText: 'Restricted Mode' }).first().click();
    // The Workspace Trust editor opens; its Trust button trusts the folder.
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ state: 'visible', timeout: 20_000 });
    await vs!.screenshot('restricted-trust-editor');
    await trust.click();
    // VS Code may ask to reload; code-server applies trust in place (the extension hears onDidGrantWorkspaceTrust).
    const rows = await waitForRows(page, (r) => labels(r).includes('claude-flow') && labels(r).includes('old-runs.db'), 60_000);
    await vs!.screenshot('restricted-trusted');
    expect(labels(rows).some((l) => NOTICE.test(l))).toBe(false);
    expect(labels(rows)).toEqual(expect.arrayContaining(['flujo_ops.db', 'old-runs.db', 'claude-flow']));
  });
});
