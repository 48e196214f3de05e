import { describe, expect, it } from 'vitest';
import { AmbiguousRunError, resolveRun } from '../../../src/analysis/lookup';
import type { Run } from '../../../src/model/types';
import { StoreError, type TraceStore } from '../../../src/sources/types';
import { run } from './helpers';

/** A store holding only runs, with findRuns as the interface documents it. */
function memStore(runs: Run[]): TraceStore {
  return {
    id: 'mem.db',
    format: 'flujo',
    listRuns: async () => runs,
    findRuns: async (partial) => {
      const exact = runs.filter((r) => r.id === partial);
      if (exact.length) return exact;
      return runs.filter((r) => r.id.toLowerCase().includes(partial.toLowerCase()));
    },
    getSpans: async () => [],
    spanSummaries: async () => [],
    close: async () => {},
  };
}

async function failure(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('resolveRun (in-memory store)', () => {
  const store = memStore([run('run_abc123'), run('run_abc999'), run('run_def456'), run('RUN_XYZ')]);

  it('finds a run by full id and by any unique part, case-insensitively', async () => {
    expect((await resolveRun(store, 'run_def456')).id).toBe('run_def456');
    expect((await resolveRun(store, 'f45')).id).toBe('run_def456');
    expect((await resolveRun(store, 'xyz')).id).toBe('RUN_XYZ');
    expect((await resolveRun(store, '  abc123 ')).id).toBe('run_abc123');
  });

  it('says which id and store when nothing matches, and what to do', async () => {
    const e = await failure(resolveRun(store, 'nope'));
    expect(e.message).toBe("no run matches 'nope' in mem.db — run `spanlens list mem.db`");
    expect(e.store).toBe('mem.db');
  });

  it('names the candidates when the id is ambiguous', async () => {
    const e = await failure(resolveRun(store, 'abc'));
    expect(e).toBeInstanceOf(AmbiguousRunError);
    expect(e.message).toContain("'abc' is ambiguous in mem.db");
    expect(e.message).toContain('run_abc123, run_abc999');
    expect(e.message).not.toContain('\n');
    expect((e as AmbiguousRunError).candidates.map((r) => r.id)).toEqual(['run_abc123', 'run_abc999']);
  });

  it('names at most 10 candidates', async () => {
    const many = memStore(Array.from({ length: 25 }, (_, i) => run(`run_${String(i).padStart(3, '0')}`)));
    const e = await failure(resolveRun(many, 'run_'));
    expect(e.message).toContain('25 runs match');
    expect(e.message).toContain('run_009 and 15 more');
    expect(e.message).not.toContain('run_010');
  });

  it('prefers an exact id even if a looser store also returns longer ids', async () => {
    const loose: TraceStore = { ...store, findRuns: async () => [run('ab'), run('abc')] };
    expect((await resolveRun(loose, 'ab')).id).toBe('ab');
  });

  it('rejects an empty id', async () => {
    const e = await failure(resolveRun(store, '  '));
    expect(e.message).toMatch(/^empty run id/);
  });
});
