/**
 * The Runs view's nodes, one small class per kind: store → runs (paged) → span tree,
 * plus message items (loading, error, too large, empty) and "Load more…".
 * Every TreeItem gets a stable id (see nodeIds.ts) so refreshes keep expansion and
 * selection. Everything shown from a store is text: tooltips escape or fence it.
 */
import * as vscode from 'vscode';
import { llmSummary, llmTotals, totalsSummary, type LlmTotals } from '../../analysis/llmTotals';
import { toRunQuery } from '../../analysis/runs';
import { errorText } from '../../model/errors';
import { durationClockNote, formatAgo, formatBytes, formatDuration, formatTimestamp, formatCount } from '../../model/format';
import { originLabel, originNote, timesPlaced } from '../../model/origin';
import { isPlainWordFor } from '../../model/status';
import type { Run, Span, SpanNode } from '../../model/types';
import { walkTree } from '../../model/walk';
import { storeOp } from '../../worker/client';
import type { TreePage } from '../../worker/protocol';
import { describeFilter, isFilterActive, toRunFilter, type RunsFilter } from '../filters';
import { codeBlock, inlineCode, oneLine, runDescription, spanDescription, tailLines } from '../format';
import { errorMessage, logError } from '../log';
import { storeKind } from '../../sources/kinds';
import type { WindowHidden } from '../../sources/types';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';
import { isPasswordError, OPEN_POSTGRES_SETTINGS_COMMAND, SET_POSTGRES_PASSWORD_COMMAND } from '../stores/postgresConnections';
import { STATUS_WORD, statusIcon } from './icons';
import { IdDeduper, loadMoreNodeId, messageNodeId, runNodeId, spanNodeId, storeNodeId } from './nodeIds';
import { nodesOnErrorPaths } from './treeHelpers';

/** What nodes need from the view: the registry, span locations, the filter and paging. */
export interface ViewContext {
  readonly registry: StoreRegistry;
  /** Span locations (the source service, extension/source): tooltips, Go to Source on a row. */
  readonly sources: SpanSourceHints;
  filter(): RunsFilter;
  /** Runs shown per store: pageSize × pages loaded. */
  runLimit(storeId: string): number;
  storeCount(): number;
  /** Re-renders one node (a run whose LLM totals became known once its spans were read). */
  refreshNode?(node: ViewNode): void;
  /** Child spans shown under a run or span node (by node id) before its "Load more…" item. */
  childLimit(parentNodeId: string): number;
}

/** Child spans per page under a run or span: a loop of 100,000 iterations must not build 100,000 tree items at once. */
export const SPAN_PAGE_SIZE = 200;
/**
 * Runs with more spans than this are listed a page at a time from a tree the engine's worker
 * builds: receiving and building 100,000 spans here would pause the editor for most of a second.
 */
export const BIG_RUN_SPANS = 2_000;

/** Context values (menus' `viewItem`); also what e2e tests select by. */
export const CONTEXT = {
  store: 'store',
  storeError: 'store-error',
  storeLarge: 'store-large',
  /** A claude-flow connection (PostgreSQL): no file to reveal or copy. */
  storePg: 'store-pg',
  storePgError: 'store-pg-error',
  run: 'run',
  runFailed: 'run-failed',
  span: 'span',
  spanFailed: 'span-failed',
  /** A span whose source location is known: Go to Source shows inline. */
  spanSrc: 'span-src',
  spanFailedSrc: 'span-failed-src',
  loadMore: 'loadMore',
  loadMoreSpans: 'loadMoreSpans',
  message: 'message',
  error: 'error',
  tooLarge: 'tooLarge',
  action: 'action',
} as const;

/** Source locations for span rows: what the view asks of the source service (extension/source). */
export interface SpanSourceHints {
  /** `pipelines/enrich.py:24 (guess)` when resolved, null when the span has none, undefined when not resolved yet. */
  label(entry: StoreEntry, run: Run, span: Span): string | null | undefined;
  /** Resolves a run's spans before its rows are built (a bounded wait: late answers refresh the rows). */
  prepare(entry: StoreEntry, run: Run, roots: readonly SpanNode[]): Promise<void>;
}

