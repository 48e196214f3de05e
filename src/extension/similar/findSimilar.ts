/**
 * Find Similar Failures: for a failed run or span (its context menu in the Runs view, or the
 * button in Span Details), the failures like it in every loaded store, most similar first
 * (src/analysis/similar.ts: claude-flow's Jaccard of word sets, ids and numbers masked), in a
 * QuickPick; picking one opens that span's details and selects it in the Runs view.
 *
 * Each store's recent failures are read once per store version and kept: a second search is
 * a comparison in memory.
 */
import * as vscode from 'vscode';
import {
  DEFAULT_SIMILARITY_THRESHOLD,
  findSimilarFailures,
  runFailureText,
  similarityPercent,
  spanFailureText,
  type FailureCandidate,
} from '../../analysis/similar';
import { ownFailures } from '../../analysis/failures';
import { storeOp } from '../../worker/client';
import { formatStart } from '../../model/format';
import type { Run, Span } from '../../model/types';
import type { CommandContext } from '../commands/context';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { oneLine } from '../format';
import { errorMessage, log, logError } from '../log';
import { RunNode, SpanItemNode } from '../runsView/nodes';
import { revealInRunsView } from '../runsView/findNode';
import { withoutChildren } from '../runsView/treeHelpers';
import type { StoreEntry } from '../stores/storeRegistry';

export const FIND_SIMILAR_COMMAND = 'spanlens.findSimilarFailures';

/** Rows the QuickPick shows at most. */
const MAX_ITEMS = 200;

/** What the search starts from: a failed run, or one failed span of it. */
export interface SimilarTarget {
  storeId: string;
  run: Run;
  span?: Span;
}

interface StoreCandidate extends FailureCandidate {
  entry: StoreEntry;
}

type Item = vscode.QuickPickItem & { hit?: StoreCandidate };

function isTarget(x: unknown): x is SimilarTarget {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.storeId === 'string' && typeof o.run === 'object' && o.run !== null;
}

