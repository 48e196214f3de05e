/**
 * `--workspace DIR`: spans located in a checkout of the code that produced them. DIR is walked
 * once (dependencies, virtual environments, VCS data and build output skipped; capped), each span
 * is resolved with src/resolve's resolvers (code.* attributes, the innermost user frame of a
 * stack, `file:line` references, the store's own source field, then the step name — a guess), and
 * recorded paths from another machine map into DIR by their longest common suffix.
 * The same skip list and budgets as the extension's (src/extension/source/workspacePaths.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SourceRef, Span } from '../model/types';
import { findStepDefinitionInFiles, mapToWorkspace, resolveSpanSource, WorkspaceIndex, type StepDefinition } from '../resolve';
import { UsageError } from './context';

export const SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '.tox', '.nox', 'site-packages', 'dist-packages', '__pycache__',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', 'dist', '.next', '.nuxt', '.turbo', '.gradle', '.idea', '.vscode-test',
  '.spanlens-cache',
]);
export const MAX_WORKSPACE_FILES = 50_000;
const STEP_EXTENSIONS = new Set(['py', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'yaml', 'yml']);
const MAX_STEP_FILES = 5000;
const MAX_STEP_FILE_BYTES = 512 * 1024;
const MAX_STEP_TOTAL_BYTES = 48 * 1024 * 1024;

/** Files under `dir`, relative and `/`-separated, sorted; symbolic links are not followed. */
export function listWorkspaceFiles(dir: string, max = MAX_WORKSPACE_FILES): string[] {
  const out: string[] = [];
  const stack: string[] = [''];
  while (stack.length > 0 && out.length < max) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue; // unreadable folder: what can be read still counts
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(r);
      } else if (e.isFile()) {
        out.push(r);
        if (out.length >= max) break;
      }
    }
  }
  return out.sort();
}

function isStepCandidate(p: string): boolean {
  const dot = p.lastIndexOf('.');
  if (dot < 0 || dot < p.lastIndexOf('/') || /\.d\.[mc]?ts$|\.min\.js$/i.test(p)) return false;
  return STEP_EXTENSIONS.has(p.slice(dot + 1).toLowerCase());
}

export interface WorkspaceSources {
  /** Where `span` ran, relative to the workspace; undefined when nothing maps into it. */
  locate(span: Span): SourceRef | undefined;
}

/** A resolver over the files of `dir` (a usage error when it is not a folder). */
export function workspaceSources(dir: string): WorkspaceSources {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory()) throw new UsageError(`spanlens: --workspace ${dir}: not a folder — give the checkout the traced code came from`);
  const files = listWorkspaceFiles(dir);
  const index = new WorkspaceIndex(files);
  let texts: Map<string, string> | undefined;
  const names = new Map<string, StepDefinition | null>();

  // Read only when a span needs the step-name lookup, smallest depth first (project code sits near the root).
  const stepTexts = (): Map<string, string> => {
    if (texts) return texts;
    texts = new Map();
    let total = 0;
    const candidates = files.filter(isStepCandidate).sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
    for (const rel of candidates.slice(0, MAX_STEP_FILES)) {
      if (total >= MAX_STEP_TOTAL_BYTES) break;
      try {
        const full = path.join(dir, ...rel.split('/'));
        const st = fs.statSync(full);
        // A FIFO or device under a source file's name would block this synchronous read for good.
        if (!st.isFile() || st.size > MAX_STEP_FILE_BYTES) continue;
        const buf = fs.readFileSync(full);
        if (buf.includes(0)) continue;
        const text = buf.toString('utf8');
        total += text.length;
        texts.set(rel, text);
      } catch {
        // vanished or unreadable: skip
      }
    }
    return texts;
  };
  const findStepDefinition = (name: string): SourceRef | undefined => {
    let hit = names.get(name);
    if (hit === undefined) names.set(name, (hit = findStepDefinitionInFiles(name, stepTexts()) ?? null));
    return hit ?? undefined;
  };

  return {
    locate(span) {
      const recorded = resolveSpanSource(span, { workspaceFiles: index });
      if (recorded) return sourceRef(recorded);
      if (span.source) {
        const m = mapToWorkspace(span.source.path, index);
        if (m) return sourceRef({ ...span.source, path: m.path });
      }
      const guessed = resolveSpanSource(span, { workspaceFiles: index, findStepDefinition });
      return guessed ? sourceRef(guessed) : undefined;
    },
  };
}

/** Just the model's SourceRef fields (the resolvers add `via`, `recordedPath`, `function`). */
function sourceRef(r: SourceRef): SourceRef {
  const out: SourceRef = { path: r.path, line: r.line };
  if (r.column !== undefined) out.column = r.column;
  if (r.guess) out.guess = true;
  return out;
}

/** The spans with `source` set where resolved (copies; spans not resolved are returned as they were). */
export function withWorkspaceSources(spans: readonly Span[], ws: WorkspaceSources): Span[] {
  return spans.map((s) => {
    const source = ws.locate(s);
    return source ? { ...s, source } : s;
  });
}
