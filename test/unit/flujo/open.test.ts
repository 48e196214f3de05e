import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, inject, it } from 'vitest';
import { openStore } from '../../../src/sources/open';
import { StoreError } from '../../../src/sources/types';
import { byName, fingerprint, toTree } from './helpers';

describe('openStore', () => {
  it('opens a flujo_ops.db as a Flujo store', async () => {
    const file = inject('flujoStore');
    const store = await openStore(file);
    try {
      expect(store.format).toBe('flujo');
      expect(store.id).toBe(file);
      expect((await store.listRuns({ limit: 1 })).length).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('rejects a SQLite file without Flujo tables', async () => {
    const file = inject('notFlujoStore');
    const err = await openStore(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toBe(`${file}: no Flujo tables (runs, spans) found — is this a flujo_ops.db?`);
  });

  it('says not found for a missing path, and what a folder can be', async () => {
    const missing = path.join(os.tmpdir(), 'spanlens-no-such-store.db');
    const err = await openStore(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ message: `${missing}: not found — check the path`, store: missing });
    const dir = path.dirname(inject('flujoStore'));
    await expect(openStore(dir)).rejects.toThrow(/is a folder.*flujo_ops\.db/);
    // The folder holds a flujo_ops.db, not waft's traces: forcing the format says so.
    await expect(openStore(dir, { format: 'waft' })).rejects.toThrow(/no waft traces here/);
  });

  it('rejects a file that is not SQLite, naming it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-open-'));
    try {
      const txt = path.join(dir, 'notes.txt');
      fs.writeFileSync(txt, 'hello');
      const err = await openStore(txt).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(new RegExp(`^${txt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a pre-2025-07 Flujo store (runs.start_time, traces.trace_json, no spans table)', () => {
  it('lists runs and builds spans from trace_json, else steps rows', async () => {
    const file = inject('flujoLegacyStore');
    const ids = inject('flujoLegacyManifest').scenarios;
    const before = fingerprint(file);
    const store = await openStore(file);
    try {
      const runs = new Map((await store.listRuns()).map((r) => [r.id, r]));
      expect(runs.size).toBe(3);
      const ok = runs.get(ids.legacyOk!)!;
      expect(ok).toMatchObject({ status: 'ok', rawStatus: 'completed', name: 'enrich_customers', spanCount: 3 });
      expect(new Date(ok.startMs!).getUTCFullYear()).toBe(2025);
      expect(ok.durationMs).toBeGreaterThan(0);
      const failed = runs.get(ids.legacyFailed!)!;
      expect(failed.error).toBe("KeyError: 'income'");
      expect(runs.get(ids.legacyRunning!)).toMatchObject({ status: 'running', spanCount: 1 });

      const spans = await store.getSpans(ids.legacyFailed!);
      const [root] = toTree(spans);
      expect(root!.children.map((c) => c.name)).toEqual(['load_customers', 'score_risk']);
      expect(byName(spans, 'score_risk').error).toMatchObject({ type: 'KeyError' });

      const steps = await store.getSpans(ids.legacyRunning!);
      expect(steps.map((s) => [s.name, s.attributes['spanlens.source']])).toEqual([['load_customers', 'steps']]);
      expect(steps[0]!.durationMs).toBeGreaterThan(0);

      expect((await store.spanSummaries()).length).toBe(3 + 3 + 1);
      expect((await store.findRuns(ids.legacyOk!.slice(-6))).map((r) => r.id)).toEqual([ids.legacyOk]);
    } finally {
      await store.close();
    }
    expect(fingerprint(file)).toEqual(before);
  });
});
