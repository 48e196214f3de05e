import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openFlujoStore } from '../../../src/sources/flujo/reader';
import { RAW_ATTRIBUTES_KEY } from '../../../src/sources/flujo/values';
import { PARENT_CYCLE_KEY, PARENT_MISSING_KEY } from '../../../src/sources/flujo/spans';
import { StoreError } from '../../../src/sources/types';
import type { TraceStore } from '../../../src/sources/types';
import { byName, toTree } from './helpers';

const file = inject('flujoStore');
const ids = inject('flujoManifest').scenarios;
let store: TraceStore;

beforeAll(async () => {
  store = await openFlujoStore(file);
});
afterAll(() => store.close());

describe('getSpans from span rows', () => {
  it('nests loop iterations under the loop span and the branch under the conditional', async () => {
    const spans = await store.getSpans(ids.enrichOk!);
    const [root, ...more] = toTree(spans);
    expect(more).toEqual([]);
    expect(root!.name).toBe('pipeline_run');
    expect(root!.children.map((c) => c.name)).toEqual(['load_customers', 'route_by_region', 'refine_addresses', 'write_output']);
    const branch = root!.children[1]!;
    expect(branch.attributes['flujo.step.type']).toBe('ConditionalStep');
    expect(branch.attributes['executed_branch_key']).toBe('eu');
    expect(branch.children.map((c) => c.name)).toEqual(['normalize_eu']);
    const loop = root!.children[2]!;
    expect(loop.attributes['flujo.step.type']).toBe('LoopStep');
    expect(loop.children.map((c) => c.name)).toEqual([1, 2, 3].map((k) => `Loop 'refine_addresses' - Iteration ${k}`));
    for (const it of loop.children) expect(it.children.map((c) => c.name)).toEqual(['geocode']);
  });

  it('turns monotonic seconds into offsets and durations from the run start', async () => {
    const spans = await store.getSpans(ids.enrichOk!);
    const root = byName(spans, 'pipeline_run');
    expect(root.startOffsetMs).toBe(0);
    expect(spans.map((s) => s.startOffsetMs)).toEqual([...spans.map((s) => s.startOffsetMs)].sort((a, b) => a - b));
    for (const s of spans) {
      expect(s.startOffsetMs).toBeGreaterThanOrEqual(0);
      expect(s.durationMs).toBeGreaterThan(0);
      // child windows sit inside the root's: no epoch/monotonic mix-up
      expect(s.startOffsetMs + s.durationMs!).toBeLessThanOrEqual(root.durationMs! + 1e-6);
    }
    expect(root.durationMs).toBeLessThan(60_000);
    expect(root.attributes['flujo.pipeline.name']).toBe('enrich_customers');
    expect(byName(spans, 'load_customers').attributes['step_input']).toMatch(/batch/);
  });

  it("reads a failed span's error from its feedback traceback", async () => {
    const spans = await store.getSpans(ids.failedTraceback!);
    const failed = byName(spans, 'score_risk');
    expect(failed).toMatchObject({ status: 'error', rawStatus: 'failed' });
    expect(failed.error).toMatchObject({ type: 'KeyError', message: "'income'" });
    expect(failed.error!.stack).toContain('File "/home/ci/project/pipelines/enrich.py", line 24, in score_risk');
    expect(failed.error!.stack).toMatch(/^Traceback \(most recent call last\):/);
    expect(failed.attributes['step_input']).toBe("{'customer_id': 4411}");
    // the root failed too, but recorded no feedback of its own
    expect(byName(spans, 'pipeline_run').status).toBe('error');
    expect(byName(spans, 'pipeline_run').error).toBeUndefined();
  });

  it('keeps the failure inside its loop iteration', async () => {
    const spans = await store.getSpans(ids.failedLoop!);
    const tree = toTree(spans)[0]!;
    const loop = tree.children.find((c) => c.name === 'retry_scoring')!;
    const it2 = loop.children[1]!;
    expect(it2.name).toBe("Loop 'retry_scoring' - Iteration 2");
    expect(it2.children[0]!.error).toEqual({ type: 'ValueError', message: 'model returned an empty response' });
    expect(loop.error!.message).toContain('Loop body failed');
  });

  it('leaves a running span without a duration', async () => {
    const spans = await store.getSpans(ids.running!);
    expect(byName(spans, 'pipeline_run')).toMatchObject({ status: 'running' });
    expect(byName(spans, 'pipeline_run').durationMs).toBeUndefined();
    expect(byName(spans, 'score_risk').durationMs).toBeUndefined();
    expect(byName(spans, 'load_customers').durationMs).toBeGreaterThan(0);
  });

  it("reads Flujo's trace_save_error span (epoch seconds, status 'error')", async () => {
    const [span] = await store.getSpans(ids.traceSaveError!);
    expect(span).toMatchObject({ name: 'trace_save_error', status: 'error', rawStatus: 'error', startOffsetMs: 0, durationMs: 0 });
    expect(span!.error).toMatchObject({ type: 'TypeError' });
  });

  it('brings strange-but-legal data through as data', async () => {
    const spans = await store.getSpans(ids.strange!);
    expect(() => toTree(spans)).not.toThrow(); // the cycle is cut
    const orphan = byName(spans, 'orphan');
    expect(orphan.parentId).toBeNull();
    expect(orphan.attributes[PARENT_MISSING_KEY]).toBe('0f0e0d0c-dead-4bee-8000-000000000000');
    const a = byName(spans, 'cycle_a');
    const b = byName(spans, 'cycle_b');
    // the earlier of the two becomes a root; the later keeps its stored parent
    expect(a.parentId).toBeNull();
    expect(a.attributes[PARENT_CYCLE_KEY]).toBe(b.id);
    expect(b.parentId).toBe(a.id);
    const bad = byName(spans, 'bad_json');
    expect(bad.attributes).toEqual({ [RAW_ATTRIBUTES_KEY]: '{"flujo.step.type": "Step", "step_input": "trunc' });
    const html = byName(spans, '<img src=x onerror=alert(1)>');
    expect(html.status).toBe('ok');
  });

  it('throws a StoreError for an unknown run id', async () => {
    await expect(store.getSpans('run_does_not_exist')).rejects.toThrow(StoreError);
    await expect(store.getSpans('run_does_not_exist')).rejects.toThrow(/no run with id 'run_does_not_exist'/);
  });
});