export function registerFindSimilar(ctx: CommandContext): vscode.Disposable[] {
  const { registry } = ctx;
  /** Per store: its failures, as of a store version. */
  const cache = new Map<string, { version: number; candidates: Promise<FailureCandidate[]> }>();

  const candidatesOf = (entry: StoreEntry): Promise<FailureCandidate[]> => {
    const hit = cache.get(entry.id);
    if (hit && hit.version === entry.version) return hit.candidates;
    // Read in the engine's worker: only the candidates cross, not the failed runs' spans.
    const candidates = registry.query(entry, (s) => storeOp(s, 'failureCandidates', []));
    candidates.catch(() => cache.delete(entry.id));
    cache.set(entry.id, { version: entry.version, candidates });
    return candidates;
  };

  const targetOf = (arg: unknown): SimilarTarget | undefined => {
    const node = arg ?? ctx.view.selection[0];
    if (node instanceof SpanItemNode) return { storeId: node.entry.id, run: node.run, span: withoutChildren(node.span) };
    if (node instanceof RunNode) return { storeId: node.entry.id, run: node.run };
    if (isTarget(node)) return node;
    return undefined;
  };

  const textOf = async (t: SimilarTarget): Promise<string> => {
    if (t.span) {
      const own = spanFailureText(t.span);
      if (own) return own;
    }
    if (t.run.error) return runFailureText(t.run);
    const entry = registry.get(t.storeId);
    if (!entry?.store) return '';
    // Only the run's own failures cross from the engine (ownFailures of those is the same set).
    const failed = await registry.query(entry, (s) => storeOp(s, 'ownFailures', [t.run.id]));
    return runFailureText(t.run, failed);
  };

  return [
    vscode.commands.registerCommand(FIND_SIMILAR_COMMAND, async (arg?: unknown) => {
      const target = targetOf(arg);
      if (!target) {
        void vscode.window.showInformationMessage('Spanlens: select a failed run or span in the Runs view first.');
        return;
      }
      let text: string;
      try {
        text = await textOf(target);
      } catch (e) {
        logError(`Reading run ${target.run.id} of ${target.storeId} failed`, e);
        text = '';
      }
      if (!text) {
        void vscode.window.showInformationMessage(
          `Spanlens: ${target.span ? `span ${target.span.name}` : `run ${target.run.name || target.run.id}`} recorded no error message to compare.`,
        );
        return;
      }

      const qp = vscode.window.createQuickPick<Item>();
      qp.title = `Failures like: ${oneLine(text, 80)}`;
      qp.placeholder = 'Reading the failures of the loaded stores…';
      qp.matchOnDescription = true;
      qp.matchOnDetail = true;
      qp.busy = true;
      qp.show();
      const picked = new Promise<StoreCandidate | undefined>((resolve) => {
        qp.onDidAccept(() => resolve(qp.selectedItems[0]?.hit));
        qp.onDidHide(() => resolve(undefined));
      });

      await registry.whenDiscovered();
      const stores = registry.list();
      const open = stores.filter((e) => e.store);
      const all: StoreCandidate[] = [];
      const failed: string[] = [];
      await Promise.all(
        open.map(async (entry) => {
          try {
            for (const c of await candidatesOf(entry)) all.push({ ...c, entry });
          } catch (e) {
            logError(`Reading the failures of ${entry.id} failed`, e);
            failed.push(entry.basename);
          }
        }),
      );
      // The target itself is no match; nor is its own run's error when the target is one of its spans.
      const others = all.filter((c) => {
        if (c.entry.id !== target.storeId || c.run.id !== target.run.id) return true;
        return target.span !== undefined && c.span !== undefined && c.span.id !== target.span.id;
      });
      const hits = findSimilarFailures(text, others);
      const unreadable = stores.filter((e) => e.state.kind === 'error').length;
      const notLoaded = stores.length - open.length - unreadable;
      const aside = [notLoaded ? `${notLoaded} not loaded yet` : '', unreadable ? `${unreadable} cannot be read` : ''].filter(Boolean).join(', ');
      const scope = `${open.length} loaded store${open.length === 1 ? '' : 's'}${aside ? ` (${aside})` : ''}${
        failed.length ? `; could not read the failures of ${failed.join(', ')}` : ''
      }`;
      const items: Item[] = hits.slice(0, MAX_ITEMS).map((h) => ({
        label: `$(error) ${similarityPercent(h.similarity)}  ${oneLine(h.span?.name ?? (h.run.name || h.run.id), 80)}`,
        description: [h.entry.basename, h.span ? h.run.name : '', formatStart(h.run.startMs)].filter(Boolean).join(' · '),
        detail: oneLine(h.text, 200),
        hit: h,
      }));
      if (items.length === 0) {
        items.push({
          label: '$(info) No similar failures',
          description: `similarity > ${similarityPercent(DEFAULT_SIMILARITY_THRESHOLD)} in ${scope}`,
          alwaysShow: true,
        });
      }
      qp.items = items;
      qp.placeholder = hits.length
        ? `${hits.length} similar failure${hits.length === 1 ? '' : 's'} in ${scope}: pick one to see its span`
        : `No failure in ${scope} is like this one`;
      qp.busy = false;
      log().debug(`Find Similar Failures: ${hits.length} of ${others.length} failure(s) in ${scope}`);

      const pick = await picked;
      qp.dispose();
      if (pick) await openHit(ctx, pick);
    }),
  ];
}

/** Opens a match's span in Span Details (a run-only match: its own failed span, else its root) and selects it in the tree. */
async function openHit(ctx: CommandContext, hit: StoreCandidate): Promise<void> {
  const { registry } = ctx;
  const entry = hit.entry;
  let span = hit.span;
  if (!span) {
    try {
      const spans = await registry.query(entry, (s) => s.getSpans(hit.run.id));
      span = ownFailures(spans)[0] ?? spans.find((s) => s.parentId === null) ?? spans[0];
    } catch (e) {
      logError(`Reading run ${hit.run.id} of ${entry.id} failed`, e);
      void vscode.window.showErrorMessage(`Spanlens: could not read run ${hit.run.id}: ${errorMessage(e)}`);
      return;
    }
  }
  if (!span) {
    void vscode.window.showInformationMessage(`Spanlens: run ${hit.run.name || hit.run.id} in ${entry.basename} has no spans to show.`);
    return;
  }
  SpanDetailsPanel.show(ctx, { storeId: entry.id, run: hit.run, span });
  if (ctx.view.visible) await revealInRunsView(ctx.provider, ctx.view, entry, hit.run.id, span.id);
}

