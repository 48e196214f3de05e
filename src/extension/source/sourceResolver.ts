/**
 * Span → a line of a workspace file, with src/resolve's resolvers: code.* attributes, the
 * innermost user frame of a stack, `file:line` references, a location the store recorded
 * (mapped into the workspace the same way), and last the step name (a guess). Answers are
 * cached per store, run and span (and the span's state: a running span that fails gains a
 * stack) and dropped when the workspace's files change.
 *
 * Only files of the workspace list are ever answered, so a trace can never lead the editor
 * outside the workspace folders.
 */
import * as vscode from 'vscode';
import type { SourceRef, Span } from '../../model/types';
import { mapToWorkspace, resolveSpanSource, type ResolvedSource, type SourceVia } from '../../resolve';
import type { StepIndex } from './stepIndex';
import type { WorkspaceFileList, WorkspaceFiles } from './workspaceFiles';

export interface SpanLocation {
  /** `path` is the workspace key (folder-relative; prefixed with the folder's name in a multi-root workspace). */
  source: SourceRef;
  uri: vscode.Uri;
  /** Which resolver found it; `recorded` = the store's own source field. */
  via: SourceVia | 'recorded';
  /** The path as the trace recorded it (or as the step lookup found it). */
  recordedPath: string;
}

/** Answers kept (a run of 10k spans browsed twice must not resolve twice). */
const CACHE_SIZE = 20_000;

function cacheKey(storeId: string, runId: string, span: Span): string {
  return [storeId, runId, span.id, span.status, span.durationMs ?? '', span.error?.message.length ?? '', span.events.length].join('\u0000');
}

export class SourceResolver implements vscode.Disposable {
  private readonly cache = new Map<string, SpanLocation | null>();
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  /** Earlier answers may be wrong now (files created, deleted or saved): ask again. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly files: WorkspaceFiles,
    private readonly steps: StepIndex,
  ) {
    const reset = (): void => {
      this.generation++;
      this.cache.clear();
      this.changed.fire();
    };
    this.disposables.push(this.changed, files.onDidChange(reset), steps.onDidChange(reset));
  }

  /** The cached answer: a location, null for "none", undefined when not resolved yet. */
  peek(storeId: string, runId: string, span: Span): SpanLocation | null | undefined {
    return this.cache.get(cacheKey(storeId, runId, span));
  }

  /** Where `span` happened in the workspace, or undefined. */
  async resolve(storeId: string, runId: string, span: Span): Promise<SpanLocation | undefined> {
    const key = cacheKey(storeId, runId, span);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const gen = this.generation;
    const list = await this.files.get();
    let loc = list.paths.length === 0 ? undefined : this.recorded(span, list);
    if (!loc && list.paths.length > 0) {
      // The last resort reads the project's sources once; only spans that need it pay for that.
      await this.steps.prepare();
      const r = resolveSpanSource(span, { workspaceFiles: list.index, findStepDefinition: (n) => this.steps.lookup(n) });
      loc = r ? toLocation(r, list) : undefined;
    }
    if (gen === this.generation) {
      this.cache.set(key, loc ?? null);
      while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return loc;
  }

  /** Resolves every span given (cached for peek()). */
  async resolveAll(storeId: string, runId: string, spans: readonly Span[]): Promise<void> {
    await Promise.all(spans.map((s) => this.resolve(storeId, runId, s)));
  }

  /** Resolvers 1–3, then the store's own source field: what the trace itself says. */
  private recorded(span: Span, list: WorkspaceFileList): SpanLocation | undefined {
    const r = resolveSpanSource(span, { workspaceFiles: list.index });
    if (r) return toLocation(r, list);
    const own = span.source;
    if (!own) return undefined;
    const m = mapToWorkspace(own.path, list.index);
    const uri = m && list.toUri(m.path);
    if (!m || !uri) return undefined;
    const source: SourceRef = { path: m.path, line: own.line };
    if (own.column !== undefined) source.column = own.column;
    if (own.guess) source.guess = true;
    return { source, uri, via: 'recorded', recordedPath: own.path };
  }

  dispose(): void {
    this.generation++;
    this.cache.clear();
    for (const d of this.disposables) d.dispose();
  }
}

function toLocation(r: ResolvedSource, list: WorkspaceFileList): SpanLocation | undefined {
  const uri = list.toUri(r.path);
  if (!uri) return undefined;
  const source: SourceRef = { path: r.path, line: Math.max(1, r.line) };
  if (r.column !== undefined && r.column > 0) source.column = r.column;
  if (r.guess || r.via === 'step-name') source.guess = true;
  return { source, uri, via: r.via, recordedPath: r.recordedPath };
}
