// End-to-end harness: REAL VS Code (code-server 4.139.1 = VS Code 1.139.1) in real Chromium,
// driven by playwright-core. Installed by scripts/vscode-web/setup.mjs (vitest.e2e.config.ts runs
// it as globalSetup); code-server is started by scripts/vscode-web/server.mjs.
//
//   const vs = await launch({ workspace });          // the repo's extension (package.json + dist/)
//   await openViewContainer(vs.page, 'Spanlens');
//   expect(await treeRows(vs.page, 'Runs')).toContain('run alpha 2 spans');
//   await vs.screenshot('runs');                      // test-results/e2e/runs.png
//   await vs.close();
//
// DOM facts relied on (checked against code-server 4.139.1 / VS Code 1.139.1, Chromium 156):
// - The workbench root is `.monaco-workbench`; it appears ~8–10 s after page.goto on this 2-core
//   machine (cold browser cache), the extension host has run `onStartupFinished` extensions ~8 s later.
// - Activity bar: `.part.activitybar li.action-item[role="tab"]` with a child `a.action-label`
//   whose aria-label is the container's title ("Spanlens"; built-ins add their keybinding:
//   "Explorer (Ctrl+Shift+E)"). The <li> carries aria-selected="true" when its container is open.
//   Clicking the item of the OPEN container closes the sidebar: openViewContainer() checks first.
// - Sidebar: `.part.sidebar` (data-active-composite="workbench.view.extension.<containerId>").
//   Each view is a `.pane` whose `.pane-header h3.title` is the view's name; a container with a
//   single view hides that header (`.pane.merged-header`, header has class `hidden`) but keeps
//   the <h3> in the DOM, and the sidebar title becomes "Container: View".
// - A TreeView is `.monaco-list[role="tree"][aria-label="<view name>"]`; rows are
//   `.monaco-list-row[role="treeitem"]` with aria-label "<label> <description>", aria-expanded
//   ("true"/"false", absent on leaves), aria-level; label in `.label-name`, description in
//   `.label-description`; the expand arrow is `.monaco-tl-twistie` (classes collapsible/collapsed).
//   Lists are virtualized: only rows scrolled into view exist in the DOM.
// - Command palette (F1): `.quick-input-widget`, its input `.quick-input-box input` (value starts
//   with ">"); rows `.quick-input-list .monaco-list-row[role="option"]`, aria-label = the command's
//   "Category: Title", and the entry inside has data-quick-input-id="<command id>".
// - Notifications: toasts are `.notifications-toasts .notification-toast`, message text in
//   `.notification-list-item-message`; the row's aria-label reads
//   "Info: <message>, source: <extension displayName>, notification…". Toasts hide by themselves
//   after a while (wait for them right after the action that shows them).
// - Editor tabs: `.part.editor .tabs-container .tab[role="tab"]`, aria-label = tab title,
//   class `active` on the visible one; webview panels have data-resource-name="webview-<viewType>-<uuid>".
// - Webviews are NOT inside the editor or pane DOM: each is an `iframe.webview` (class `ready`
//   once loaded; src has `extensionId=<publisher.name>`; no title attribute) in a fixed-position
//   overlay `div.webview-overlay-content` laid over the element it belongs to. Inside it, the
//   extension's HTML lives in a second iframe, `iframe#active-frame` (its name attribute stays
//   "pending-frame"). A hidden panel without retainContextWhenHidden has no iframe at all.
//   webviewFrame() therefore finds the webview by geometry: the visible `iframe.webview` that
//   covers the editor group / pane showing the given title.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { writeDemoWorkspace, type DemoManifest, type DemoWorkspaceOptions } from '../../scripts/demo-workspace.mjs';
import { getPaths } from '../../scripts/vscode-web/paths.mjs';
import { startCodeServer, type CodeServer } from '../../scripts/vscode-web/server.mjs';
import { formatStart } from '../../src/model/format';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');
/** The fixture generators the unit tests use too (flujo_store.py, waft_store.py, otlp_write.mjs, …). */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures');
/** The Python that runs the fixture generators and append_run.py: $PYTHON, else python3. */
export const PYTHON = process.env.PYTHON ?? 'python3';
/** A live SQLite writer for a demo store (test/e2e/append_run.py): appends or finishes a run. */
export const APPEND_RUN = fileURLToPath(new URL('./append_run.py', import.meta.url));