export abstract class ViewNode {
  abstract readonly id: string;
  constructor(readonly parent: ViewNode | undefined) {}
  abstract getTreeItem(): vscode.TreeItem;
  getChildren(): ViewNode[] | Promise<ViewNode[]> {
    return [];
  }
}

function md(): vscode.MarkdownString {
  // Neither trusted (no command links) nor HTML: the text comes from user data.
  const m = new vscode.MarkdownString('', false);
  m.isTrusted = false;
  m.supportHtml = false;
  return m;
}

// ---- store ----

export class StoreNode extends ViewNode {
  readonly id: string;

  constructor(
    readonly ctx: ViewContext,
    readonly entry: StoreEntry,
  ) {
    super(undefined);
    this.id = storeNodeId(entry.id);
  }

  getTreeItem(): vscode.TreeItem {
    const e = this.entry;
    // Few stores: show their runs straight away. Many: let the user pick (each read costs memory).
    const state = this.ctx.storeCount() <= 3 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(e.basename, state);
    item.id = this.id;
    const folder = e.folderLabel;
    const tip = md();
    tip.appendMarkdown(`**${inlineCode(e.basename)}**\n\n`);
    tip.appendMarkdown(`${inlineCode(e.id)}\n\n`);
    if (e.store) tip.appendMarkdown(`${storeKind(e.store).label}\n\n`);
    const lineBased = e.watchDir !== undefined || /\.jsonl?$/i.test(e.id);
    if (e.sizeBytes !== undefined && !e.postgres) tip.appendMarkdown(`Size${lineBased ? '' : ' (with -wal)'}: ${formatBytes(e.sizeBytes)}\n\n`);
    tip.appendMarkdown(
      e.postgres
        ? 'claude-flow in PostgreSQL, from the setting `spanlens.postgres.connections`'
        : e.added && !e.discovered
          ? 'Added with *Open Trace Store…*'
          : 'Found in the workspace',
    );
    switch (e.state.kind) {
      case 'idle':
        item.iconPath = new vscode.ThemeIcon('database');
        item.description = folder;
        item.contextValue = e.postgres ? CONTEXT.storePg : CONTEXT.store;
        tip.appendMarkdown('\n\nNot read yet: expand to read it.');
        break;
      case 'opening':
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        item.description = [folder, 'Loading…'].filter(Boolean).join(' · ');
        item.contextValue = e.postgres ? CONTEXT.storePg : CONTEXT.store;
        break;
      case 'open': {
        const skipped = e.state.store.skippedLines ?? 0;
        const leftOut = e.state.store.skippedFiles ?? [];
        item.iconPath = new vscode.ThemeIcon('database');
        // Lines a crash tore or that are not JSON (waft, OTLP): counted, never fatal. Files of a
        // folder that cannot be read (a FIFO, no permission): left out, counted, named in the tooltip.
        item.description = [
          folder,
          skipped > 0 ? `${skipped} line${skipped === 1 ? '' : 's'} skipped` : '',
          leftOut.length > 0 ? `${leftOut.length} file${leftOut.length === 1 ? '' : 's'} left out` : '',
        ]
          .filter(Boolean)
          .join(' · ');
        item.contextValue = e.postgres ? CONTEXT.storePg : CONTEXT.store;
        tip.appendMarkdown(
          `\n\nRead ${formatAgo(e.state.loadedAt)} (${formatTimestamp(e.state.loadedAt)}); ${e.postgres ? 'read again on *Refresh*' : 're-read when the file changes'}.`,
        );
        if (skipped > 0) tip.appendMarkdown(`\n\n${skipped} line${skipped === 1 ? ' was' : 's were'} torn or not JSON and ${skipped === 1 ? 'was' : 'were'} skipped.`);
        for (const why of leftOut.slice(0, 5)) {
          tip.appendMarkdown('\n\nLeft out: ');
          tip.appendText(why);
        }
        break;
      }
      case 'error':
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.description = [folder, 'cannot be read'].filter(Boolean).join(' · ');
        item.contextValue = e.postgres ? CONTEXT.storePgError : CONTEXT.storeError;
        tip.appendMarkdown('\n\n');
        tip.appendText(e.state.message);
        break;
      case 'tooLarge':
        item.iconPath = new vscode.ThemeIcon('database');
        item.description = [folder, `${formatBytes(e.state.sizeBytes)} — not loaded`].filter(Boolean).join(' · ');
        item.contextValue = CONTEXT.storeLarge;
        break;
    }
    item.tooltip = tip;
    return item;
  }

