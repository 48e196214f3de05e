import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { StoreEntry } from '../../../src/extension/stores/storeEntry';
import { eventConcerns, needsReload, pollChecks, storesToWatch, watchPattern } from '../../../src/extension/stores/watchPolicy';
import type { PostgresConnection } from '../../../src/extension/stores/postgresConnections';

function entry(id: string, opts: { touched?: boolean; loadedSig?: string; watchDir?: string; postgres?: PostgresConnection } = {}): StoreEntry {
  const e = new StoreEntry(id, opts.postgres);
  e.setListed({ discovered: true });
  const snap = { ...e.snapshot, state: opts.touched === false ? ({ kind: 'idle' } as const) : ({ kind: 'opening' } as const) };
  e.replaceSnapshot({
    ...snap,
    ...(opts.loadedSig !== undefined ? { loadedSig: opts.loadedSig } : {}),
    ...(opts.watchDir !== undefined ? { watchDir: opts.watchDir } : {}),
  });
  return e;
}

const PG: PostgresConnection = { name: 'prod', url: 'postgres://h/db', hadPassword: false };

describe('the store watcher’s decisions', () => {
  it('watches the stores read so far that have files, none with auto-refresh off', () => {
    const read = entry('/w/flujo_ops.db');
    const untouched = entry('/w/other.db', { touched: false });
    const server = entry('postgres://h/db', { postgres: PG });
    expect([...storesToWatch([read, untouched, server], true).keys()]).toEqual(['/w/flujo_ops.db']);
    expect(storesToWatch([read, untouched, server], false).size).toBe(0);
  });

  it('watches a database with its -wal and -shm, a folder store’s .jsonl files', () => {
    expect(watchPattern(entry(path.join('/w', 'flujo_ops.db')))).toEqual({ base: '/w', glob: 'flujo_ops.db*' });
    const traces = path.join('/w', '_pyrite', 'analytics', 'traces');
    expect(watchPattern(entry(traces, { watchDir: traces }))).toEqual({ base: traces, glob: '*.jsonl' });
  });

  it('counts events on the database and its -wal, not its -shm or a file that only shares its name', () => {
    const db = entry('/w/flujo_ops.db');
    expect(eventConcerns(db, undefined, '/w/flujo_ops.db')).toBe(true);
    expect(eventConcerns(db, undefined, '/w/flujo_ops.db-wal')).toBe(true);
    expect(eventConcerns(db, undefined, '/w/flujo_ops.db-shm')).toBe(false);
    expect(eventConcerns(db, undefined, '/w/flujo_ops.db.bak')).toBe(false);
    // Any .jsonl in a folder store's folder (new daily files too).
    expect(eventConcerns(entry('/t'), '/t', '/t/2026-01-08.jsonl')).toBe(true);
  });

  it('the poll skips a store a read or a pending check already covers, untouched stores and servers', () => {
    const e = entry('/w/flujo_ops.db');
    expect(pollChecks(e, { loading: false, checkPending: false })).toBe(true);
    expect(pollChecks(e, { loading: true, checkPending: false })).toBe(false);
    expect(pollChecks(e, { loading: false, checkPending: true })).toBe(false);
    expect(pollChecks(entry('/x.db', { touched: false }), { loading: false, checkPending: false })).toBe(false);
    expect(pollChecks(entry('postgres://h/db', { postgres: PG }), { loading: false, checkPending: false })).toBe(false);
  });

  it('reads again only when the files changed since the read, and only a listed store', () => {
    const e = entry('/w/flujo_ops.db', { loadedSig: 'k1' });
    expect(needsReload(e, true, 'k1')).toBe(false);
    expect(needsReload(e, true, 'k2')).toBe(true);
    expect(needsReload(e, false, 'k2')).toBe(false);
    expect(needsReload(entry('/x.db', { touched: false }), true, 'k2')).toBe(false);
  });
});