import { CHROMIUM_ARGS } from './chromium';
export { CHROMIUM_ARGS };

export interface LaunchOptions {
  /** Folder VS Code opens. */
  workspace: string;
  /** User settings, merged over server.mjs's QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Extension folder(s) to load; default: the repo root (package.json + dist/, run `npm run build` first). */
  extensionPath?: string | string[];
  /** Names this session's logs in test-results/e2e/logs/; default session-<n>. */
  name?: string;
  viewport?: { width: number; height: number };
  /** Extra environment for code-server and the extension host. */
  env?: Record<string, string>;
  /** Show the browser (needs a display). Default: SPANLENS_E2E_HEADED=1. */
  headed?: boolean;
  /** How long to wait for `.monaco-workbench` (default 90 s). */
  timeoutMs?: number;
  /** Workspace trust on (default off, as QUIET_SETTINGS has it): the folder opens in Restricted Mode. */
  workspaceTrust?: boolean;
}

export interface VscodeSession {
  page: Page;
  browser: Browser;
  context: BrowserContext;
  server: CodeServer;
  /** Saves test-results/e2e/NAME.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Waits until the extension host has activated `extensionId` (default: the first launched extension). */
  waitForActivation(extensionId?: string, timeoutMs?: number): Promise<void>;
  /** Browser console errors and page errors seen so far. */
  consoleErrors: string[];
  /** Closes the browser, stops code-server (whole process group), keeps logs in test-results/e2e/logs/. */
  close(): Promise<void>;
}

let sessionCount = 0;

export async function launch(opts: LaunchOptions): Promise<VscodeSession> {
  const name = sanitize(opts.name ?? `session-${++sessionCount}`);
  const logsDir = path.join(RESULTS_DIR, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const extensionPaths = [opts.extensionPath ?? REPO_ROOT].flat();
  const extensionIds = extensionPaths.map(extensionIdOf);
  const paths = getPaths();

  const server = await startCodeServer({
    extensionPath: extensionPaths,
    workspace: opts.workspace,
    settings: opts.settings,
    env: opts.env,
    workspaceTrust: opts.workspaceTrust,
    logFile: path.join(logsDir, `${name}-code-server.log`),
  });

  let browser: Browser | undefined;
  const consoleErrors: string[] = [];
  try {
    browser = await chromium.launch({
      executablePath: paths.chromium,
      args: CHROMIUM_ARGS,
      headless: !(opts.headed ?? process.env.SPANLENS_E2E_HEADED === '1'),
    });
    // A new context = a fresh, throw-away browser profile (no state from earlier sessions).
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));

    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: opts.timeoutMs ?? 90_000 });
    await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 30_000 });

    const b = browser;
    let closed = false;
    const session: VscodeSession = {
      page,
      browser: b,
      context,
      server,
      consoleErrors,
      screenshot: (shot) => screenshot(page, shot),
      waitForActivation: (id = extensionIds[0], timeoutMs = 60_000) => waitForActivation(server, id, timeoutMs),
      close: async () => {
        if (closed) return;
        closed = true;
        await b.close().catch(() => {});
        copyExtHostLogs(server, path.join(logsDir, `${name}-exthost`), extensionIds);
        if (consoleErrors.length) fs.writeFileSync(path.join(logsDir, `${name}-console-errors.log`), consoleErrors.join('\n') + '\n');
        await server.stop();
      },
    };
    return session;
  } catch (e) {
    await browser?.close().catch(() => {});
    copyExtHostLogs(server, path.join(logsDir, `${name}-exthost`));
    await server.stop();
    throw e;
  }
}