  override async getChildren(): Promise<ViewNode[]> {
    const e = this.entry;
    switch (e.state.kind) {
      case 'idle':
        // Reading starts here, the first time the view shows this store; the registry's
        // change event replaces the "Loading…" item with the runs.
        void this.ctx.registry.ensureOpen(e, 'view');
        return [MessageNode.loading(this)];
      case 'opening':
        return [MessageNode.loading(this)];
      case 'error':
        if (e.postgres) return postgresErrorNodes(this, e.state.message);
        return [new ErrorNode(this, e.state.message)];
      case 'tooLarge':
        return [new TooLargeNode(this, e.state.sizeBytes, e.state.limitBytes)];
      case 'open':
        return this.runs();
    }
  }

  private async runs(): Promise<ViewNode[]> {
    const e = this.entry;
    const filter = this.ctx.filter();
    const limit = this.ctx.runLimit(e.id);
    let runs: Run[];
    try {
      // One more than shown tells whether "Load more…" is needed without counting.
      runs = await this.ctx.registry.query(e, (s) => s.listRuns(toRunQuery({ ...toRunFilter(filter), limit: limit + 1 })));
    } catch (err) {
      logError(`Listing runs of ${e.id} failed`, err);
      return [new ErrorNode(this, errorMessage(err))];
    }
    const ids = new IdDeduper();
    const nodes: ViewNode[] = runs.slice(0, limit).map((r) => new RunNode(this, this.ctx, e, r, ids.take(runNodeId(e.id, r.id))));
    if (runs.length > limit) nodes.push(new LoadMoreNode(this, e.id, limit));
    if (nodes.length === 0) {
      const hidden = filter.window === 'all' ? await this.hiddenByWindow() : undefined;
      if (hidden) {
        const within = `in the last ${hidden.days} days`;
        nodes.push(
          isFilterActive(filter)
            ? MessageNode.info(this, 'empty', `No runs ${within} match the filter (${describeFilter(filter)})`, 'filter')
            : MessageNode.info(this, 'empty', `No runs ${within}`, 'info'),
          new ActionNode(this, 'window', `${hidden.count} older run${hidden.count === 1 ? '' : 's'} — widen with the connection's sinceDays`, 'history', {
            command: OPEN_POSTGRES_SETTINGS_COMMAND,
            title: 'Edit Connection in Settings',
          }),
        );
      } else {
        nodes.push(
          isFilterActive(filter)
            ? MessageNode.info(this, 'empty', `No runs match the filter (${describeFilter(filter)})`, 'filter')
            : MessageNode.info(this, 'empty', 'No runs recorded yet', 'info'),
        );
      }
    }
    return nodes;
  }

  /** A store that lists only its recent runs (claude-flow: 30 days): how many older ones match, when any do. */
  private async hiddenByWindow(): Promise<WindowHidden | undefined> {
    const e = this.entry;
    try {
      const hidden = await this.ctx.registry.query(e, (s) => (s.hiddenByWindow ? s.hiddenByWindow(toRunQuery(toRunFilter(this.ctx.filter()))) : Promise.resolve(undefined)));
      return hidden && hidden.count > 0 ? hidden : undefined;
    } catch (err) {
      logError(`Counting older runs of ${e.id} failed`, err);
      return undefined;
    }
  }
}

// ---- run ----

export class RunNode extends ViewNode {
  constructor(
    parent: StoreNode,
    private readonly ctx: ViewContext,
    readonly entry: StoreEntry,
    readonly run: Run,
    readonly id: string,
  ) {
    super(parent);
  }

