// The OTLP/HTTP receiver in real VS Code: started from the Command Palette, a small app
// instrumented with the real OpenTelemetry JS SDK exports to it (test/fixtures/otlp_app.mjs),
// and its traces appear in the Runs view by themselves — the failed one with its exception in
// Span Details. Then stopped from the palette.
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  closeAndRemove,
  FIXTURES_DIR,
  launch,
  makeWorkspace,
  openSpanlens,
  runCommand,
  runContextMenuItem,
  screenshotFailures,
  treeItems,
  treeRow,
  treeRowLocator,
  waitForTab,
  webviewFrame,
  type VscodeSession,
} from './harness';

const APP = path.join(FIXTURES_DIR, 'otlp_app.mjs');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function runApp(url: string, args: string[]): Promise<{ traceIds: string[]; failedTraceId?: string; exportFailures: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [APP, '--url', url, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim())),
    );
  });
}

describe('OTLP receiver in VS Code', () => {
  let vs: VscodeSession | undefined;
  let ws: string | undefined;
  let port = 0;
  let failedTraceId = '';
  screenshotFailures('receiver', () => vs);

  beforeAll(async () => {
    port = await freePort();
    ws = makeWorkspace({ 'app/README.md': '# an instrumented app\n' });
    vs = await launch({ workspace: ws, name: 'receiver', settings: { 'spanlens.receiver.port': port } });
    await openSpanlens(vs);
  });

  afterAll(async () => closeAndRemove(vs, ws));

  test('Start OTLP Receiver from the palette: status bar shows the port', async () => {
    const { page } = vs!;
    await runCommand(page, 'Spanlens: Start OTLP Receiver');
    const item = page.locator('.statusbar-item', { hasText: `OTLP :${port}` });
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await item.textContent()).toContain('0 spans');
    await vs!.screenshot('receiver-started');
  });

  test("an instrumented app's traces appear in the Runs view as they arrive", async () => {
    const { page } = vs!;
    const sent = Date.now();
    const app = await runApp(`http://127.0.0.1:${port}/v1/traces`, ['--fail', '--traces', '3', '--spans', '4', '--service', 'checkout']);
    expect(app.exportFailures).toBe(0);
    failedTraceId = app.failedTraceId!;
    // The store (the workspace's .spanlens/otlp) shows, expanded, with the three traces.
    await expect
      .poll(async () => (await treeItems(page, 'Runs', { timeoutMs: 2000 }).catch(() => [])).filter((r) => r.level === 2 && r.label === 'checkout').length, {
        timeout: 15_000,
        interval: 100,
      })
      .toBe(3);
    const listedAfterMs = Date.now() - sent;
    console.log(`receiver e2e: traces listed ${listedAfterMs} ms after the app started exporting`);
    const rows = await treeItems(page, 'Runs');
    expect(rows.find((r) => r.level === 1)?.label).toBe('otlp');
    await page.locator('.statusbar-item', { hasText: `OTLP :${port} · 12 spans` }).waitFor({ state: 'visible', timeout: 10_000 });
    await vs!.screenshot('receiver-traces-listed');
  });

  test('the failed trace opens to its failed span, with the exception in Span Details', async () => {
    const { page } = vs!;
    const rows = await treeItems(page, 'Runs');
    const failed = rows.filter((r) => r.level === 2 && r.label === 'checkout' && r.icon === 'error');
    expect(failed, JSON.stringify(rows)).toHaveLength(1);
    const failedRow = treeRowLocator(page, 'Runs').filter({ has: page.locator('.custom-view-tree-node-item-icon.codicon-error') }).filter({ hasText: 'checkout' }).first();
    await failedRow.locator('.monaco-tl-twistie').click();
    const charge = treeRow(page, /payment\.charge/).first();
    await charge.waitFor({ state: 'visible', timeout: 15_000 });
    await charge.locator('.monaco-tl-contents').click();
    await waitForTab(page, 'Span: payment.charge');
    const frame = await webviewFrame(page, 'Span: payment.charge');
    await frame.getByText('card declined: insufficient funds').first().waitFor({ state: 'visible', timeout: 15_000 });
    await vs!.screenshot('receiver-failed-span-details');
  });

  test("a received trace opens in the Trace Timeline, and grows there as more of it arrives", async () => {
    const { page } = vs!;
    const failedRow = treeRowLocator(page, 'Runs').filter({ has: page.locator('.custom-view-tree-node-item-icon.codicon-error') }).filter({ hasText: 'checkout' }).first();
    await runContextMenuItem(page, failedRow, 'Open Trace Timeline');
    const tab = page.locator('.part.editor .tab', { hasText: /^Timeline: checkout/ }).first();
    await tab.waitFor({ state: 'visible', timeout: 20_000 });
    const title = ((await tab.getAttribute('aria-label')) ?? '').split(',')[0]!.trim();
    const frame = await webviewFrame(page, title);
    await expect.poll(() => frame.locator('.tl-row:not([hidden]) .tl-name').allTextContents(), { timeout: 20_000 }).toContain('payment.charge');
    expect(await frame.locator('.tl-row', { hasText: 'payment.charge' }).locator('.tl-err').textContent()).toContain('card declined');
    // A late span of the same trace (a worker that reports after the request ended) joins it live.
    const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
    const late = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ scope: { name: 'worker' }, spans: [{ traceId: failedTraceId, spanId: 'feedfacecafebeef', name: 'late.audit', kind: 1, startTimeUnixNano: nowNs, endTimeUnixNano: nowNs }] }] }] });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(late);
    });
    expect(status).toBe(200);
    await expect.poll(() => frame.locator('.tl-row:not([hidden]) .tl-name').allTextContents(), { timeout: 15_000 }).toContain('late.audit');
    await vs!.screenshot('receiver-timeline');
  });

  test('Stop OTLP Receiver: the status bar item goes, the traces stay', async () => {
    const { page } = vs!;
    await runCommand(page, 'Spanlens: Stop OTLP Receiver');
    await page.locator('.statusbar-item', { hasText: `OTLP :${port}` }).waitFor({ state: 'hidden', timeout: 15_000 });
    const rows = await treeItems(page, 'Runs');
    expect(rows.filter((r) => r.level === 2 && r.label === 'checkout')).toHaveLength(3);
    await vs!.screenshot('receiver-stopped');
  });
});
