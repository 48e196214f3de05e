import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openFlujoStore } from '../../../src/sources/flujo/reader';
import type { TraceStore } from '../../../src/sources/types';
import { fingerprint } from './helpers';

const file = inject('flujoStore');
const m = inject('flujoManifest');
const ids = m.scenarios;
let store: TraceStore;
let before: ReturnType<typeof fingerprint>;

beforeAll(async () => {
  before = fingerprint(file);
  store = await openFlujoStore(file);
});
afterAll(async () => {
  await store.close();
  // Spanlens never writes the user's store, -wal and -shm included.
  expect(fingerprint(file)).toEqual(before);
});

describe('listRuns', () => {
  it('lists every run, newest first, including those only in the -wal', async () => {
    const runs = await store.listRuns();
    expect(runs).toHaveLength(m.runCount);
    expect(m.walRunIds.length).toBe(2);
    expect(runs.slice(0, 2).map((r) => r.id)).toEqual([...m.walRunIds].reverse());
    const starts = runs.map((r) => r.startMs!);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    expect(runs.every((r) => r.store === file)).toBe(true);
  });

  it('needs the -wal for its newest runs (the main file alone lacks them)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-nowal-'));
    const copy = path.join(dir, 'flujo_ops.db');
    fs.copyFileSync(file, copy);
    const mainOnly = await openFlujoStore(copy);
    try {
      const listed = (await mainOnly.listRuns()).map((r) => r.id);
      expect(listed).toHaveLength(m.runCount - m.walRunIds.length);
      for (const id of m.walRunIds) expect(listed).not.toContain(id);
    } finally {
      await mainOnly.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalizes statuses and keeps the store word', async () => {
    const runs = new Map((await store.listRuns()).map((r) => [r.id, r]));
    expect(runs.get(ids.enrichOk)).toMatchObject({ status: 'ok', rawStatus: 'completed', name: 'enrich_customers' });
    expect(runs.get(ids.failedTraceback)).toMatchObject({ status: 'error', rawStatus: 'failed' });
    expect(runs.get(ids.running)).toMatchObject({ status: 'running', rawStatus: 'running' });
    // runs.status says 'completed' after a HITL pause; workflow_state says 'paused'.
    const paused = runs.get(ids.paused)!;
    expect(paused).toMatchObject({ status: 'paused', rawStatus: 'paused', name: 'approve_refunds' });
    expect(paused.attributes['runs.status']).toBe('completed');
  });

  it('takes startMs from created_at and durations from the run record', async () => {
    const runs = new Map((await store.listRuns()).map((r) => [r.id, r]));
    const info = new Map(m.runs!.map((r) => [r.id, r]));
    for (const r of runs.values()) {
      expect(r.startMs).toBe(Math.floor(Date.parse(info.get(r.id)!.createdAt.slice(0, 23) + 'Z')));
      // 2025, not 1970 and not a monotonic clock.
      expect(new Date(r.startMs!).getUTCFullYear()).toBe(2025);
    }
    const ok = runs.get(ids.enrichOk)!;
    expect(ok.durationMs).toBeGreaterThan(100);
    expect(ok.durationMs).toBeLessThan(60_000);
    expect(ok.attributes['pipeline_version']).toMatch(/^1\.\d$/);
    expect(runs.get(ids.running)!.durationMs).toBeUndefined();
  });

  it('counts spans per run, from spans, a trace tree or steps rows', async () => {
    const runs = new Map((await store.listRuns()).map((r) => [r.id, r]));
    for (const info of m.runs!) if (info.spans > 0) expect(runs.get(info.id)!.spanCount).toBe(info.spans);
    expect(runs.get(ids.tracesOnly)!.spanCount).toBe(4);
    expect(runs.get(ids.stepsOnly)!.spanCount).toBe(3);
    expect(runs.get(ids.stepsOnly)!.durationMs).toBeGreaterThan(0);
  });

  it("gives a failed run the innermost failed span's error", async () => {
    const runs = new Map((await store.listRuns({ status: 'error' })).map((r) => [r.id, r]));
    expect(runs.get(ids.failedTraceback)!.error).toBe("KeyError: 'income'");
    expect(runs.get(ids.failedLoop)!.error).toBe('ValueError: model returned an empty response');
    expect(runs.get(ids.traceSaveError)!.error).toContain('Trace serialization failed');
  });

  it('filters by status, pipeline and time, and pages, in SQL', async () => {
    const all = await store.listRuns();
    for (const status of ['ok', 'error', 'running', 'paused', 'unset'] as const) {
      const got = await store.listRuns({ status });
      expect(got.map((r) => r.id)).toEqual(all.filter((r) => r.status === status).map((r) => r.id));
    }
    const scoring = await store.listRuns({ pipeline: 'score_loans' });
    expect(scoring.length).toBeGreaterThan(1);
    expect(scoring.every((r) => r.name === 'score_loans')).toBe(true);

    const mid = all[Math.floor(all.length / 2)]!.startMs!;
    const since = await store.listRuns({ sinceMs: mid });
    expect(since.map((r) => r.id)).toEqual(all.filter((r) => r.startMs! >= mid).map((r) => r.id));

    const page = await store.listRuns({ limit: 5, offset: 3 });
    expect(page.map((r) => r.id)).toEqual(all.slice(3, 8).map((r) => r.id));
    expect(await store.listRuns({ status: 'error', pipeline: 'score_loans', limit: 1 })).toHaveLength(1);
    expect(await store.listRuns({ pipeline: 'no_such_pipeline' })).toEqual([]);
  });
});

describe('findRuns', () => {
  it('finds by case-insensitive substring', async () => {
    const id = ids.failedTraceback!;
    const part = id.slice(6, 14).toUpperCase();
    const found = await store.findRuns(part);
    expect(found.map((r) => r.id)).toContain(id);
    expect(found.every((r) => r.id.toLowerCase().includes(part.toLowerCase()))).toBe(true);
  });

  it('returns an exact match alone', async () => {
    const found = await store.findRuns(ids.paused!);
    expect(found.map((r) => r.id)).toEqual([ids.paused]);
    // 'run_' is in every id: a substring, not an exact match.
    expect((await store.findRuns('run_')).length).toBe(m.runCount);
    expect(await store.findRuns('%')).toEqual([]);
    expect(await store.findRuns('  ')).toEqual([]);
  });
});

describe('spanSummaries', () => {
  it('summarizes every span of matching runs', async () => {
    const all = await store.spanSummaries();
    // span rows, plus the trace tree and steps standing in for runs without span rows
    expect(all).toHaveLength(m.spanCount + 4 + 3);
    const runs = await store.listRuns({ pipeline: 'score_loans' });
    const scoring = await store.spanSummaries({ pipeline: 'score_loans' });
    expect(new Set(scoring.map((s) => s.runId))).toEqual(new Set(runs.filter((r) => r.spanCount > 0).map((r) => r.id)));
    const failed = scoring.find((s) => s.name === 'call_model' && s.status === 'error');
    expect(failed?.durationMs).toBeGreaterThan(0);

    const since = runs[0]!.startMs!;
    const recent = await store.spanSummaries({ sinceMs: since });
    const recentRuns = (await store.listRuns({ sinceMs: since })).map((r) => r.id);
    expect(new Set(recent.map((s) => s.runId))).toEqual(new Set(recentRuns));
  });
});