  /** Built when the row is hovered (TreeDataProvider.resolveTreeItem), not for every row listed. */
  tooltip(): vscode.MarkdownString {
    return runTooltip(this.run, runTotals.get(this.totalsKey())?.totals ?? undefined);
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.run;
    const expandable = r.spanCount > 0 || r.status === 'running';
    const item = new vscode.TreeItem(
      oneLine(r.name || r.id, 120),
      expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    // The last totals known, even from an older reading of the store: better than none while it is read again.
    const totals = runTotals.get(this.totalsKey())?.totals;
    item.description = totals ? `${runDescription(r)} · ${totalsSummary(totals)}` : runDescription(r);
    item.iconPath = statusIcon(r.status);
    item.contextValue = r.status === 'error' ? CONTEXT.runFailed : CONTEXT.run;
    item.accessibilityInformation = { label: `${r.name || r.id}, ${STATUS_WORD[r.status]}, ${item.description}` };
    return item;
  }

  override async getChildren(): Promise<ViewNode[]> {
    if (this.run.spanCount > BIG_RUN_SPANS) return this.pagedChildren();
    let roots: SpanNode[];
    try {
      roots = await this.ctx.registry.getSpanTree(this.entry, this.run.id);
    } catch (err) {
      logError(`Reading spans of run ${this.run.id} in ${this.entry.id} failed`, err);
      return [new ErrorNode(this, errorMessage(err), `run|${this.run.id}`)];
    }
    if (roots.length === 0) {
      return [MessageNode.info(this, `nospans|${this.run.id}`, this.run.status === 'running' ? 'No spans yet' : 'No spans recorded', 'info')];
    }
    await this.ctx.sources.prepare(this.entry, this.run, roots).catch((err: unknown) => logError('Resolving span sources failed', err));
    this.noteTotals(roots);
    const onErrorPath = nodesOnErrorPaths(roots);
    const ids = new IdDeduper();
    return spanPage(this, this.ctx, roots, (s) => new SpanItemNode(this, this.ctx, this.entry, this.run, s, onErrorPath, ids));
  }

  private totalsKey(): string {
    return `${this.entry.id}\u0000${this.run.id}`;
  }

  /**
   * A big run's top-level spans, a page at a time from the engine's worker, which builds its tree
   * (and its failed paths and LLM totals) next to the store: the whole tree never comes here.
   */
  private async pagedChildren(): Promise<ViewNode[]> {
    const limit = this.ctx.childLimit(this.id);
    let page: TreePage;
    try {
      page = await this.ctx.registry.query(this.entry, (s) => storeOp(s, 'treePage', [this.run.id, null, 0, limit]));
    } catch (err) {
      logError(`Reading spans of run ${this.run.id} in ${this.entry.id} failed`, err);
      return [new ErrorNode(this, errorMessage(err), `run|${this.run.id}`)];
    }
    if (page.total === 0) {
      return [MessageNode.info(this, `nospans|${this.run.id}`, this.run.status === 'running' ? 'No spans yet' : 'No spans recorded', 'info')];
    }
    this.storeTotals(page.totals ?? null);
    return pagedRows(this, this.ctx, this.entry, this.run, page, new Set(), new IdDeduper());
  }

  /** The run's LLM totals, known once its spans are read: shown on the run's row from then on. */
  private noteTotals(roots: SpanNode[]): void {
    const known = runTotals.get(this.totalsKey());
    if (known && known.version === this.entry.version) return;
    const spans: SpanNode[] = [];
    walkTree(roots, (n) => spans.push(n));
    this.storeTotals(llmTotals(spans) ?? null);
  }

  private storeTotals(totals: LlmTotals | null): void {
    const key = this.totalsKey();
    const known = runTotals.get(key);
    if (known && known.version === this.entry.version) return;
    runTotals.delete(key); // re-inserted last: the map's order is its LRU order
    runTotals.set(key, { version: this.entry.version, totals });
    while (runTotals.size > RUN_TOTALS_CACHE) runTotals.delete(runTotals.keys().next().value!);
    const line = (t: LlmTotals | null | undefined): string => (t ? totalsSummary(t) : '');
    if (line(totals) !== line(known?.totals)) (this.parent as StoreNode | undefined)?.ctx.refreshNode?.(this);
  }
}

/** Runs' LLM totals by store and run, with the store version they were read at (null: no LLM call). */
const runTotals = new Map<string, { version: number; totals: LlmTotals | null }>();
const RUN_TOTALS_CACHE = 5_000;

/** The store's own status word, when it says more than the normalized one ("completed" for ok does not). */
function showRawStatus(raw: string, status: Run['status']): boolean {
  const w = raw.trim().toLowerCase();
  return w !== STATUS_WORD[status] && !isPlainWordFor(w, status);
}

function runTooltip(r: Run, totals?: LlmTotals): vscode.MarkdownString {
  const tip = md();
  tip.appendMarkdown('**');
  tip.appendText(oneLine(r.name || r.id, 200));
  tip.appendMarkdown(`** — ${STATUS_WORD[r.status]}`);
  if (showRawStatus(r.rawStatus, r.status)) tip.appendMarkdown(` (store says ${inlineCode(r.rawStatus)})`);
  tip.appendMarkdown(`\n\nRun ID: ${inlineCode(r.id)}\n\n`);
  tip.appendMarkdown(`Started: ${formatTimestamp(r.startMs)} (${formatAgo(r.startMs)})\n\n`);
  const clock = r.status === 'running' ? '' : durationClockNote(r);
  tip.appendMarkdown(`Duration: ${r.status === 'running' ? 'running' : formatDuration(r.durationMs)}${clock ? ` (${clock})` : ''} · Spans: ${r.spanCount}`);
  if (totals) {
    tip.appendMarkdown('\n\nLLM: ');
    tip.appendText(`${totalsSummary(totals)} (in ${formatCount(totals.inputTokens)}, out ${formatCount(totals.outputTokens)})`);
    if (totals.models.length > 0) tip.appendMarkdown(` · ${totals.models.map((m) => inlineCode(m)).join(', ')}`);
  }
  if (r.error) {
    tip.appendMarkdown('\n\n**Error**\n');
    tip.appendMarkdown(codeBlock(tailLines(r.error, 20)));
  }
  return tip;
}

// ---- span ----

export class SpanItemNode extends ViewNode {
  readonly id: string;

