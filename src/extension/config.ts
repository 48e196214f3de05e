/**
 * Typed access to the `spanlens.*` settings contributed in package.json. Read on
 * demand (cheap) so a changed setting applies without a reload; values out of range
 * are clamped here rather than trusted.
 */
import * as vscode from 'vscode';
import { SETTING_DEFAULT_GLOBS } from './stores/discovery';

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('spanlens');
}

function num(key: string, fallback: number, min: number, max: number): number {
  const v = section().get<number>(key);
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

export const config = {
  /** Globs for stores found on their own: the built-in ones (the kinds') plus `spanlens.storeGlobs`. */
  storeGlobs(): string[] {
    const extra = section().get<unknown>('storeGlobs');
    const globs = Array.isArray(extra) ? extra.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
    return [...new Set([...SETTING_DEFAULT_GLOBS, ...globs.map((g) => g.trim())])];
  },
  pageSize(): number {
    return Math.round(num('runs.pageSize', 100, 10, 10_000));
  },
  autoRefresh(): boolean {
    return section().get<boolean>('refresh.auto') !== false;
  },
  /** 0 turns the polling fallback off (file-system events still refresh). */
  pollIntervalMs(): number {
    const v = num('refresh.pollIntervalMs', 1000, 0, 60_000);
    return v === 0 ? 0 : Math.max(250, v);
  },
  /** 0 means no limit. */
  maxStoreSizeMB(): number {
    return num('maxStoreSizeMB', 256, 0, 1_000_000);
  },
  statusBarEnabled(): boolean {
    return section().get<boolean>('statusBar.enabled') !== false;
  },
  /** CodeLens above lines where spans failed. */
  codeLensEnabled(): boolean {
    return section().get<boolean>('codeLens.enabled') !== false;
  },
  /** A quieter lens (runs, p95) on lines whose spans ran without failing. */
  codeLensShowPassing(): boolean {
    return section().get<boolean>('codeLens.showPassing') === true;
  },
  /** Failing lines in the Problems panel. */
  problemsEnabled(): boolean {
    return section().get<boolean>('problems.enabled') !== false;
  },
  /** A gutter icon (and overview-ruler mark) on failing lines. */
  gutterEnabled(): boolean {
    return section().get<boolean>('gutter.enabled') !== false;
  },
  /** Clicking a span in the Runs view also opens its source (as a preview, focus stays in the view). */
  goToSourceOnClick(): boolean {
    return section().get<boolean>('goToSource.onClick') !== false;
  },
  /** Used by the Span Details panel: characters of a prompt/response shown before "Show all". */
  /** LLM message content hidden everywhere (roles, structure, model and tokens kept). */
  llmHideContent(): boolean {
    return section().get<boolean>('llm.hideContent', false) === true;
  },
  promptPreviewLength(): number {
    return Math.round(num('details.promptPreviewLength', 500, 50, 1_000_000));
  },
};

/** Quiet period after a file event before a store is re-read: a writer commits in bursts. */
export const RELOAD_DEBOUNCE_MS = 300;
