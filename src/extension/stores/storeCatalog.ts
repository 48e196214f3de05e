/**
 * Which trace stores exist: found by the workspace search (and PostgreSQL connections in
 * settings), added by the user, hidden by the user — the last two remembered in a memento
 * (workspaceState). Knows nothing of reading: a store that leaves the catalog is handed to
 * `dropped` (the loader closes it). No 'vscode': the search, the memento and the order are
 * injected, so it is unit-tested as it is.
 */
import type { PostgresConnection } from './postgresConnections';
import type { StoreEntry } from './storeEntry';

export const ADDED_KEY = 'spanlens.addedStores';
export const HIDDEN_KEY = 'spanlens.hiddenStores';

/** What of vscode.Memento the catalog uses. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** What one workspace search found: store ids (a file, or a folder store's folder) and the connections in settings. */
export interface SearchResult {
  ids: Iterable<string>;
  connections: ReadonlyMap<string, PostgresConnection>;
}

export interface CatalogDeps<E extends StoreEntry> {
  memento: MementoLike;
  createEntry(id: string, postgres?: PostgresConnection): E;
  /** Searches the workspace (and settings) for stores. */
  search(): Promise<SearchResult>;
  /** A store left the catalog: close what it holds. */
  dropped(entry: E): Promise<void>;
  /** The list of stores changed (found, added, removed). */
  changed(): void;
  /** The order of `list()`. */
  compare(a: E, b: E): number;
  /** Whether two store ids name the same file (case-insensitive file systems). */
  sameFile?(a: string, b: string): boolean;
  info?(message: string): void;
}

function storedPaths(memento: MementoLike, key: string): string[] {
  const v = memento.get<unknown>(key);
  return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
}

export class StoreCatalog<E extends StoreEntry> {
  private readonly entries = new Map<string, E>();
  private discovery: Promise<void> | undefined;
  private generation = 0;
  private disposed = false;
  private readonly sameFile: (a: string, b: string) => boolean;

  constructor(private readonly deps: CatalogDeps<E>) {
    this.sameFile = deps.sameFile ?? ((a, b) => a === b);
    for (const p of this.addedPaths()) this.entryFor(p).setListed({ added: true });
  }

  /** The stores shown, in the injected order. */
  list(): E[] {
    return [...this.entries.values()].filter((e) => e.added || e.discovered).sort((a, b) => this.deps.compare(a, b));
  }

  get(id: string): E | undefined {
    const e = this.entries.get(id);
    return e && (e.added || e.discovered) ? e : undefined;
  }

  /** Every entry held (listed or about to be): what a setting change applies to. */
  all(): E[] {
    return [...this.entries.values()];
  }

  /** Whether `entry` is the catalog's current entry for its id (a dropped one is not, even if its id comes back). */
  holds(entry: E): boolean {
    return !this.disposed && this.entries.get(entry.id) === entry;
  }

  /** Resolves once the first workspace search is done; starts it when nobody has. */
  whenDiscovered(): Promise<void> {
    this.discovery ??= this.discover();
    return this.discovery;
  }

  /** Searches again (after a settings or folder change, or Refresh). */
  rediscover(): Promise<void> {
    this.discovery = this.discover();
    return this.discovery;
  }

  private async discover(): Promise<void> {
    // Searches overlap (a settings change and a trust grant at once): only the newest applies,
    // so one that started with the old settings cannot undo the one that read the new.
    const generation = ++this.generation;
    const result = await this.deps.search();
    if (this.disposed || generation !== this.generation) return;
    const found = new Set(result.ids);
    const hidden = this.hiddenPaths();
    let changed = false;
    // The list is brought up to date without a pause (closing a store waits for the engine, and a
    // newer search may finish meanwhile); the dropped stores are closed after.
    const closing: Array<Promise<void>> = [];
    for (const [id, c] of result.connections) {
      found.add(id);
      const e = this.entries.get(id);
      // A changed connection (name, sinceDays): its entry is dropped here and made anew below.
      if (e && JSON.stringify(e.postgres) !== JSON.stringify(c)) {
        closing.push(this.drop(e));
        changed = true;
      }
    }
    for (const p of found) {
      if (hidden.some((h) => this.sameFile(h, p))) continue;
      const e = this.entryFor(p, result.connections.get(p));
      if (!e.discovered) {
        e.setListed({ discovered: true });
        changed = true;
      }
    }
    for (const e of [...this.entries.values()]) {
      if (e.discovered && !found.has(e.id)) {
        e.setListed({ discovered: false });
        changed = true;
        if (!e.added) closing.push(this.drop(e));
      }
    }
    this.deps.info?.(`Found ${found.size} trace store(s) in the workspace`);
    if (changed) this.deps.changed();
    await Promise.all(closing);
  }

  /** Adds a store the user picked; un-hides it when it had been removed. */
  async add(id: string): Promise<E> {
    await this.unhide(id);
    const added = this.addedPaths();
    if (!added.some((a) => this.sameFile(a, id))) await this.deps.memento.update(ADDED_KEY, [...added, id]);
    const e = this.entryFor(id);
    e.setListed({ added: true });
    this.deps.changed();
    return e;
  }

  /** Shows a hidden store again (a PostgreSQL connection connected to again). */
  async unhide(id: string): Promise<void> {
    await this.deps.memento.update(
      HIDDEN_KEY,
      this.hiddenPaths().filter((h) => !this.sameFile(h, id)),
    );
  }

  /** Removes a store from the view; a store found in the workspace stays hidden until added again. */
  async remove(entry: E): Promise<void> {
    await this.deps.memento.update(
      ADDED_KEY,
      this.addedPaths().filter((a) => !this.sameFile(a, entry.id)),
    );
    if (entry.discovered) {
      const hidden = this.hiddenPaths();
      if (!hidden.some((h) => this.sameFile(h, entry.id))) await this.deps.memento.update(HIDDEN_KEY, [...hidden, entry.id]);
    }
    await this.drop(entry);
    this.deps.changed();
  }

  dispose(): void {
    this.disposed = true;
    this.entries.clear();
  }

  private entryFor(id: string, postgres?: PostgresConnection): E {
    let e = this.entries.get(id);
    if (!e) {
      e = this.deps.createEntry(id, postgres);
      this.entries.set(id, e);
    }
    return e;
  }

  /** Takes the entry off the list at once (before any await); resolves when its store is closed. */
  private drop(entry: E): Promise<void> {
    this.entries.delete(entry.id);
    entry.setListed({ added: false, discovered: false });
    return this.deps.dropped(entry);
  }

  private addedPaths(): string[] {
    return storedPaths(this.deps.memento, ADDED_KEY);
  }

  private hiddenPaths(): string[] {
    return storedPaths(this.deps.memento, HIDDEN_KEY);
  }
}