  constructor(
    parent: ViewNode,
    private readonly ctx: ViewContext,
    readonly entry: StoreEntry,
    readonly run: Run,
    readonly span: SpanNode,
    private readonly onErrorPath: Set<SpanNode>,
    private readonly ids: IdDeduper,
    /**
     * Set for a span of a big run listed from the engine's tree a page at a time (its `children`
     * are not here): how many it has.
     */
    private readonly pagedChildCount?: number,
  ) {
    super(parent);
    this.id = ids.take(spanNodeId(entry.id, run.id, span.id));
  }

  private get childCount(): number {
    return this.pagedChildCount ?? this.span.children.length;
  }

  /** Built when the row is hovered (TreeDataProvider.resolveTreeItem), not for every row listed. */
  tooltip(): vscode.MarkdownString {
    const where = this.ctx.sources.label(this.entry, this.run, this.span) ?? undefined;
    return spanTooltip(this.span, this.childCount, where);
  }

  getTreeItem(): vscode.TreeItem {
    const s = this.span;
    let state = vscode.TreeItemCollapsibleState.None;
    if (this.childCount > 0) {
      // Open the way to a failure; keep everything else folded (loops can have thousands of iterations).
      state = this.onErrorPath.has(s) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    }
    const item = new vscode.TreeItem(oneLine(s.name || s.id, 120), state);
    item.id = this.id;
    const parentSpan = this.parent instanceof SpanItemNode ? this.parent.span : undefined;
    const origin = originNote(s, parentSpan);
    item.description = origin ? `${spanDescription(s)} · ${origin}` : spanDescription(s);
    item.iconPath = statusIcon(s.status);
    const where = this.ctx.sources.label(this.entry, this.run, s) ?? undefined;
    if (where) item.contextValue = s.status === 'error' ? CONTEXT.spanFailedSrc : CONTEXT.spanSrc;
    else item.contextValue = s.status === 'error' ? CONTEXT.spanFailed : CONTEXT.span;
    // Details and, when the span has a location, its code.
    item.command = { command: 'spanlens.openSpan', title: 'Show Span Details', arguments: [this] };
    item.accessibilityInformation = { label: `${s.name || s.id}, ${STATUS_WORD[s.status]}, ${item.description}` };
    return item;
  }

