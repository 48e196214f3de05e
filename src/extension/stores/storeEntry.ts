/**
 * One trace store the extension knows, and its state as one immutable snapshot: the catalog
 * (storeCatalog.ts) says whether it is listed, the loader (storeLoader.ts) replaces its snapshot
 * on every change — never edits it — and moves `version` whenever what the store answers may
 * have changed. Views read `entry.state`, `entry.store`, `entry.version`; anything they cache is
 * keyed by the version. No 'vscode' (the facade's StoreEntry adds the URI and folder label).
 */
import { storeDisplayName } from '../../sources/storeFiles';
import type { TraceStore } from '../../sources/types';
import type { PostgresConnection } from './postgresConnections';

export type StoreState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'opening' }
  | { readonly kind: 'open'; readonly store: TraceStore; readonly loadedAt: number }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'tooLarge'; readonly sizeBytes: number; readonly limitBytes: number };

/** How a load shows progress: in the Runs view (user asked), the status bar (background), or not at all (live reloads). */
export type LoadProgress = 'view' | 'window' | 'none';

/** A store's state as of one change. Replaced whole, never mutated. */
export interface StoreSnapshot {
  readonly state: StoreState;
  /** Bumped on every (re)load: anything cached from the store goes stale with it. */
  readonly version: number;
  /** The user chose "load anyway" for a store over spanlens.maxStoreSizeMB. */
  readonly allowLarge: boolean;
  /** Database + -wal bytes at the last look. */
  readonly sizeBytes?: number;
  /** FileSignature.key of what the current state was read from; the watcher compares against it. */
  readonly loadedSig?: string;
  /** For a folder store (waft): the folder whose .jsonl files it reads, known once it was looked at. */
  readonly watchDir?: string;
  /** What the last read took, in ms. */
  readonly lastLoadMs: number;
}

/** What a change event carries: the store and the snapshot it changed to (its version with it). */
export interface StoreChange<E extends StoreEntry = StoreEntry> {
  readonly entry: E;
  readonly snapshot: StoreSnapshot;
}

export const IDLE_SNAPSHOT: StoreSnapshot = { state: { kind: 'idle' }, version: 0, allowLarge: false, lastLoadMs: 0 };

export class StoreEntry {
  private current: StoreSnapshot = IDLE_SNAPSHOT;
  private listedAs = { discovered: false, added: false };
  /** Set for a claude-flow store in PostgreSQL (from spanlens.postgres.connections): it has no file. */
  readonly postgres?: PostgresConnection;

  constructor(
    readonly id: string,
    postgres?: PostgresConnection,
  ) {
    if (postgres) this.postgres = postgres;
  }

  /** The state as of the last change (immutable; the next change replaces it). */
  get snapshot(): StoreSnapshot {
    return this.current;
  }

  get state(): StoreState {
    return this.current.state;
  }

  get version(): number {
    return this.current.version;
  }

  get sizeBytes(): number | undefined {
    return this.current.sizeBytes;
  }

  get loadedSig(): string | undefined {
    return this.current.loadedSig;
  }

  get watchDir(): string | undefined {
    return this.current.watchDir;
  }

  get allowLarge(): boolean {
    return this.current.allowLarge;
  }

  get lastLoadMs(): number {
    return this.current.lastLoadMs;
  }

  /** Found by the workspace search (or a PostgreSQL connection in settings). */
  get discovered(): boolean {
    return this.listedAs.discovered;
  }

  /** Added by the user (remembered in workspaceState). */
  get added(): boolean {
    return this.listedAs.added;
  }

  get store(): TraceStore | undefined {
    return this.current.state.kind === 'open' ? this.current.state.store : undefined;
  }

  /** Whether anything has been asked of this store yet (only then is it watched). */
  get touched(): boolean {
    return this.current.state.kind !== 'idle';
  }

  /** What the store is called: the file name, a waft store's project folder, a connection's name. */
  get basename(): string {
    if (this.postgres) return this.postgres.name;
    return storeDisplayName(this.id);
  }

  /** The loader's alone: the next snapshot. */
  replaceSnapshot(next: StoreSnapshot): void {
    this.current = next;
  }

  /** The catalog's alone: whether the store is found and/or added. */
  setListed(listed: { discovered?: boolean; added?: boolean }): void {
    this.listedAs = { ...this.listedAs, ...listed };
  }
}
