// The architecture's layering, enforced: every import in src/ is checked against the rules the
// map (docs/ARCHITECTURE.md) states, so a shortcut across layers fails `npm test`, not a review.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../../src');

/** The engine: runs the same under the CLI, vitest and a worker. Never a surface, never vscode. */
const ENGINE = new Set(['model', 'sqlite', 'sources', 'analysis', 'resolve', 'enrich', 'receiver', 'worker']);
const SURFACES = new Set(['cli', 'extension', 'webview']);

/** What each top-level folder of src/ may import from the others (its own folder always). */
const ALLOWED: Record<string, ReadonlySet<string>> = {
  model: new Set([]),
  resolve: new Set(['model']),
  enrich: new Set(['model']),
  // The OTLP/HTTP receiver produces an ordinary OTLP store; it reads ids the way the OTLP reader does.
  receiver: new Set(['model', 'sources']),
  sqlite: new Set(['model', 'sources']),
  sources: new Set(['model', 'sqlite', 'resolve', 'analysis', 'enrich']),
  analysis: new Set(['model', 'sources', 'resolve', 'enrich']),
  cli: new Set([...ENGINE]),
  // The engine in a worker thread: its service (the engine's side) and client (the host's side).
  worker: new Set(['model', 'sqlite', 'sources', 'analysis', 'resolve', 'enrich', 'receiver']),
  // The extension renders the engine's results (run in a worker) and hosts the webviews (their typed protocol).
  extension: new Set([...ENGINE, 'webview']),
  // Browser code: no Node engine, no host; the model's plain types and pure helpers only.
  webview: new Set(['model']),
};

interface Edge { from: string; to: string; spec: string }

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (/\.(ts|tsx|mts|js|mjs)$/.test(e.name)) out.push(p);
    }
  }
  return out.sort();
}

function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

function edges(): Edge[] {
  const all: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) all.push({ from: path.relative(SRC, file), to: ref.fileName, spec: ref.fileName });
  }
  return all;
}

function violations(): string[] {
  const bad: string[] = [];
  for (const e of edges()) {
    const fromLayer = layerOf(path.join(SRC, e.from));
    if (e.spec === 'vscode') {
      if (fromLayer !== 'extension') bad.push(`${e.from}: imports 'vscode' (only src/extension may)`);
      continue;
    }
    if (!e.spec.startsWith('.')) {
      // Packages and Node built-ins: browser code has no Node.
      if (fromLayer === 'webview' && (e.spec.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'worker_threads'].includes(e.spec))) {
        bad.push(`${e.from}: imports Node's '${e.spec}' into webview code`);
      }
      continue;
    }
    const target = path.resolve(path.dirname(path.join(SRC, e.from)), e.spec);
    const rel = path.relative(SRC, target);
    if (rel.startsWith('..')) {
      // Outside src/: package.json (the CLI's --version) is the one thing allowed.
      if (!(fromLayer === 'cli' && path.basename(target) === 'package.json')) bad.push(`${e.from}: imports '${e.spec}' from outside src/`);
      continue;
    }
    const toLayer = rel.split(path.sep)[0];
    if (toLayer === fromLayer) continue;
    const allowed = ALLOWED[fromLayer];
    if (!allowed) bad.push(`${e.from}: src/${fromLayer} is not a known layer (add it to docs/ARCHITECTURE.md and this test)`);
    else if (!allowed.has(toLayer)) bad.push(`${e.from}: src/${fromLayer} may not import src/${toLayer} ('${e.spec}')`);
  }
  return bad;
}

describe('layering (docs/ARCHITECTURE.md)', () => {
  it('every folder of src/ is a known layer', () => {
    const dirs = fs.readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs.filter((d) => !ALLOWED[d])).toEqual([]);
    for (const d of dirs) expect(ENGINE.has(d) || SURFACES.has(d)).toBe(true);
  });

  it('no import crosses the layers', () => {
    expect(violations()).toEqual([]);
  });

  it('the check sees imports at all (a rule it cannot break would prove nothing)', () => {
    const all = edges();
    expect(all.filter((e) => e.spec === 'vscode').length).toBeGreaterThan(10);
    // Dynamic imports and require() count too.
    const info = ts.preProcessFile("const a = require('vscode'); import('../extension/x');", true, true);
    expect(info.importedFiles.map((f) => f.fileName)).toEqual(['vscode', '../extension/x']);
  });
});

/** Format names: only src/sources (each format's kind, sources/<format>/kind.ts) may spell them. */
const FORMAT_NAMES = new Set(['flujo', 'waft', 'otlp', 'claude-flow']);
/** Where a format must not be named: the surfaces and the analyses ask the store's kind (sources/kinds.ts). */
const KIND_BLIND = ['extension', 'cli', 'analysis'];

/**
 * Format names used as values in `text`: string literals equal to one ('waft'), object keys
 * (`{ flujo: … }`), and tables of them (FORMAT_WORDS, FORMAT_NAMES). Comments and prose inside
 * longer strings are fine: "claude-flow in PostgreSQL" tells a user, it does not switch on a format.
 */
function formatNamesIn(file: string, text: string): string[] {
  const found: string[] = [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const stack: ts.Node[] = [sf];
  while (stack.length) {
    const n = stack.pop()!;
    const at = (): string => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && FORMAT_NAMES.has(n.text.toLowerCase())) {
      found.push(`${at()}: '${n.text}'`);
    } else if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && FORMAT_NAMES.has(n.name.text)) {
      found.push(`${at()}: key ${n.name.text}`);
    } else if (ts.isIdentifier(n) && /^FORMAT_(WORDS|NAMES|LABELS)$/.test(n.text)) {
      found.push(`${at()}: ${n.text}`);
    }
    stack.push(...n.getChildren(sf));
  }
  return found;
}

describe('store kinds (src/sources/kinds.ts): only src/sources names a format', () => {
  it('no file in src/extension, src/cli or src/analysis names a format', () => {
    const bad: string[] = [];
    for (const layer of KIND_BLIND) {
      for (const file of sourceFiles(path.join(SRC, layer))) bad.push(...formatNamesIn(path.relative(SRC, file), fs.readFileSync(file, 'utf8')));
    }
    expect(bad).toEqual([]);
  });

  it('the check finds a format named as a value, a key or a table, not in prose or comments', () => {
    const src = [
      "if (store.format === 'waft') x();",
      "const FORMAT_WORDS = { flujo: 'Flujo (SQLite)' };",
      "const t = `otlp`;",
      "// a waft store: 'waft' in a comment is fine",
      "const tip = 'claude-flow in PostgreSQL';",
    ].join('\n');
    expect(formatNamesIn('x.ts', src).sort()).toEqual(["x.ts:1: 'waft'", 'x.ts:2: FORMAT_WORDS', 'x.ts:2: key flujo', "x.ts:3: 'otlp'"]);
  });
});
