/**
 * The Runs view: a TreeDataProvider over the StoreRegistry. A store's change event
 * refreshes only that store's node; stable ids (nodeIds.ts) let VS Code keep what was
 * expanded and selected. Owns the view-wide filter and per-store paging.
 */
import * as vscode from 'vscode';
import { describeFilter, isFilterActive, NO_FILTER, parseFilter, type RunsFilter } from '../filters';
import { config } from '../config';
import { logError } from '../log';
import { RUNS_VIEW_ID, type StoreEntry, type StoreRegistry } from '../stores/storeRegistry';
import { heldBackSettings, heldBackText, onTrustGranted } from '../trust';
import type { SourceService } from '../source/sourceService';
import { RestrictedModeNode, RunNode, SPAN_PAGE_SIZE, SpanItemNode, StoreNode, type ViewContext, type ViewNode } from './nodes';

const FILTER_KEY = 'spanlens.runsFilter';
/** Context key: true while a filter is set; shows the "Clear Filters" title button. */
export const FILTER_ACTIVE_CONTEXT = 'spanlens.filterActive';
/** Context key: true once the workspace was searched for stores; picks the welcome text. */
export const DISCOVERED_CONTEXT = 'spanlens.discovered';

export class RunsTreeProvider implements vscode.TreeDataProvider<ViewNode>, ViewContext, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly filterChanged = new vscode.EventEmitter<RunsFilter>();
  readonly onDidChangeFilter = this.filterChanged.event;

  /** One node object per store for the view's lifetime: refresh events must name the object VS Code was given. */
  private readonly storeNodes = new Map<string, StoreNode>();
  /** Pages of runs loaded per store ("Load more…"); reset when the filter changes. */
  private readonly pages = new Map<string, number>();
  /** Pages of child spans shown per run/span node id ("Load more…" under a big loop). */
  private readonly childPages = new Map<string, number>();
  private current: RunsFilter;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly registry: StoreRegistry,
    private readonly memento: vscode.Memento,
    readonly sources: SourceService,
  ) {
    this.current = parseFilter(memento.get(FILTER_KEY));
    this.disposables.push(
      this.changed,
      this.filterChanged,
      registry.onDidChangeStores(() => this.changed.fire(undefined)),
      registry.onDidChangeStore((e) => this.refreshStore(e)),
      // Span locations that came too late for the rows: show them now.
      sources.onDidResolveLate((e) => this.refreshStore(e)),
      onTrustGranted(() => this.changed.fire(undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.runs.pageSize')) this.changed.fire(undefined);
        // In Restricted Mode a restricted setting the folder adds or drops changes the notice.
        else if (!vscode.workspace.isTrusted && e.affectsConfiguration('spanlens')) this.changed.fire(undefined);
      }),
    );
  }

  // ---- TreeDataProvider ----

  getTreeItem(node: ViewNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  async getChildren(node?: ViewNode): Promise<ViewNode[]> {
    try {
      if (!node) {
        // Pending until the workspace search is done: VS Code shows its progress bar, not the welcome text.
        await this.registry.whenDiscovered();
        // Until then the welcome view says "Looking for trace stores…" instead of "none found".
        void vscode.commands.executeCommand('setContext', DISCOVERED_CONTEXT, true);
        const stores: ViewNode[] = this.registry.list().map((e) => this.storeNode(e));
        const held = await heldBackSettings();
        return held.length > 0 ? [new RestrictedModeNode(heldBackText(held)), ...stores] : stores;
      }
      return await node.getChildren();
    } catch (e) {
      // Never let one node's failure blank the view; nodes turn expected failures into error items themselves.
      logError('Building the Runs view failed', e);
      return [];
    }
  }

  getParent(node: ViewNode): ViewNode | undefined {
    return node.parent;
  }

  /** Tooltips are built on hover: a run of 100,000 spans lists rows without building 100,000 of them. */
  resolveTreeItem(item: vscode.TreeItem, node: ViewNode): vscode.TreeItem {
    if (node instanceof SpanItemNode || node instanceof RunNode) item.tooltip = node.tooltip();
    return item;
  }

  // ---- ViewContext ----

  filter(): RunsFilter {
    return this.current;
  }

  runLimit(storeId: string): number {
    return config.pageSize() * (this.pages.get(storeId) ?? 1);
  }

  storeCount(): number {
    return this.registry.list().length;
  }

  childLimit(parentNodeId: string): number {
    return SPAN_PAGE_SIZE * (this.childPages.get(parentNodeId) ?? 1);
  }

  /** Shows the next page of a run's or span's children. */
  loadMoreChildren(parent: ViewNode): void {
    this.childPages.set(parent.id, (this.childPages.get(parent.id) ?? 1) + 1);
    this.changed.fire(parent);
  }

  /** Makes sure the child at `index` of a run/span node is listed (reveal, search); true when pages were added. */
  showChild(parentNodeId: string, index: number): boolean {
    const pages = Math.floor(index / SPAN_PAGE_SIZE) + 1;
    if ((this.childPages.get(parentNodeId) ?? 1) >= pages) return false;
    this.childPages.set(parentNodeId, pages);
    return true;
  }

  // ---- operations ----

  storeNode(entry: StoreEntry): StoreNode {
    let n = this.storeNodes.get(entry.id);
    if (!n || n.entry !== entry) {
      n = new StoreNode(this, entry);
      this.storeNodes.set(entry.id, n);
    }
    return n;
  }

  /** Re-renders one store's subtree, nothing else. */
  refreshStore(entry: StoreEntry): void {
    const n = this.storeNodes.get(entry.id);
    if (n && n.entry === entry) this.changed.fire(n);
  }

  refreshNode(node: ViewNode): void {
    this.changed.fire(node);
  }

  refreshAll(): void {
    this.changed.fire(undefined);
  }

  loadMore(storeId: string): void {
    this.pages.set(storeId, (this.pages.get(storeId) ?? 1) + 1);
    const entry = this.registry.get(storeId);
    if (entry) this.refreshStore(entry);
  }

  async setFilter(filter: RunsFilter): Promise<void> {
    this.current = filter;
    this.pages.clear();
    await this.memento.update(FILTER_KEY, filter);
    this.filterChanged.fire(filter);
    this.changed.fire(undefined);
  }

  clearFilter(): Promise<void> {
    return this.setFilter({ ...NO_FILTER });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Creates the view and keeps its description and context key in step with the filter. */
export function createRunsView(provider: RunsTreeProvider): vscode.TreeView<ViewNode> {
  const view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const show = (f: RunsFilter): void => {
    const text = describeFilter(f);
    view.description = text || undefined;
    // The description is cut off in a narrow sidebar; the message line above the tree is not.
    view.message = text ? `Filtered: ${text}` : undefined;
    void vscode.commands.executeCommand('setContext', FILTER_ACTIVE_CONTEXT, isFilterActive(f));
  };
  show(provider.filter());
  provider.onDidChangeFilter(show);
  return view;
}
