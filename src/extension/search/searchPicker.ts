/**
 * Spanlens: Search Traces — a QuickPick over every loaded store's search index. Results update
 * as the user types (debounced; a newer keystroke cancels the older query); choosing one reveals
 * it in the Runs view, opens Span Details and its source where one is resolved.
 */
import { storeDisplayName } from '../../sources/storeFiles';
import * as vscode from 'vscode';
import { FIELD_WORD } from '../../analysis/search/rank';
import type { SearchHit, SearchResult } from '../../analysis/search/search';
import { formatAgo, formatDuration, formatCount } from '../../model/format';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { errorMessage, logError } from '../log';
import type { ViewNode } from '../runsView/nodes';
import { findTreeNode } from '../runsView/findNode';
import { STATUS_CODICON } from '../runsView/icons';
import type { RunsTreeProvider } from '../runsView/runsTreeProvider';
import { storeOp } from '../../worker/client';
import type { SourceService } from '../source/sourceService';
import type { StoreRegistry } from '../stores/storeRegistry';
import type { SearchIndexManager } from './indexManager';

export const SEARCH_COMMAND = 'spanlens.searchTraces';
const RECENT_KEY = 'spanlens.recentSearches';
const MAX_RECENT = 10;
const DEBOUNCE_MS = 30;
const LIMIT = 50;

type Item = vscode.QuickPickItem & { hit?: SearchHit; recent?: string };

export interface SearchContext {
  extension: vscode.ExtensionContext;
  registry: StoreRegistry;
  provider: RunsTreeProvider;
  view: vscode.TreeView<ViewNode>;
  sources: SourceService;
  indexes: SearchIndexManager;
}

const PLACEHOLDER = 'Search runs and spans by id, name, error, attribute — filters: status:error name:score_* dur>500ms since:24h attr.key=value';

function icon(h: SearchHit): string {
  return `$(${STATUS_CODICON[h.status] ?? STATUS_CODICON.unset})`;
}



function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** The matched text, with the match set off by ⟦ ⟧ (a QuickPick highlights only its own matches). */
function matchedText(h: SearchHit): string {
  const s = h.match
    ? `${h.snippet.slice(0, h.match[0])}⟦${h.snippet.slice(h.match[0], h.match[1])}⟧${h.snippet.slice(h.match[1])}`
    : h.snippet;
  const w = FIELD_WORD[h.field];
  return w ? `${w}: ${s}` : s;
}

/**
 * A QuickPick matches the typed text against labels on its own while the box has text: items
 * whose label matches jump to the top, sorted alphabetically, and separators are hidden. So the
 * label is only the status icon (nothing to match); the name and where it ran are the
 * description (not matched: matchOnDescription is false), group headers are items, and every item
 * is `alwaysShow`: the engine's order and groups stand.
 */
export function hitItem(h: SearchHit, multiStore: boolean): Item {
  const where = [
    multiStore ? storeDisplayName(h.store) : '',
    h.kind === 'span' ? `run ${shortId(h.runId)}${h.runName ? ` (${h.runName})` : ''}` : shortId(h.runId),
    h.durationMs === undefined ? '' : formatDuration(h.durationMs),
    h.startMs === undefined ? '' : formatAgo(h.startMs),
  ].filter(Boolean);
  return {
    label: icon(h),
    description: [h.name || (h.spanId ?? h.runId), ...where].join(' · '),
    detail: matchedText(h),
    alwaysShow: true,
    hit: h,
  };
}

export function resultItems(r: SearchResult, multiStore: boolean): Item[] {
  const items: Item[] = [];
  for (const h of r.hints) items.push({ label: '$(info)', description: h, alwaysShow: true });
  // Group headers are items, not separators: a QuickPick hides separators while the box has text.
  const header = (title: string, shown: number, total: number, icon: string): Item => ({
    label: `$(${icon})`,
    description: `${title} — ${total > shown ? `best ${shown} of ${formatCount(total)}` : total}`,
    alwaysShow: true,
  });
  if (r.runs.length > 0) {
    items.push(header('Runs', r.runs.length, r.totalRuns, 'list-flat'));
    for (const h of r.runs) items.push(hitItem(h, multiStore));
  }
  if (r.spans.length > 0) {
    items.push(header('Spans', r.spans.length, r.totalSpans, 'list-tree'));
    for (const h of r.spans) items.push(hitItem(h, multiStore));
  }
  return items;
}

export function registerSearch(ctx: SearchContext): vscode.Disposable[] {
  return [vscode.commands.registerCommand(SEARCH_COMMAND, (initial?: unknown) => openPicker(ctx, typeof initial === 'string' ? initial : ''))];
}

