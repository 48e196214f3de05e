/**
 * Search indexes of the loaded stores, one per store: built in the background the first time
 * search needs them (progress in the status bar, or as a notification for a big store), brought
 * up to date when the store changes (only the runs that changed are read again; the older
 * index answers meanwhile), dropped with the store. The indexes live in the engine's worker
 * (src/worker), next to their stores: building one over a million spans never pauses the editor.
 * The slots and their scheduling are indexSlots.ts (no 'vscode'); this is its facade: the
 * registry's events, the setting that changes what an index holds, progress.
 */
import { formatCount } from '../../model/format';
import * as vscode from 'vscode';
import type { SearchOptions, SearchResult } from '../../analysis/search/search';
import type { RemoteSearchIndex } from '../../worker/client';
import { log, logError } from '../log';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';
import { SearchIndexSlots } from './indexSlots';

/** Stores bigger than this (bytes) show their indexing as a notification rather than in the status bar. */
const BIG_STORE_BYTES = 32 * 1024 * 1024;

export class SearchIndexManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** An index was built or dropped: a picker that is open searches again. */
  readonly onDidChange = this.changed.event;
  private readonly slots: SearchIndexSlots<StoreEntry>;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(registry: StoreRegistry) {
    this.slots = new SearchIndexSlots<StoreEntry>({
      list: () => registry.list(),
      open: (entry) => void registry.ensureOpen(entry, 'window'),
      retain: (store) => registry.retain(store),
      changed: () => this.changed.fire(),
      withBuildProgress: (entry, abort, build) => withBuildProgress(entry, abort, build),
      log: { info: (m) => log().info(m), error: logError },
    });
    this.disposables.push(
      registry.onDidChangeStore((e) => this.slots.storeChanged(e)),
      registry.onDidChangeStores(() => this.slots.storesChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.llm.hideContent')) this.slots.dropAll();
      }),
    );
  }

  /** The indexes ready now (possibly of an older version of a store while a newer one builds). */
  ready(): RemoteSearchIndex[] {
    return this.slots.ready();
  }

  /** One query over every ready index, in the engine; `indexes`: how many stores it covered. */
  search(query: string, opts: SearchOptions = {}): Promise<{ result: SearchResult; indexes: number }> {
    return this.slots.search(query, opts);
  }

  /** Stores whose index is being built, for the picker's "indexing…" line. */
  pending(): string[] {
    return this.slots.pending();
  }

  /** Opens every store not read yet and starts indexing those without an index. */
  ensureAll(): void {
    this.slots.ensureAll();
  }

  ensure(entry: StoreEntry): void {
    this.slots.ensure(entry);
  }

  dispose(): void {
    this.slots.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A whole build, with its progress shown: a cancellable notification for a big store, else in the status bar. */
function withBuildProgress(
  entry: StoreEntry,
  abort: AbortController,
  build: (onProgress: (spans: number) => void) => Promise<RemoteSearchIndex>,
): Promise<RemoteSearchIndex> {
  const big = (entry.sizeBytes ?? 0) > BIG_STORE_BYTES;
  return Promise.resolve(
    vscode.window.withProgress(
      {
        location: big ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
        title: `Spanlens: indexing ${entry.basename} for search`,
        cancellable: big,
      },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        return build((n) => progress.report({ message: `${formatCount(n)} spans` }));
      },
    ),
  );
}