  override getChildren(): ViewNode[] | Promise<ViewNode[]> {
    if (this.pagedChildCount !== undefined) return this.pagedChildren();
    return spanPage(this, this.ctx, this.span.children, (c) => new SpanItemNode(this, this.ctx, this.entry, this.run, c, this.onErrorPath, this.ids));
  }

  /** A big run's span: its children a page at a time from the engine's tree. */
  private async pagedChildren(): Promise<ViewNode[]> {
    const limit = this.ctx.childLimit(this.id);
    let page: TreePage;
    try {
      page = await this.ctx.registry.query(this.entry, (s) => storeOp(s, 'treePage', [this.run.id, this.span.id, 0, limit]));
    } catch (err) {
      logError(`Reading spans of run ${this.run.id} in ${this.entry.id} failed`, err);
      return [new ErrorNode(this, errorMessage(err), `span|${this.id}`)];
    }
    return pagedRows(this, this.ctx, this.entry, this.run, page, this.onErrorPath, this.ids);
  }
}

/**
 * Rows of a page of a big run's tree (worker/ops treePage): their spans come without children;
 * each row knows how many it has and whether a failure lies below.
 */
async function pagedRows(
  parent: RunNode | SpanItemNode,
  ctx: ViewContext,
  entry: StoreEntry,
  run: Run,
  page: TreePage,
  onErrorPath: Set<SpanNode>,
  ids: IdDeduper,
): Promise<ViewNode[]> {
  const spans: SpanNode[] = page.rows.map((r) => ({ ...r.span, children: [] }));
  page.rows.forEach((r, i) => {
    if (r.onErrorPath) onErrorPath.add(spans[i]!);
  });
  // Locations for this page's rows only (a bounded wait, as for a whole run).
  await ctx.sources.prepare(entry, run, spans).catch((err: unknown) => logError('Resolving span sources failed', err));
  const out: ViewNode[] = spans.map((s, i) => new SpanItemNode(parent, ctx, entry, run, s, onErrorPath, ids, page.rows[i]!.childCount));
  if (page.total > spans.length) out.push(new LoadMoreSpansNode(parent, spans.length, page.total));
  return out;
}

function spanTooltip(s: SpanNode, childCount: number, where?: string): vscode.MarkdownString {
  const tip = md();
  tip.appendMarkdown('**');
  tip.appendText(oneLine(s.name || s.id, 200));
  tip.appendMarkdown(`** — ${STATUS_WORD[s.status]}`);
  if (showRawStatus(s.rawStatus, s.status)) tip.appendMarkdown(` (store says ${inlineCode(s.rawStatus)})`);
  tip.appendMarkdown(`\n\nSpan ID: ${inlineCode(s.id)}\n\n`);
  tip.appendMarkdown(`Starts at +${formatDuration(s.startOffsetMs)} · Duration: ${s.durationMs === undefined ? 'running' : formatDuration(s.durationMs)}`);
  const origin = originLabel(s);
  if (origin) {
    tip.appendMarkdown(`\n\n*${origin[0]!.toUpperCase()}${origin.slice(1)}${timesPlaced(s) ? ', placed in time from its latency' : ''} — not a span the system recorded*`);
  }
  if (childCount > 0) tip.appendMarkdown(` · ${childCount} child span${childCount === 1 ? '' : 's'}`);
  if (s.error) {
    tip.appendMarkdown('\n\n**');
    tip.appendText(oneLine(errorText(s.error), 300));
    tip.appendMarkdown('**\n');
    if (s.error.stack) tip.appendMarkdown(codeBlock(tailLines(s.error.stack, 15)));
  }
  if (s.llm) {
    tip.appendMarkdown('\n\nLLM: ');
    tip.appendText(llmSummary(s.llm) || s.llm.operation || 'call');
  }
  if (where) tip.appendMarkdown(`\n\nSource: ${inlineCode(where)}`);
  tip.appendMarkdown(where ? '\n\n*Click for details and source*' : '\n\n*Click for details*');
  return tip;
}

// ---- paging and messages ----

/** The first pages of a run's or span's children, and a "Load more…" item when there are more. */
function spanPage(parent: RunNode | SpanItemNode, ctx: ViewContext, children: readonly SpanNode[], make: (s: SpanNode) => SpanItemNode): ViewNode[] {
  const limit = ctx.childLimit(parent.id);
  const out: ViewNode[] = [];
  const n = Math.min(limit, children.length);
  for (let i = 0; i < n; i++) out.push(make(children[i]!));
  if (children.length > n) out.push(new LoadMoreSpansNode(parent, n, children.length));
  return out;
}

export class LoadMoreSpansNode extends ViewNode {
  readonly id: string;