// ------------------------------------------------------------------------------------------------
// Screenshots, logs, activation

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${sanitize(name)}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The extension host's log of this server (`<user-data>/logs/<stamp>/exthost1/remoteexthost.log`), or ''. */
export function extHostLog(server: CodeServer): string {
  return findFiles(path.join(server.userDataDir, 'logs'), (f) => /exthost\d*[/\\]remoteexthost\.log$/.test(f))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

/**
 * What an extension wrote to its own log output channel(s) (`createOutputChannel(name, { log: true })`):
 * `<user-data>/logs/<stamp>/exthost1/<extensionId>/<Name>.log`, or ''.
 */
export function extensionLog(server: CodeServer, extensionId: string): string {
  const dir = new RegExp(`exthost\\d*[/\\\\]${escapeRe(extensionId.toLowerCase())}[/\\\\][^/\\\\]+\\.log$`, 'i');
  return findFiles(path.join(server.userDataDir, 'logs'), (f) => dir.test(f))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

export interface LogEntry {
  level: string;
  /** The entry's first line after the level, and any continuation lines (a stack). */
  text: string;
}

/** Entries of a VS Code log ("2026-11-22 04:53:56.300 [error] message" + continuation lines). */
export function logEntries(log: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of log.split('\n')) {
    const m = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[(\w+)\] ?(.*)$/.exec(line);
    if (m) out.push({ level: m[1]!, text: m[2]! });
    else if (out.length && line.trim()) out[out.length - 1]!.text += `\n${line}`;
  }
  return out;
}

/**
 * Waits until the extension host logs that it activated `extensionId`
 * ("ExtensionService#_doActivateExtension <id>, startup: …, activationEvent: '…'").
 * Fails early, with the logged error, when activation fails ("Activating extension <id> failed…").
 */
export async function waitForActivation(server: CodeServer, extensionId: string, timeoutMs = 60_000): Promise<void> {
  const id = extensionId.toLowerCase();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = extHostLog(server);
    const lower = log.toLowerCase();
    const failedAt = lower.indexOf(`activating extension ${id} failed`);
    if (failedAt >= 0) {
      throw new Error(`extension ${extensionId} failed to activate:\n${log.slice(failedAt, failedAt + 2000)}`);
    }
    // The activation line is written before activate() runs; the failure line follows when it throws.
    // Seeing the line and no failure within a short grace period counts as activated.
    if (lower.includes(`_doactivateextension ${id},`)) {
      await sleep(500);
      const again = extHostLog(server).toLowerCase();
      const failed = again.indexOf(`activating extension ${id} failed`);
      if (failed >= 0) throw new Error(`extension ${extensionId} failed to activate:\n${extHostLog(server).slice(failed, failed + 2000)}`);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`extension ${extensionId} was not activated within ${timeoutMs} ms (no activation line in the extension host log; check its activationEvents)`);
    }
    await sleep(250);
  }
}

// ------------------------------------------------------------------------------------------------
// Commands, views, trees

/**
 * Runs a command through the command palette, like a person: F1, type, pick the entry.
 * `command` is either the palette label ("Spanlens: Refresh", matched exactly) or a command id
 * ("spanlens.refresh", matched on the entry's data-quick-input-id).
 */