function recent(ctx: SearchContext): string[] {
  const v = ctx.extension.workspaceState.get<unknown>(RECENT_KEY);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

async function remember(ctx: SearchContext, q: string): Promise<void> {
  const t = q.trim();
  if (!t) return;
  await ctx.extension.workspaceState.update(RECENT_KEY, [t, ...recent(ctx).filter((r) => r !== t)].slice(0, MAX_RECENT));
}

function openPicker(ctx: SearchContext, initial: string): void {
  ctx.indexes.ensureAll();
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Spanlens: Search Traces';
  qp.placeholder = PLACEHOLDER;
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  qp.ignoreFocusOut = false;
  let seq = 0;
  let abort: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const pendingItem = (): Item[] => {
    const p = ctx.indexes.pending();
    return p.length > 0 ? [{ label: `$(loading~spin) Indexing ${p.join(', ')}…`, alwaysShow: true }] : [];
  };

  const run = async (): Promise<void> => {
    const my = ++seq;
    abort?.abort();
    abort = new AbortController();
    const value = qp.value;
    if (value.trim() === '') {
      const rec = recent(ctx);
      qp.items = [
        ...pendingItem(),
        ...(rec.length > 0 ? [{ label: 'Recent searches', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
        ...rec.map((r) => ({ label: `$(history) ${r}`, description: 'recent search', alwaysShow: true, recent: r })),
      ];
      qp.busy = ctx.indexes.pending().length > 0;
      return;
    }
    try {
      const { result: r, indexes } = await ctx.indexes.search(value, { limit: LIMIT, signal: abort.signal });
      if (my !== seq) return;
      const items = [...pendingItem(), ...resultItems(r, indexes > 1)];
      if (r.runs.length === 0 && r.spans.length === 0 && ctx.indexes.pending().length === 0) {
        items.push({ label: indexes === 0 ? '$(info) No trace store is loaded' : '$(info) No runs or spans match', alwaysShow: true });
      }
      qp.items = items;
      // Land on the best result, not on a hint or a header.
      const first = items.find((i) => i.hit);
      if (first) qp.activeItems = [first];
      qp.busy = ctx.indexes.pending().length > 0;
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') return;
      logError('Search failed', e);
      if (my === seq) qp.items = [{ label: `$(warning) Search failed: ${errorMessage(e)}`, alwaysShow: true }];
    }
  };

  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), DEBOUNCE_MS);
  };

  const subs: vscode.Disposable[] = [
    qp.onDidChangeValue(schedule),
    ctx.indexes.onDidChange(() => void run()),
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (!item) return;
      if (item.recent !== undefined) {
        qp.value = item.recent;
        void run();
        return;
      }
      if (!item.hit) return;
      void remember(ctx, qp.value);
      qp.hide();
      void choose(ctx, item.hit);
    }),
    qp.onDidHide(() => {
      abort?.abort();
      if (timer) clearTimeout(timer);
      for (const s of subs) s.dispose();
      qp.dispose();
    }),
  ];
  qp.value = initial;
  void run();
  qp.show();
}

async function choose(ctx: SearchContext, hit: SearchHit): Promise<void> {
  const entry = ctx.registry.get(hit.store);
  if (!entry || !entry.store) {
    void vscode.window.showWarningMessage(`Spanlens: the store ${hit.store} is no longer loaded.`);
    return;
  }
  try {
    // 1. The Runs view: reveal and select it (when its run is listed under the current filter).
    const node = await findTreeNode(ctx.provider, entry, hit.runId, hit.spanId).catch((e: unknown) => {
      logError('Finding the search result in the Runs view failed', e);
      return undefined;
    });
    if (node) await Promise.resolve(ctx.view.reveal(node, { select: true, focus: false, expand: hit.kind === 'run' })).catch((e: unknown) => logError('Revealing the search result failed', e));
    if (hit.spanId === undefined) return;
    // 2. Span Details.
    const runs = await ctx.registry.query(entry, (s) => s.findRuns(hit.runId));
    const run = runs.find((r) => r.id === hit.runId);
    const spanId = hit.spanId;
    const span = await ctx.registry.query(entry, (s) => storeOp(s, 'span', [hit.runId, spanId]));
    if (!run || !span) {
      void vscode.window.showWarningMessage(`Spanlens: span ${hit.spanId} is no longer in ${hit.store} (the store changed) — search again.`);
      return;
    }
    const target = { storeId: entry.id, run, span };
    SpanDetailsPanel.show(ctx, target);
    // 3. Its source, where one is resolved.
    const loc = await ctx.sources.resolve(target);
    if (loc) await ctx.sources.open(loc, { preview: true, preserveFocus: false });
  } catch (e) {
    logError(`Opening search result ${hit.spanId ?? hit.runId} failed`, e);
    void vscode.window.showErrorMessage(`Spanlens: cannot open ${hit.name || hit.runId}: ${errorMessage(e)}`);
  }
}