  constructor(
    readonly owner: RunNode | SpanItemNode,
    private readonly shown: number,
    private readonly total: number,
  ) {
    super(owner);
    this.id = `${owner.id}|more`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${formatCount(this.shown)} of ${formatCount(this.total)} spans shown`;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = CONTEXT.loadMoreSpans;
    item.tooltip = `Show the next ${SPAN_PAGE_SIZE} spans (all of them are on the run's Trace Timeline)`;
    item.accessibilityInformation = { label: `Load more…, ${this.shown} of ${this.total} spans shown` };
    item.command = { command: 'spanlens.loadMoreSpans', title: 'Load More Spans', arguments: [this] };
    return item;
  }
}

export class LoadMoreNode extends ViewNode {
  readonly id: string;

  constructor(
    parent: StoreNode,
    private readonly storeId: string,
    private readonly shown: number,
  ) {
    super(parent);
    this.id = loadMoreNodeId(storeId);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${this.shown} shown`;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = CONTEXT.loadMore;
    item.tooltip = 'Show the next page of older runs (spanlens.runs.pageSize)';
    item.accessibilityInformation = { label: `Load more…, ${this.shown} shown` };
    item.command = { command: 'spanlens.loadMore', title: 'Load More Runs', arguments: [this.storeId] };
    return item;
  }
}

export class MessageNode extends ViewNode {
  private constructor(
    parent: ViewNode,
    readonly id: string,
    private readonly label: string,
    private readonly icon: vscode.ThemeIcon,
  ) {
    super(parent);
  }

  static loading(parent: StoreNode): MessageNode {
    return new MessageNode(parent, messageNodeId(parent.entry.id, 'loading'), 'Loading…', new vscode.ThemeIcon('loading~spin'));
  }

  static info(parent: StoreNode | RunNode, kind: string, label: string, icon: string): MessageNode {
    return new MessageNode(parent, messageNodeId(storeIdOf(parent), kind), label, new vscode.ThemeIcon(icon));
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = this.icon;
    item.contextValue = CONTEXT.message;
    return item;
  }
}

function storeIdOf(node: StoreNode | RunNode | SpanItemNode): string {
  return node.entry.id;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * `/long/path/flujo_ops.db: is not …` → `flujo_ops.db: is not …`. A connection's message starts at
 * what is wrong (its node names the server); other messages stay as they are, capitalized.
 */
function withFileName(message: string, file: string): string {
  if (!message.startsWith(`${file}: `)) return capitalize(message);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return capitalize(message.slice(file.length + 2));
  const name = file.split(/[\\/]/).filter(Boolean).pop() ?? file;
  return `${name}: ${message.slice(file.length + 2)}`;
}

/** A connection that failed: the reader's one line, then what to do about it (set the password, edit the connection). */
function postgresErrorNodes(parent: StoreNode, message: string): ViewNode[] {
  const id = parent.entry.id;
  const nodes: ViewNode[] = [
    new ErrorNode(
      parent,
      message,
      'error',
      '**What to do:** start or reach the server, set the password, or fix the connection in settings, then use *Refresh Store*. Other stores are not affected.',
    ),
  ];
  if (isPasswordError(message)) {
    nodes.push(
      new ActionNode(parent, 'set-password', 'Set PostgreSQL Password…', 'key', {
        command: SET_POSTGRES_PASSWORD_COMMAND,
        title: 'Set PostgreSQL Password…',
        arguments: [id],
      }),
    );
  }
  nodes.push(
    new ActionNode(parent, 'settings', 'Edit Connection in Settings…', 'gear', { command: OPEN_POSTGRES_SETTINGS_COMMAND, title: 'Edit Connection in Settings' }),
  );
  return nodes;
}

/**
 * The Runs view's first row in Restricted Mode, when the folder's settings name something held
 * back (trust.ts): says what, and opens the trust editor when clicked.
 */
export class RestrictedModeNode extends ViewNode {
  readonly id = 'restricted-mode';

  constructor(private readonly held: string) {
    super(undefined);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Restricted Mode: ${this.held} from this folder's settings are not used`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.description = 'trust the folder to use them';
    const tip = md();
    tip.appendMarkdown('This folder is not trusted, so Spanlens reads its trace files but does not use ');
    tip.appendText(this.held);
    tip.appendMarkdown(' from its settings (`.vscode/settings.json`): they could connect to a server or read files elsewhere. Click to manage workspace trust; the stores are read again once it is trusted.');
    item.tooltip = tip;
    item.contextValue = CONTEXT.message;
    item.command = { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' };
    return item;
  }
}

/** A row that runs a command when clicked: what to do about a store's error. */
export class ActionNode extends ViewNode {
  readonly id: string;

