/**
 * The store watcher's decisions, apart from its file-system watchers and timers: which stores
 * are watched, on what pattern, which events count, which stores the poll looks at, and when a
 * store is read again. No 'vscode': unit-tested.
 */
import * as path from 'path';
import { isStoreFile } from '../../sources/signature';
import type { StoreEntry } from './storeEntry';

/** The stores to watch: those read (or asked for) and with files; none when auto-refresh is off. */
export function storesToWatch<E extends StoreEntry>(listed: readonly E[], autoRefresh: boolean): Map<string, E> {
  const wanted = new Map<string, E>();
  // A database server has no file to watch: it is re-read on Refresh.
  if (autoRefresh) for (const e of listed) if (e.touched && !e.postgres) wanted.set(e.id, e);
  return wanted;
}

/** A folder and a glob in it: a folder store's `*.jsonl` (new daily files too), else the file and its `-wal`/`-shm`. */
export function watchPattern(entry: Pick<StoreEntry, 'id' | 'watchDir'>): { base: string; glob: string } {
  const dir = entry.watchDir;
  return dir ? { base: dir, glob: '*.jsonl' } : { base: path.dirname(entry.id), glob: `${path.basename(entry.id)}*` };
}

/** Whether a watcher's event on `changed` concerns the store (its -shm, or another `<name>*` file, does not). */
export function eventConcerns(entry: Pick<StoreEntry, 'id'>, watchDir: string | undefined, changed: string): boolean {
  return watchDir !== undefined || isStoreFile(entry.id, path.normalize(changed));
}

/** Whether the poll checks the store now: a pending check or a read under way already covers it. */
export function pollChecks(entry: Pick<StoreEntry, 'touched' | 'postgres'>, busy: { loading: boolean; checkPending: boolean }): boolean {
  return entry.touched && !entry.postgres && !busy.loading && !busy.checkPending;
}

/** Whether a store whose files now have change key `sigKey` is read again (only when it differs from what was read). */
export function needsReload(entry: Pick<StoreEntry, 'touched' | 'postgres' | 'loadedSig'>, listed: boolean, sigKey: string): boolean {
  return listed && entry.touched && !entry.postgres && sigKey !== entry.loadedSig;
}
