/**
 * What every surface asks of "where did this span happen in the code", without 'vscode': a
 * location label for a Runs view row, a run's spans resolved ahead of its rows (a bounded wait),
 * one span's location, and Span Details' check (the resolver's answer, else whether the store's own
 * `span.source` is a workspace file, and why not). SourceService (sourceService.ts) is this over
 * the workspace's resolver; unit-tested with a fake locator in test/unit/extension-pure.
 */
import { pushAll } from '../../model/arrays';
import type { SourceRef, Span, SpanNode } from '../../model/types';
import { locationLabel } from './labels';

/** A span named by its store and run: the question every surface asks. */
export interface SpanAt {
  storeId: string;
  run: { id: string };
  span: Span;
}

/** The resolver as the service needs it (SourceResolver; a fake in tests). */
export interface SpanLocator<L extends { source: SourceRef }> {
  /** The cached answer: a location, null for "none", undefined when not resolved yet. */
  peek(storeId: string, runId: string, span: Span): L | null | undefined;
  resolve(storeId: string, runId: string, span: Span): Promise<L | undefined>;
}

/** Go to Source for a span on show: where it opens, or why it cannot. */
export type SourceCheck<U> = { available: true; source: SourceRef; uri: U } | { available: false; source: SourceRef; reason: string };

export interface SpanSourcesOptions<U> {
  /** Whether the store's own location is a file of the workspace (when the resolver found none). */
  checkRecorded(source: SourceRef): Promise<{ available: true; uri: U } | { available: false; reason: string }>;
  /** How long a run's rows wait for their spans' locations before showing without them. */
  treeWaitMs?: number;
  /** Spans of one run resolved ahead for the tree; beyond, a span is resolved when clicked. */
  treeResolveMax?: number;
}

/** How long a run's rows wait for their spans' locations before showing without them. */
export const TREE_WAIT_MS = 800;
/** Spans of one run resolved ahead for the tree; beyond, a span is resolved when clicked. */
export const TREE_RESOLVE_MAX = 2000;

/** Up to `max` spans of a tree, parents before their children's subtrees are done (no recursion). */
export function spansAhead(roots: readonly SpanNode[], max: number): SpanNode[] {
  const spans: SpanNode[] = [];
  const stack = [...roots];
  while (stack.length && spans.length < max) {
    const n = stack.pop()!;
    spans.push(n);
    pushAll(stack, n.children);
  }
  return spans;
}

export class SpanSources<L extends { source: SourceRef; uri: U }, U> {
  private readonly treeWaitMs: number;
  private readonly treeResolveMax: number;

  constructor(
    private readonly locator: SpanLocator<L>,
    private readonly options: SpanSourcesOptions<U>,
  ) {
    this.treeWaitMs = options.treeWaitMs ?? TREE_WAIT_MS;
    this.treeResolveMax = options.treeResolveMax ?? TREE_RESOLVE_MAX;
  }

  /** `pipelines/enrich.py:24 (guess)` when resolved, null when the span has none, undefined when not resolved yet. */
  label(storeId: string, runId: string, span: Span): string | null | undefined {
    const loc = this.locator.peek(storeId, runId, span);
    return loc === undefined ? undefined : loc === null ? null : locationLabel(loc.source);
  }

  /**
   * Resolves a run's spans before its rows are built. True when they were in time; else the rows
   * show without locations and `late` runs once the answers are in (the first look reads the
   * project's files).
   */
  async prepare(storeId: string, runId: string, roots: readonly SpanNode[], late: () => void, onError: (e: unknown) => void): Promise<boolean> {
    const spans = spansAhead(roots, this.treeResolveMax);
    const all = Promise.all(spans.map((s) => this.locator.resolve(storeId, runId, s))).then(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inTime = await Promise.race([
      all.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.treeWaitMs))),
    ]).finally(() => clearTimeout(timer));
    if (!inTime) void all.then(late, onError);
    return inTime;
  }

  /** Where the span happened in the workspace, or undefined. */
  resolve(target: SpanAt): Promise<L | undefined> {
    return this.locator.resolve(target.storeId, target.run.id, target.span);
  }

  /**
   * Span Details' Go to Source: the resolver's location (it fills `source` for spans whose store
   * records none: tracebacks, step names), else the store's own `span.source` when it is a file
   * of the workspace, else why not; undefined when the span has no location at all.
   */
  async check(target: SpanAt): Promise<SourceCheck<U> | undefined> {
    const found = await this.resolve(target).catch(() => undefined);
    if (found) return { available: true, source: found.source, uri: found.uri };
    const own = target.span.source;
    if (!own) return undefined;
    const r = await this.options.checkRecorded(own).catch((e: unknown) => ({ available: false as const, reason: String(e) }));
    return r.available ? { available: true, source: own, uri: r.uri } : { available: false, source: own, reason: r.reason };
  }
}