export async function runCommand(page: Page, command: string, { timeoutMs = 15_000 } = {}): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await page.keyboard.press('F1');
  try {
    await input.waitFor({ state: 'visible', timeout: 3000 });
  } catch {
    // Focus may sit where F1 does not reach; click a neutral spot (status bar) and retry.
    await page.locator('.part.statusbar').click({ position: { x: 2, y: 2 } }).catch(() => {});
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
  }
  const isId = /^[\w-]+(\.[\w-]+)+$/.test(command);
  // The palette filters on labels; for an id, type the id (VS Code also matches command ids).
  await input.fill(`>${command}`);
  const rows = widget.locator('.quick-input-list .monaco-list-row[role="option"]');
  const row = isId
    ? rows.filter({ has: page.locator(`[data-quick-input-id="${cssEscape(command)}"]`) })
    : rows.filter({ has: page.locator('.label-name', { hasText: exactText(command) }) });
  try {
    await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const offered = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    await page.keyboard.press('Escape');
    throw new Error(`command '${command}' is not in the command palette (offered: ${JSON.stringify(offered)})`);
  }
  await row.first().click();
  await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** The activity-bar item of a view container, by its title ("Spanlens"). */
export function activityBarItem(page: Page, title: string): Locator {
  return page
    .locator('.part.activitybar li.action-item[role="tab"]')
    .filter({ has: page.locator(`a.action-label[aria-label="${cssEscape(title)}"], a.action-label[aria-label^="${cssEscape(title)} ("]`) });
}

/** Opens a view container (activity bar) by title; leaves it open if it already is. */
export async function openViewContainer(page: Page, title: string, { timeoutMs = 15_000 } = {}): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const sidebarVisible = await page.locator('.part.sidebar').isVisible();
  if (!(sidebarVisible && (await item.getAttribute('aria-selected')) === 'true')) {
    await item.click();
  }
  await page.waitForFunction(
    (el) => el?.getAttribute('aria-selected') === 'true',
    await item.elementHandle(),
    { timeout: timeoutMs },
  );
  await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: timeoutMs });
  await moveMouseAway(page);
}

/** Parks the mouse over the editor area, so no hover tooltip (activity bar, tree rows) covers a screenshot. */
export async function moveMouseAway(page: Page): Promise<void> {
  const v = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(Math.round(v.width * 0.7), Math.round(v.height * 0.6));
}

/**
 * A view's pane in the sidebar (or panel), by the view's name ("Runs"). Works for containers
 * with one view too (their pane header is hidden but present).
 */
export function viewPane(page: Page, viewTitle: string): Locator {
  return page
    .locator('.pane')
    .filter({ has: page.locator('.pane-header h3.title', { hasText: exactText(viewTitle) }) });
}

/** Tree rows of a view (default: every visible tree in the sidebar). */
export function treeRowLocator(page: Page, viewTitle?: string): Locator {
  const scope = viewTitle ? viewPane(page, viewTitle) : page.locator('.part.sidebar');
  return scope.locator('.monaco-list[role="tree"] .monaco-list-row[role="treeitem"]');
}

export interface TreeRowInfo {
  label: string;
  description: string;
  /** "label description", as treeRows() gives it. */
  text: string;
  /** true/false for collapsible rows, undefined for leaves. */
  expanded: boolean | undefined;
  level: number;
  selected: boolean;
  ariaLabel: string;
  /** The row's codicon ("error", "pass", "warning", "sync", …) when its icon is a ThemeIcon, else ''. */
  icon: string;
}

/** Rows currently rendered in a tree view (virtualized: the ones scrolled into view). */
export async function treeItems(page: Page, viewTitle?: string, { timeoutMs = 15_000 } = {}): Promise<TreeRowInfo[]> {
  const rows = treeRowLocator(page, viewTitle);
  await rows.first().waitFor({ state: 'attached', timeout: timeoutMs }).catch(() => {});
  return rows.evaluateAll((els) =>
    els.map((el) => {
      const label = (el.querySelector('.label-name')?.textContent ?? '').trim();
      const description = (el.querySelector('.label-description')?.textContent ?? '').trim();
      const exp = el.getAttribute('aria-expanded');
      return {
        label,
        description,
        text: description ? `${label} ${description}` : label,
        expanded: exp === null ? undefined : exp === 'true',
        level: Number(el.getAttribute('aria-level') ?? '1'),
        selected: el.getAttribute('aria-selected') === 'true',
        ariaLabel: el.getAttribute('aria-label') ?? '',
        // A TreeItem's ThemeIcon is rendered as `.custom-view-tree-node-item-icon.codicon.codicon-<id>`.
        icon: /(?:^|\s)codicon-(?!modifier-)([\w-]+)/.exec(el.querySelector('.custom-view-tree-node-item-icon')?.className ?? '')?.[1] ?? '',
      };
    }),
  );
}

