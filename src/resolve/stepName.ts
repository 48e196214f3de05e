/**
 * Where is the step named `score_risk` defined? The last resort, so always a guess: the
 * workspace is searched for how steps are declared — Flujo's `Step(name="score_risk")`,
 * `@step(name="score_risk")`, YAML `name: score_risk` — and for a function or variable of that
 * name. The extension runs the search (VS Code's file search, cached); this module builds the
 * patterns and picks the best hit from the texts it is handed.
 */
import type { SourceRef } from '../model/types';
import { isUserPath } from './stack/userCode';

/** Best first: an explicit step name beats a function of that name, which beats a variable. */
export type StepDefinitionKind = 'step-name' | 'function' | 'assignment';

export interface StepSearchPattern {
  kind: StepDefinitionKind;
  /** What the pattern looks for, for logs and tooltips: `name="score_risk"`. */
  label: string;
  /** Matches one line; the `name` group is the step's name in it (flag `d`: its column is known). */
  regex: RegExp;
}

export interface StepDefinition extends SourceRef {
  guess: true;
  kind: StepDefinitionKind;
}

const KIND_RANK: Record<StepDefinitionKind, number> = { 'step-name': 0, function: 1, assignment: 2 };
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The patterns for one step name. Function and variable patterns only for names that can be
 * identifiers (`Loop 'retry' - Iteration 1` is only ever a `name=`).
 */
export function stepSearchPatterns(name: string): StepSearchPattern[] {
  const n = name.trim();
  if (n === '' || /[\r\n]/.test(n)) return [];
  const e = escape(n);
  const out: StepSearchPattern[] = [
    // name="x", name='x', name = "x" (class attribute), name: 'x' (JS/TS objects, quoted YAML)
    { kind: 'step-name', label: `name="${n}"`, regex: new RegExp(`\\bname\\s*[:=]\\s*(["'\`])(?<name>${e})\\1`, 'd') },
    // YAML: `- name: score_risk`
    { kind: 'step-name', label: `name: ${n}`, regex: new RegExp(`^\\s*(?:-\\s+)?name:\\s+(?<name>${e})\\s*(?:#.*)?$`, 'd') },
  ];
  if (IDENTIFIER.test(n)) {
    out.push(
      { kind: 'function', label: `def ${n}(`, regex: new RegExp(`^\\s*(?:async\\s+)?def\\s+(?<name>${e})\\s*[([]`, 'd') },
      {
        kind: 'function',
        label: `function ${n}(`,
        regex: new RegExp(`(?:^|[^\\w$.])(?:async\\s+)?function\\s*\\*?\\s*(?<name>${e})\\s*[(<]`, 'd'),
      },
      {
        kind: 'assignment',
        label: `${n} = `,
        regex: new RegExp(`^\\s*(?:export\\s+)?(?:(?:const|let|var)\\s+)?(?<name>${e})\\s*(?::[^=]+)?=(?![=>])`, 'd'),
      },
    );
  }
  return out;
}

/**
 * One regular expression (JavaScript and ripgrep syntax, no look-behind) matching any line
 * a pattern of `stepSearchPatterns` may match: for a workspace text search that narrows the
 * files before `findStepDefinitionInFiles` ranks the hits.
 */
export function stepSearchRegexSource(name: string): string | undefined {
  const n = name.trim();
  if (n === '' || /[\r\n]/.test(n)) return undefined;
  const e = escape(n);
  const alts = [`name\\s*[:=]\\s*["'\`]${e}["'\`]`, `name:\\s+${e}\\s*$`];
  if (IDENTIFIER.test(n)) alts.push(`def\\s+${e}\\b`, `function\\s*\\*?\\s*${e}\\b`, `^\\s*(export\\s+)?((const|let|var)\\s+)?${e}\\s*(:[^=]+)?=`);
  return alts.join('|');
}

export type FileTexts = ReadonlyMap<string, string> | Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

function entries(files: FileTexts): Iterable<readonly [string, string]> {
  if (files instanceof Map) return files.entries();
  if (typeof (files as Iterable<unknown>)[Symbol.iterator] === 'function') return files as Iterable<readonly [string, string]>;
  return Object.entries(files as Record<string, string>);
}

/** Test code defines fixtures named like steps; it loses ties to the real thing. */
function isTestPath(path: string): boolean {
  return /(^|\/)(tests?|__tests__|spec)\//i.test(path) || /(^|\/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.(test|spec)\.\w+|conftest\.py)$/i.test(path);
}

/**
 * The best definition of `name` in the given files (path → text): by kind, then outside
 * tests, then the shallower path, then path order, then the earliest line. Files in
 * packages (node_modules, site-packages) are not considered. Line and column are 1-based,
 * the column at the name.
 */
export function findStepDefinitionInFiles(name: string, files: FileTexts): StepDefinition | undefined {
  const patterns = stepSearchPatterns(name);
  if (patterns.length === 0) return undefined;
  const needle = name.trim();
  let best: { def: StepDefinition; key: [number, number, number, string, number] } | undefined;
  for (const [path, text] of entries(files)) {
    if (!isUserPath(path) || !text.includes(needle)) continue;
    const norm = path.replace(/\\/g, '/');
    const depth = norm.split('/').length;
    const test = isTestPath(norm) ? 1 : 0;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.includes(needle)) continue;
      for (const p of patterns) {
        const m = p.regex.exec(line);
        if (!m?.groups) continue;
        const column = (m.indices?.groups?.['name']?.[0] ?? m.index) + 1;
        const key: [number, number, number, string, number] = [KIND_RANK[p.kind], test, depth, path, i];
        if (!best || compareKeys(key, best.key) < 0) {
          best = { def: { path, line: i + 1, column, guess: true, kind: p.kind }, key };
        }
        break; // patterns are in rank order: the first that matches this line is its best reading
      }
    }
  }
  return best?.def;
}

function compareKeys(a: readonly [number, number, number, string, number], b: readonly [number, number, number, string, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0) || a[4] - b[4];
}
