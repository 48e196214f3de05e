// An LLM conversation in real VS Code (code-server in Chromium): an OTLP file written by OpenLLMetry
// JS (@traceloop/instrumentation-openai) around the real openai client talking to a local fake
// OpenAI server (test/fixtures/llm_write.mjs): a chat call answered with a tool call, then a call
// with the tool's result answered in markdown. The Runs view marks the calls (model, tokens) and
// the run's totals; Span Details shows the conversation turn by turn, and loads a 30,000-character
// prompt (another recorded call) whole only when asked.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  closeAndRemove,
  expandTreeRow,
  FIXTURES_DIR,
  launch,
  moveMouseAway,
  openSearch,
  openSpanlens,
  pickerRows,
  screenshotFailures,
  treeItems,
  treeRowLocator,
  waitForTab,
  webviewFrame,
  type VscodeSession,
} from './harness';

interface LlmManifest {
  files: Record<string, string>;
  system: string;
  question: string;
  toolResult: string;
  answer: string;
  longLength: number;
}

describe('an LLM conversation in the Runs view and Span Details', () => {
  let vs: VscodeSession | undefined;
  let page: Page;
  let tmp: string | undefined;
  let m: LlmManifest;
  let ws: string;
  screenshotFailures('llm', () => vs);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-e2e-llm-'));
    execFileSync(process.execPath, [path.join(FIXTURES_DIR, 'llm_write.mjs'), path.join(tmp, 'out')], { stdio: 'pipe' });
    m = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'manifest.json'), 'utf8')) as LlmManifest;
    ws = path.join(tmp, 'workspace');
    fs.mkdirSync(ws);
    fs.copyFileSync(m.files['openllmetry']!, path.join(ws, 'weather.otlp.jsonl'));
    fs.copyFileSync(m.files['long']!, path.join(ws, 'report.otlp.jsonl'));
    vs = await launch({ workspace: ws, name: 'llm' });
    page = vs.page;
    await openSpanlens(vs);
  });

  afterAll(async () => {
    await closeAndRemove(vs, tmp);
  });

  test('the run shows its LLM totals and each call its model and tokens', async () => {
    // A wider sidebar, so the rows' descriptions show whole in the screenshot.
    const sash = await page.locator('.part.sidebar').boundingBox();
    if (sash) {
      await page.mouse.move(sash.x + sash.width + 1, sash.y + sash.height / 2);
      await page.mouse.down();
      await page.mouse.move(sash.x + sash.width + 280, sash.y + sash.height / 2, { steps: 5 });
      await page.mouse.up();
    }
    await expect
      .poll(async () => (await treeItems(page, 'Runs')).filter((r) => r.level === 2).map((r) => r.label).sort(), { timeout: 45_000 })
      .toEqual(['report-summarizer', 'weather-bot-openllmetry']);
    await expandTreeRow(page, 'weather-bot-openllmetry', 'Runs');
    await expandTreeRow(page, 'agent.turn', 'Runs');
    // The run's row learns its totals once its spans are read.
    await expect
      .poll(async () => (await treeItems(page, 'Runs')).find((r) => r.label === 'weather-bot-openllmetry')?.description ?? '', { timeout: 20_000 })
      .toMatch(/ · 2 LLM calls · 205 tok$/);
    const calls = (await treeItems(page, 'Runs')).filter((r) => r.label === 'chat gpt-4o-mini');
    expect(calls.map((r) => r.description.replace(/^[^·]+· /, ''))).toEqual(['gpt-4o-mini-2024-07-18 · 88 tok', 'gpt-4o-mini-2024-07-18 · 117 tok']);
    await moveMouseAway(page);
    await vs!.screenshot('llm-runs-view');
  });

  test('Span Details shows the conversation: system, user, the tool call, its result, the answer', async () => {
    await treeRowLocator(page, 'Runs').filter({ hasText: '117 tok' }).first().locator('.monaco-tl-contents').click();
    await waitForTab(page, 'Span: chat gpt-4o-mini');
    const frame = await webviewFrame(page, 'Span: chat gpt-4o-mini');
    const turns = frame.locator('[data-testid=llm-turn]');
    await expect.poll(() => turns.evaluateAll((els) => els.map((e) => e.getAttribute('data-role'))), { timeout: 15_000 }).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(await turns.nth(0).locator('[data-testid=llm-turn-text]').innerText()).toBe(m.system.replace(/\*\*/g, ''));
    expect(await turns.nth(1).locator('[data-testid=llm-turn-text]').innerText()).toBe(m.question);
    expect(await turns.nth(2).locator('[data-testid=llm-tool-call]').getAttribute('data-tool')).toBe('get_weather');
    expect(JSON.parse(await turns.nth(2).locator('[data-testid=llm-tool-arguments]').innerText())).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(JSON.parse(await turns.nth(3).locator('[data-testid=llm-turn-text]').innerText())).toEqual(JSON.parse(m.toolResult));
    // Markdown as structure: **18 °C** in bold, "- take a light jacket" a list item.
    const answer = turns.nth(4);
    expect(await answer.locator('strong').first().innerText()).toBe('18 °C');
    expect(await answer.locator('li').innerText()).toBe('take a light jacket');
    expect(await frame.locator('[data-testid=llm-model]').innerText()).toBe('gpt-4o-mini-2024-07-18');
    expect(await frame.locator('[data-testid=llm-tokens-total]').innerText()).toBe('117');
    await moveMouseAway(page);
    await vs!.screenshot('llm-span-details-conversation');
    await answer.scrollIntoViewIfNeeded();
    await vs!.screenshot('llm-span-details-answer');
  });

  test('a 30,000-character prompt comes folded and loads whole on Show all', async () => {
    await expandTreeRow(page, 'report-summarizer', 'Runs');
    await expandTreeRow(page, /^\s*agent\.turn/, 'Runs');
    // Both stores' calls are listed (the report's first) once the report's run is read.
    const calls = treeRowLocator(page, 'Runs').filter({ hasText: /chat gpt-4o-mini.*117 tok/ });
    await expect.poll(() => calls.count(), { timeout: 15_000 }).toBe(2);
    await calls.first().locator('.monaco-tl-contents').click();
    const frame = await webviewFrame(page, 'Span: chat gpt-4o-mini');
    const user = frame.locator('[data-testid=llm-turn][data-role=user]');
    await expect.poll(() => user.locator('[data-testid=llm-turn-text]').innerText(), { timeout: 15_000 }).toMatch(/^Summarize this document:/);
    expect((await user.locator('[data-testid=llm-turn-text]').innerText()).length).toBeLessThan(600);
    const button = user.locator('button', { hasText: `Show all (${m.longLength.toLocaleString('en-US')} characters)` });
    await button.click();
    // The host sends the rest (turnText); the turn shows it all, its last line included.
    await expect.poll(() => user.locator('[data-testid=llm-turn-text]').innerText(), { timeout: 15_000 }).toMatch(/END OF DOCUMENT$/);
    expect(await user.locator('button', { hasText: 'Show less' }).count()).toBe(1);
    await user.locator('button', { hasText: 'Show less' }).scrollIntoViewIfNeeded();
    await moveMouseAway(page);
    await vs!.screenshot('llm-span-details-long-loaded');
  });

  test('Search Traces finds completion text and filters on llm.total_tokens', async () => {
    await openSearch(page);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('"light jacket" is:span');
    await expect.poll(async () => (await pickerRows(page))[0] ?? '', { timeout: 20_000 }).toMatch(/^Spans — 2\b/);
    // The matched text is shown from the message itself, not the instrumentation's escaped JSON.
    const rows = (await pickerRows(page)).slice(1);
    expect(rows.every((l) => /^chat gpt-4o-mini .*cloudy in Paris\. - take a ⟦light jacket⟧/.test(l)), rows.join('\n')).toBe(true);
    await moveMouseAway(page);
    await vs!.screenshot('llm-search-text');
    await input.fill('attr.llm.total_tokens<100');
    await expect.poll(async () => (await pickerRows(page))[0] ?? '', { timeout: 20_000 }).toMatch(/^Spans — 1\b/);
    expect((await pickerRows(page))[1]).toMatch(/⟦88⟧/);
    await page.keyboard.press('Escape');
  });

  test('spanlens.llm.hideContent hides the messages, live; roles, the tool call and tokens stay', async () => {
    // The weather conversation again: the second call of its run (the report's call is listed first).
    await treeRowLocator(page, 'Runs').filter({ hasText: /chat gpt-4o-mini.*117 tok/ }).last().locator('.monaco-tl-contents').click();
    const frame = await webviewFrame(page, 'Span: chat gpt-4o-mini');
    const details = frame.locator('[data-testid=span-details]');
    await expect.poll(() => details.innerText(), { timeout: 15_000 }).toContain('take a light jacket');
    // A workspace setting, as a user's edit of .vscode/settings.json makes it.
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'spanlens.llm.hideContent': true }));
    await expect.poll(() => frame.locator('[data-testid=llm-content-hidden]').count(), { timeout: 20_000 }).toBe(1);
    const hidden = await details.innerText();
    expect(hidden).not.toContain('Paris');
    expect(hidden).not.toContain('jacket');
    const turns = frame.locator('[data-testid=llm-turn]');
    expect(await turns.evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(await frame.locator('[data-testid=llm-tool-call]').getAttribute('data-tool')).toBe('get_weather');
    expect(await frame.locator('[data-testid=llm-tokens-total]').innerText()).toBe('117');
    await moveMouseAway(page);
    await vs!.screenshot('llm-span-details-content-hidden');
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), '{}');
    await expect.poll(() => details.innerText(), { timeout: 20_000 }).toContain('take a light jacket');
  });
});