describe('getSpans without span rows', () => {
  it('builds the tree from traces.trace_data, events included', async () => {
    const spans = await store.getSpans(ids.tracesOnly!);
    const [root] = toTree(spans);
    expect(root!.name).toBe('pipeline_run');
    expect(root!.children.map((c) => c.name)).toEqual(['pull_tickets', 'summarize', 'notify']);
    const retry = byName(spans, 'summarize');
    expect(retry.events.map((e) => e.name)).toEqual(['flujo.retry', 'agent.prompt']);
    expect(retry.events[1]!.attributes['rendered_history']).toContain('ticket 7');
    expect(retry.attributes['flujo.attempt_number']).toBe(2);
    expect(retry.durationMs).toBeGreaterThan(0);
    expect(root!.attributes['spanlens.source']).toBe('traces');
  });

  it('builds flat spans from steps rows, in step order, timed by created_at', async () => {
    const spans = await store.getSpans(ids.stepsOnly!);
    expect(spans.map((s) => s.name)).toEqual(['list_invoices', 'match_payments', 'reconcile']);
    expect(spans.every((s) => s.parentId === null)).toBe(true);
    expect(spans.map((s) => s.status)).toEqual(['ok', 'ok', 'error']);
    expect(spans[0]!.startOffsetMs).toBe(0);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.startOffsetMs).toBeCloseTo(spans[i - 1]!.startOffsetMs + spans[i - 1]!.durationMs!, 3);
    }
    expect(spans.every((s) => s.durationMs! > 0 && s.durationMs! < 10_000)).toBe(true);
    expect(spans[0]!.attributes['spanlens.source']).toBe('steps');
  });
});
