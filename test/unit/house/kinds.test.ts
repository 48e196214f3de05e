// package.json says where stores are found twice, for VS Code: the `workspaceContains:` events that
// activate the extension and the Runs view's "no store found" text. Both must agree with the store
// kinds (src/sources/<format>/kind.ts), which discovery and the CLI use: a fifth kind that forgets
// package.json fails here instead of never activating the extension.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_EXTRA_GLOBS, SETTING_DEFAULT_GLOBS } from '../../../src/extension/stores/discovery';
import { folderGlob } from '../../../src/sources/kind';
import { kindGlobs, kindOf, STORE_FORMATS, STORE_KINDS, storeKind } from '../../../src/sources/kinds';
import { STORE_NAME_RULES, ruleGlob } from '../../../src/sources/storeFiles';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

/** `**\/otel-traces*.json` → `otel-traces*.json`; a folder glob → its folder: how a glob reads to a person. */
function shownName(glob: string): string {
  return glob.replace(/^\*\*\//, '').replace(/\/\*\.jsonl$/, '');
}

describe('store kinds and package.json', () => {
  it('activation events are exactly the kinds\' workspace globs', () => {
    const events: string[] = pkg.activationEvents.filter((e: string) => e.startsWith('workspaceContains:'));
    expect(events.map((e) => e.slice('workspaceContains:'.length)).sort()).toEqual(kindGlobs().sort());
  });

  it('the "no store found" text names every kind found in files, by its globs', () => {
    const welcome = pkg.contributes.viewsWelcome.find((w: { when: string }) => w.when.startsWith('spanlens.discovered')).contents as string;
    const found = STORE_KINDS.filter((k) => k.discovery.globs.length > 0);
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const k of found) {
      expect(k.discovery.welcome, k.format).toBeDefined();
      expect(welcome).toContain(k.discovery.welcome);
      // Every file name the kind is found by reads in its phrase (`*.otlp.json` within `*.otlp.jsonl`);
      // folder stores the user does not make themselves (the receiver's) are not promised there.
      for (const g of k.discovery.globs) {
        if (k.discovery.folders.some((f) => folderGlob(f) === g) && k.discovery.names.length > 0) continue;
        expect(k.discovery.welcome!.replace(/\.jsonl\b/g, '.json')).toContain(shownName(g).replace(/\.jsonl$/, '.json'));
      }
    }
  });
});

describe('store kinds', () => {
  it('one kind per format, each its own', () => {
    expect([...STORE_FORMATS].sort()).toEqual(['claude-flow', 'flujo', 'otlp', 'waft']);
    for (const f of STORE_FORMATS) expect(kindOf(f).format).toBe(f);
    expect(storeKind({ format: 'waft' }).label).toBe('waft (JSON lines)');
  });

  it('discovery\'s globs are the kinds\' globs: the setting\'s default plus the built-in others', () => {
    expect(SETTING_DEFAULT_GLOBS).toEqual(['**/flujo_ops.db']);
    expect([...SETTING_DEFAULT_GLOBS, ...BUILTIN_EXTRA_GLOBS].sort()).toEqual(kindGlobs().sort());
    // Every file name rule the CLI walks a folder with is some kind's glob.
    for (const r of STORE_NAME_RULES) expect(kindOf(r.kind).discovery.globs).toContain(ruleGlob(r));
  });

  it('line-based kinds refresh in place, the others reopen; a server costs a query per run', () => {
    expect(STORE_KINDS.filter((k) => k.incremental).map((k) => k.format).sort()).toEqual(['otlp', 'waft']);
    expect(STORE_KINDS.filter((k) => k.cost.spansPerRunQuery).map((k) => k.format)).toEqual(['claude-flow']);
    expect(kindOf('claude-flow').changes).toBe('server');
  });
});