/** Texts ("label description") of the rows rendered in a tree view. Waits up to timeoutMs for a first row. */
export async function treeRows(page: Page, viewTitle?: string, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  return (await treeItems(page, viewTitle, opts)).map((r) => r.text);
}

/** One tree row: a string matches the row's label exactly, a RegExp the row's whole text. */
export function treeRow(page: Page, text: string | RegExp, viewTitle?: string): Locator {
  const rows = treeRowLocator(page, viewTitle);
  return typeof text === 'string'
    ? rows.filter({ has: page.locator('.label-name', { hasText: exactText(text) }) })
    : rows.filter({ hasText: text });
}

/** Clicks a tree row (selects it and runs its TreeItem.command, if any). */
export async function clickTreeRow(page: Page, text: string | RegExp, viewTitle?: string, { timeoutMs = 15_000 } = {}): Promise<Locator> {
  const row = treeRow(page, text, viewTitle).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.locator('.monaco-tl-contents').click();
  return row;
}

/** Expands a collapsible tree row (no-op when already expanded) and waits until it is. */
export async function expandTreeRow(page: Page, text: string | RegExp, viewTitle?: string, { timeoutMs = 15_000 } = {}): Promise<Locator> {
  return setExpanded(page, text, viewTitle, true, timeoutMs);
}

export async function collapseTreeRow(page: Page, text: string | RegExp, viewTitle?: string, { timeoutMs = 15_000 } = {}): Promise<Locator> {
  return setExpanded(page, text, viewTitle, false, timeoutMs);
}

async function setExpanded(page: Page, text: string | RegExp, viewTitle: string | undefined, want: boolean, timeoutMs: number): Promise<Locator> {
  const row = treeRow(page, text, viewTitle).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  // Polls the locator (re-resolved each time), not an element handle: the list re-renders rows
  // (children arriving, a store refreshing) and a held element can go stale. aria-expanded flips
  // as soon as a click lands (children may still be loading), so a row still in the old state a
  // while after a click lost that click (it landed during a re-render): click again.
  const deadline = Date.now() + timeoutMs;
  let clicks = 0;
  let lastClick = 0;
  for (;;) {
    const now = await row.getAttribute('aria-expanded', { timeout: Math.max(1000, deadline - Date.now()) });
    if (now === null) throw new Error(`tree row ${String(text)} is not collapsible`);
    if ((now === 'true') === want) return row;
    if (Date.now() > deadline) throw new Error(`tree row ${String(text)} is not ${want ? 'expanded' : 'collapsed'} after ${clicks} click(s) and ${timeoutMs} ms`);
    if (clicks === 0 || Date.now() - lastClick > 2000) {
      if (clicks > 0) console.warn(`[harness] tree row ${String(text)}: click ${clicks} on its twistie was lost, clicking again`);
      await row.locator('.monaco-tl-twistie').click();
      clicks++;
      lastClick = Date.now();
    }
    await sleep(100);
  }
}

// ------------------------------------------------------------------------------------------------
// Editors and webviews

/**
 * An editor tab by its title. With more than one editor group VS Code appends ", Editor Group N"
 * (and ", preview" for a preview editor) to the tab's aria-label; those count as the title too.
 */
export function editorTab(page: Page, title: string): Locator {
  return page.locator(`.part.editor .tabs-container .tab[role="tab"]${tabTitleSelector(title)}`);
}

