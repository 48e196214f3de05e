// package.json's contributions and the code agree: every declared command is registered and every
// registered one declared; menus name declared commands; `viewItem` patterns match context values
// the Runs view really sets (and every such value is reachable by some menu or is meant to be bare);
// context keys used in `when` clauses are set by the code. A renamed command or context value
// otherwise fails silently in VS Code: the menu entry just never shows.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

function sources(...dirs: string[]): string {
  const out: string[] = [];
  const stack = dirs.map((d) => path.join(ROOT, 'src', d));
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.ts')) out.push(fs.readFileSync(p, 'utf8'));
    }
  }
  return out.join('\n');
}

const code = sources('extension');
/** Constants may live beside the webview's protocol, which both sides import. */
const codeAndProtocol = sources('extension', 'webview');

/** `const NAME = 'spanlens.x'` anywhere in the extension: how commands are often named. */
function stringConstants(): Map<string, string> {
  const m = new Map<string, string>();
  for (const match of codeAndProtocol.matchAll(/\b([A-Z][A-Z0-9_]*)\s*=\s*'([^'\n]*)'/g)) m.set(match[1], match[2]);
  return m;
}

function registeredCommands(): Set<string> {
  const consts = stringConstants();
  const ids = new Set<string>();
  for (const match of code.matchAll(/registerCommand\(\s*(?:'([^'\n]+)'|([A-Z][A-Z0-9_]*))/g)) {
    const id = match[1] ?? consts.get(match[2]);
    if (id === undefined) throw new Error(`registerCommand(${match[2]}): constant not found`);
    ids.add(id);
  }
  return ids;
}

interface MenuEntry { command: string; when?: string; menu: string }
function menuEntries(): MenuEntry[] {
  const out: MenuEntry[] = [];
  for (const [menu, entries] of Object.entries(contributes.menus as Record<string, { command: string; when?: string }[]>)) {
    for (const e of entries) out.push({ ...e, menu });
  }
  return out;
}

/** The context values nodes.ts may set, read from its CONTEXT table. */
function contextValues(): string[] {
  const src = fs.readFileSync(path.join(ROOT, 'src/extension/runsView/nodes.ts'), 'utf8');
  const start = src.indexOf('export const CONTEXT = {');
  expect(start).toBeGreaterThan(-1);
  const body = src.slice(start, src.indexOf('} as const', start));
  return [...body.matchAll(/:\s*'([^']+)'/g)].map((m) => m[1]);
}

/** Each `viewItem` condition of a when clause as a predicate over one context value. */
function viewItemTests(when: string): ((v: string) => boolean)[] {
  const tests: ((v: string) => boolean)[] = [];
  for (const m of when.matchAll(/viewItem\s*(==|!=|=~)\s*(\/(?:[^/\\]|\\.)+\/|[\w.-]+)/g)) {
    const [, op, rhs] = m;
    if (op === '=~') {
      const re = new RegExp(rhs.slice(1, -1));
      tests.push((v) => re.test(v));
    } else if (op === '==') tests.push((v) => v === rhs);
    else tests.push((v) => v !== rhs);
  }
  return tests;
}

describe('package.json contributions match the code', () => {
  const declared = new Set<string>((contributes.commands as { command: string }[]).map((c) => c.command));
  const registered = registeredCommands();

  it('every declared command is registered, and every registered command declared', () => {
    expect([...declared].filter((c) => !registered.has(c))).toEqual([]);
    expect([...registered].filter((c) => !declared.has(c))).toEqual([]);
    expect(registered.size).toBeGreaterThan(20);
  });

  it('menus and keybindings name declared commands', () => {
    const named = [...menuEntries().map((e) => e.command), ...(contributes.keybindings as { command: string }[]).map((k) => k.command)];
    expect(named.filter((c) => !declared.has(c))).toEqual([]);
  });

  it('views named in when clauses exist', () => {
    const views = new Set<string>(Object.values(contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
    const whens = [...menuEntries().map((e) => e.when ?? ''), ...(contributes.viewsWelcome as { view: string; when?: string }[]).map((w) => `view == ${w.view} ${w.when ?? ''}`)];
    const named = whens.flatMap((w) => [...w.matchAll(/\b(?:view|focusedView)\s*==\s*([\w.-]+)/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((v) => !views.has(v))).toEqual([]);
  });

  it('every viewItem condition matches a context value the Runs view sets', () => {
    const values = contextValues();
    expect(values.length).toBeGreaterThan(5);
    const dead: string[] = [];
    for (const e of menuEntries()) {
      for (const t of viewItemTests(e.when ?? '')) if (!values.some(t)) dead.push(`${e.menu}: ${e.command} when ${e.when}`);
    }
    expect(dead).toEqual([]);
  });

  it('context values that a menu should reach are reached', () => {
    // Rows users right-click: stores, runs and spans each have at least one entry.
    const conditions = menuEntries().filter((e) => e.menu === 'view/item/context').flatMap((e) => viewItemTests(e.when ?? ''));
    const unreached = contextValues().filter((v) => /^(store|run|span)/.test(v) && !conditions.some((t) => t(v)));
    expect(unreached).toEqual([]);
  });

  it("context keys in when clauses are set by the code (spanlens.* keys)", () => {
    const whens = [
      ...menuEntries().map((e) => e.when ?? ''),
      ...(contributes.viewsWelcome as { when?: string }[]).map((w) => w.when ?? ''),
      ...Object.values(contributes.views as Record<string, { when?: string }[]>).flat().map((v) => v.when ?? ''),
    ];
    const keys = new Set(whens.flatMap((w) => [...w.matchAll(/\b(spanlens\.[\w.]+)/g)].map((m) => m[1])));
    const views = new Set<string>(Object.values(contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
    const consts = stringConstants();
    const setKeys = new Set<string>();
    for (const m of code.matchAll(/'setContext',\s*(?:'([^']+)'|([A-Z][A-Z0-9_]*))/g)) setKeys.add(m[1] ?? consts.get(m[2]) ?? '');
    const unset = [...keys].filter((k) => !views.has(k) && !setKeys.has(k));
    expect(unset).toEqual([]);
  });

  it('activation events cover the commands and views a user can start from', () => {
    // VS Code ≥ 1.74 activates on contributed commands and views by itself; what must be listed are
    // the workspaceContains globs and webview panels restored after a reload.
    const events: string[] = pkg.activationEvents;
    expect(events).toContain('onView:spanlens.runs');
    for (const m of code.matchAll(/registerWebviewPanelSerializer\(\s*(?:'([^']+)'|([A-Z][A-Z0-9_]*))/g)) {
      const id = m[1] ?? stringConstants().get(m[2]);
      expect(events).toContain(`onWebviewPanel:${id}`);
    }
  });

  it("Restricted Mode: the settings package.json restricts are the ones the Runs view names as held back", () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    const trust = fs.readFileSync(path.join(ROOT, 'src/extension/trust.ts'), 'utf8');
    const named = [...trust.matchAll(/\{ key: '([^']+)'/g)].map((m) => `spanlens.${m[1]}`);
    expect(named.sort()).toEqual([...restricted].sort());
    const declared = Object.keys(contributes.configuration.properties);
    expect(restricted.filter((k) => !declared.includes(k))).toEqual([]);
  });
});