  constructor(
    parent: StoreNode,
    kind: string,
    private readonly label: string,
    private readonly icon: string,
    private readonly command: vscode.Command,
  ) {
    super(parent);
    this.id = messageNodeId(parent.entry.id, `action|${kind}`);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = CONTEXT.action;
    item.command = this.command;
    return item;
  }
}

/** A store (or run) that cannot be read: the one-line message, what to do in the tooltip, details in the log. */
export class ErrorNode extends ViewNode {
  readonly id: string;

  constructor(
    parent: StoreNode | RunNode | SpanItemNode,
    private readonly message: string,
    kind = 'error',
    /** Markdown: what to do, when the default (fix or replace the file) does not fit. */
    private readonly advice?: string,
  ) {
    super(parent);
    this.storeId = storeIdOf(parent);
    this.id = messageNodeId(this.storeId, kind);
  }

  private readonly storeId: string;

  getTreeItem(): vscode.TreeItem {
    // Name the file (not its whole path, which the store's node and the tooltip carry), then what is wrong.
    const item = new vscode.TreeItem(oneLine(withFileName(this.message, this.storeId), 300), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    item.contextValue = CONTEXT.error;
    const tip = md();
    tip.appendText(this.message);
    tip.appendMarkdown(
      `\n\n${
        this.advice ??
        '**What to do:** fix or replace the file, then use *Refresh Store* (it is also re-read by itself when it changes), ' +
          'or *Remove Store* to hide it. Other stores are not affected.'
      }\n\nClick to open the Spanlens log (Output › Spanlens) for details.`,
    );
    item.tooltip = tip;
    item.command = { command: 'spanlens.showLog', title: 'Show Spanlens Log' };
    return item;
  }
}

/** A store over spanlens.maxStoreSizeMB: not read until the user clicks. */
export class TooLargeNode extends ViewNode {
  readonly id: string;

  constructor(
    private readonly storeNode: StoreNode,
    private readonly sizeBytes: number,
    private readonly limitBytes: number,
  ) {
    super(storeNode);
    this.id = messageNodeId(storeNode.entry.id, 'tooLarge');
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Store is ${formatBytes(this.sizeBytes)} — click to load anyway`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    item.contextValue = CONTEXT.tooLarge;
    const tip = md();
    tip.appendMarkdown(
      `This store (database + -wal) is larger than \`spanlens.maxStoreSizeMB\` (${formatBytes(this.limitBytes)}). ` +
        'Reading it holds all of it in memory, about twice its size while it loads, and re-reads it whenever it changes.\n\n' +
        'Click to load it for this session, or raise the setting.',
    );
    item.tooltip = tip;
    item.command = { command: 'spanlens.loadLargeStore', title: 'Load Store Anyway', arguments: [this.storeNode.entry.id] };
    return item;
  }
}