/** `[aria-label=…]` alternatives matching a tab titled `title`, with or without VS Code's suffixes. */
function tabTitleSelector(title: string): string {
  const t = cssEscape(title);
  return `:is([aria-label="${t}"], [aria-label^="${t}, "])`;
}

/**
 * The content of a webview, as a FrameLocator into the extension's own document
 * (outer `iframe.webview` → inner `iframe#active-frame`).
 * `title` is an editor tab's title (a WebviewPanel; its tab is activated first) or a view's name
 * (a WebviewView in the sidebar or panel). Without a title: the only visible webview.
 */
export async function webviewFrame(page: Page, title?: string, { timeoutMs = 20_000 } = {}): Promise<FrameLocator> {
  let target: Locator | undefined;
  if (title) {
    const tab = editorTab(page, title);
    if (await tab.count()) {
      if (!(await tab.first().getAttribute('class'))?.split(/\s+/).includes('active')) await tab.first().click();
      // The editor group that holds this tab; its editor area is where the webview is laid over.
      target = page
        .locator('.part.editor .editor-group-container')
        .filter({ has: page.locator(`.tab.active${tabTitleSelector(title)}`) })
        .locator('.editor-container');
    } else {
      target = viewPane(page, title).locator('.pane-body');
    }
  }
  const deadline = Date.now() + timeoutMs;
  let why = '';
  for (;;) {
    const rect = target ? await target.first().boundingBox().catch(() => null) : null;
    if (target && !rect) why = `no editor tab or view titled '${title}' is visible`;
    else {
      const name = await page.evaluate((r) => {
        const frames = Array.from(document.querySelectorAll<HTMLIFrameElement>('iframe.webview.ready')).filter((f) => {
          const b = f.getBoundingClientRect();
          const style = getComputedStyle(f.parentElement ?? f);
          return b.width > 0 && b.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
        });
        if (!r) return frames.length === 1 ? frames[0].name : frames.length ? `#ambiguous:${frames.length}` : '';
        let best = '';
        let bestArea = 0;
        for (const f of frames) {
          const b = f.getBoundingClientRect();
          const w = Math.min(b.right, r.x + r.width) - Math.max(b.left, r.x);
          const h = Math.min(b.bottom, r.y + r.height) - Math.max(b.top, r.y);
          const area = w > 0 && h > 0 ? w * h : 0;
          if (area > bestArea) [best, bestArea] = [f.name, area];
        }
        return best;
      }, rect);
      if (name && !name.startsWith('#ambiguous')) {
        const inner = page.frameLocator(`iframe.webview[name="${cssEscape(name)}"]`).frameLocator('iframe#active-frame');
        // The inner document is there once its <body> is.
        await inner.locator('body').waitFor({ state: 'attached', timeout: Math.max(1000, deadline - Date.now()) });
        return inner;
      }
      why = name ? `${name.slice(11)} webviews are visible: pass a title` : 'no visible webview';
    }
    if (Date.now() > deadline) throw new Error(`webviewFrame(${title ?? ''}): ${why} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Waits for an editor tab; the error lists the tabs there are. */
export async function waitForTab(page: Page, title: string, timeoutMs = 15_000): Promise<void> {
  try {
    await editorTab(page, title).first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (e) {
    const tabs = await page.locator('.part.editor .tabs-container .tab').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    throw new Error(`no editor tab '${title}' within ${timeoutMs} ms; tabs: ${JSON.stringify(tabs)} (${(e as Error).message.split('\n')[0]})`);
  }
}

// ------------------------------------------------------------------------------------------------
// Notifications

/** The notification toasts currently shown. */
export function notificationToasts(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-toast');
}

/** Waits for a notification toast whose message contains `text` (or matches it) and returns it. */
export async function waitForNotification(page: Page, text: string | RegExp, { timeoutMs = 20_000 } = {}): Promise<Locator> {
  const toast = notificationToasts(page)
    .filter({ has: page.locator('.notification-list-item-message', { hasText: text }) })
    .first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return toast;
}

/** Messages of the toasts currently shown. */
export async function notificationMessages(page: Page): Promise<string[]> {
  return notificationToasts(page)
    .locator('.notification-list-item-message')
    .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
}

/** Clears every notification (command "Notifications: Clear All Notifications"). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'notifications.clearAll');
  await notificationToasts(page).first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
}

// ------------------------------------------------------------------------------------------------
// Workspaces

/** A fresh temp folder to open as a workspace; `files` maps relative paths to contents. */
export function makeWorkspace(files: Record<string, string | Buffer> = {}, prefix = 'spanlens-e2e-ws-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
  }
  return dir;
}

// ------------------------------------------------------------------------------------------------
// Spanlens set-up: the demo workspace, opening the view, cleaning up

export type ManifestRun = DemoManifest['runs'][number];

export interface DemoWorkspace {
  /** The temp folder holding it (`<tmp>/demo-workspace`): remove it when done (closeAndRemove). */
  tmp: string;
  /** The workspace folder. */
  dir: string;
  /** Its flujo_ops.db. */
  store: string;
  manifest: DemoManifest;
}

/** The demo workspace (scripts/demo-workspace.mjs) in a fresh temp folder named `<tmpPrefix>…`. */
export function makeDemoWorkspace(tmpPrefix: string, options: Omit<DemoWorkspaceOptions, 'dir'> = {}): DemoWorkspace {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  try {
    return { tmp, ...writeDemoWorkspace({ ...options, dir: path.join(tmp, 'demo-workspace') }) };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The demo store's run for a scenario (failedTraceback, running, strange, …); throws when there is none. */
export function scenarioRun(manifest: DemoManifest, scenario: string): ManifestRun {
  const id = manifest.scenarios[scenario];
  const r = id === undefined ? undefined : manifest.runs.find((x) => x.id === id);
  if (!r) throw new Error(`the demo store has no '${scenario}' run`);
  return r;
}

/** What append_run.py printed last: the run it appended or finished. */
export interface AppendedRun {
  id: string;
  pipeline: string;
  status: string;
  createdAt: string;
  spans: number;
  walOnly: boolean;
}

/** Runs test/e2e/append_run.py on a Flujo store, as a live pipeline would write it. */
export function appendRun(db: string, args: string[]): AppendedRun {
  const out = execFileSync(PYTHON, [APPEND_RUN, db, ...args], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as AppendedRun;
}

/** Opens the Spanlens view container and waits until the extension is active. */
export async function openSpanlens(vs: VscodeSession): Promise<void> {
  await openViewContainer(vs.page, 'Spanlens');
  await vs.waitForActivation('spanlens.spanlens');
}

/** For afterAll: closes the session (if it started) and removes the temp folder (if made). */
export async function closeAndRemove(vs: VscodeSession | undefined, tmp: string | undefined): Promise<void> {
  await vs?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

/**
 * Registers an afterEach that leaves a picture of the window behind when a test fails:
 * test-results/e2e/FAILED-<name>-<n>.png (n counts the tests of this describe block).
 */
export function screenshotFailures(name: string, session: () => VscodeSession | undefined): void {
  let testNo = 0;
  afterEach(async (ctx) => {
    testNo++;
    if (ctx.task.result?.state === 'fail') await session()?.screenshot(`FAILED-${name}-${testNo}`).catch(() => {});
  });
}

// ------------------------------------------------------------------------------------------------
// Run rows in the Runs view: label = pipeline name, description = "<start> · …" with the start
// as src/model/format.ts formatStart() prints it (run ids are not shown).

/** The start of a run row's description: "<start> · ". */
export function runDescPrefix(createdAt: string): string {
  return `${formatStart(Date.parse(createdAt))} · `;
}

/** Whether a tree row is the run row (level 2) of this run. */
export function isRunRow(row: TreeRowInfo, r: { pipeline: string; createdAt: string }): boolean {
  return row.level === 2 && row.label === r.pipeline && row.description.startsWith(runDescPrefix(r.createdAt));
}

/** A RegExp matching a run row's whole text (label, then description), for treeRow() and friends. */
export function runRowRe(r: { pipeline: string; createdAt: string }): RegExp {
  return new RegExp(`^\\s*${escapeRe(r.pipeline)}\\s*${escapeRe(runDescPrefix(r.createdAt))}`);
}

// ------------------------------------------------------------------------------------------------
// Small helpers

function extensionIdOf(extensionPath: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${pkg.publisher}.${pkg.name}`;
}

function copyExtHostLogs(server: CodeServer, dest: string, extensionIds: string[] = []): void {
  try {
    const root = path.join(server.userDataDir, 'logs');
    const files = findFiles(root, (f) => /exthost\d*[/\\]remoteexthost\.log$/.test(f) || /remoteagent\.log$/.test(f));
    if (!files.length) return;
    fs.mkdirSync(dest, { recursive: true });
    for (const f of files) fs.copyFileSync(f, path.join(dest, path.basename(f)));
    // The launched extensions' own log channels (e.g. exthost1/spanlens.spanlens/Spanlens.log).
    for (const id of extensionIds) {
      const text = extensionLog(server, id);
      if (text) fs.writeFileSync(path.join(dest, `${id}.log`), text);
    }
  } catch {
    /* logs are a courtesy */
  }
}

function findFiles(dir: string, pred: (f: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pred(p)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** `s` with RegExp specials escaped. */
/**
 * Right-clicks a tree row and runs its context-menu entry titled `title` (right-clicking again
 * when the menu was closed by the tree re-rendering). The click on the entry is checked: when the menu is still open after it (a click that lands while the menu
 * still ignores the mouse, just after opening), the highlighted entry is run with Enter.
 */
export async function runContextMenuItem(page: Page, row: Locator, title: string): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item').filter({ has: page.locator('.action-label', { hasText: exactText(title) }) }).first();
  // VS Code closes an open context menu when its tree re-renders (a store read again just after
  // the view listed it): right-click again then, as a person would. The entry must still appear.
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    const shown = await item
      .waitFor({ state: 'visible', timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (shown) break;
    if (attempt === 3) {
      await item.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    }
    await page.keyboard.press('Escape');
  }
  await item.hover();
  await item.click();
  const closed = await menu
    .waitFor({ state: 'hidden', timeout: 2_000 })
    .then(() => true)
    .catch(() => false);
  if (closed) return;
  await item.hover();
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: 5_000 });
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A RegExp matching exactly `s` (Playwright's hasText normalizes whitespace and trims). */
export function exactText(s: string): RegExp {
  return new RegExp(`^\\s*${escapeRe(s)}\\s*$`);
}

function cssEscape(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

function sanitize(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'shot';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------------------------------------------
// Search Traces (the picker)

/** Opens the Search Traces picker through the command palette (the picker replaces the palette in the same widget). */
export async function openSearch(page: Page): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('>Spanlens: Search Traces');
  const row = widget.locator('.quick-input-list .monaco-list-row[role="option"]').filter({ has: page.locator('.label-name', { hasText: /^Spanlens: Search Traces$/ }) });
  await row.first().waitFor({ state: 'visible', timeout: 10_000 });
  await row.first().click();
  await expect.poll(() => input.getAttribute('placeholder'), { timeout: 10_000 }).toMatch(/Search runs and spans/);
}

export async function pickerRows(page: Page): Promise<string[]> {
  return page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row[role="option"]')
    .evaluateAll((els) =>
      // aria-label: "<icon name>  <label>, <description>, <detail>"; our labels are the icon alone.
      els.map((e) => (e.getAttribute('aria-label') ?? '').replace(/^[\w~-]+( {2}|, )(, )?/, '')),
    );
}
