/**
 * A store as Flujo 0.6 writes it (flujo_store.py --flujo06): span rows only for pipeline_run and
 * top-level steps, loop iterations and branches only in workflow_state.step_history, wrapped agent
 * errors, a running run with steps rows and a partial history.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildTrace } from '../../../src/analysis/trace';
import { originLabel, spanOrigin } from '../../../src/model/origin';
import type { Span, SpanNode } from '../../../src/model/types';
import { innermostUserFrame, resolveSpanSourceRecorded } from '../../../src/resolve';
import { openStore } from '../../../src/sources/open';
import type { SearchDoc, TraceStore } from '../../../src/sources/types';
import { byName, fingerprint, toTree } from './helpers';

let store: TraceStore;
const m = inject('flujo06Manifest');
const file = inject('flujo06Store');
const before = fingerprint(file);

beforeAll(async () => {
  store = await openStore(file);
});
afterAll(async () => {
  await store.close();
  expect(fingerprint(file)).toEqual(before); // read, never written
});

function node(roots: SpanNode[], path: string[]): SpanNode {
  let level = roots;
  let found: SpanNode | undefined;
  for (const name of path) {
    found = level.find((n) => n.name === name);
    if (!found) throw new Error(`no ${name} under ${path.join(' > ')}: ${level.map((n) => n.name).join(', ')}`);
    level = found.children;
  }
  return found!;
}

describe('Flujo 0.6: step history', () => {
  it("a loop's iterations are spans under their step, each with its body steps, from step history", async () => {
    const spans = await store.getSpans(m.scenarios['loopOk']!);
    const roots = toTree(spans);
    expect(roots.map((r) => r.name)).toEqual(['pipeline_run']);
    const loop = node(roots, ['pipeline_run', 'refine_addresses']);
    expect(spanOrigin(loop)).toBeUndefined(); // the step's own span row
    expect(loop.children.map((c) => c.name)).toEqual([1, 2, 3].map((k) => `Loop 'refine_addresses' - Iteration ${k}`));
    for (const it of loop.children) {
      expect(it.children.map((c) => c.name)).toEqual(['geocode', 'validate_address']);
      expect(spanOrigin(it)).toBe('step_history');
      expect(originLabel(it)).toBe('from step history');
      expect(it.attributes['spanlens.timing']).toBe('placed');
      // Placed from latencies: inside the loop's span, body steps one after another.
      expect(it.startOffsetMs).toBeGreaterThanOrEqual(loop.startOffsetMs);
      expect(it.startOffsetMs + it.durationMs!).toBeLessThanOrEqual(loop.startOffsetMs + loop.durationMs! + 0.01);
      const [a, b] = it.children;
      expect(b!.startOffsetMs).toBeCloseTo(a!.startOffsetMs + a!.durationMs!, 2);
      expect(a!.durationMs).toBeCloseTo((a!.attributes['latency_s'] as number) * 1000, 2);
      expect(a!.attributes['output']).toContain('"lat"');
    }
    const iters = loop.children;
    expect(iters[1]!.startOffsetMs).toBeCloseTo(iters[0]!.startOffsetMs + iters[0]!.durationMs!, 2);
  });

  it("a conditional's branch is a span named by its executed_branch_key, holding the branch's steps", async () => {
    const roots = toTree(await store.getSpans(m.scenarios['loopOk']!));
    const branch = node(roots, ['pipeline_run', 'route_by_region', "Branch 'eu'"]);
    expect(branch.attributes['executed_branch_key']).toBe('eu');
    expect(branch.children.map((c) => c.name)).toEqual(['normalize_eu']);
    expect(spanOrigin(branch.children[0]!)).toBe('step_history');
  });

  it('a failed iteration fails with its body step, whose error is the cause; the run says the cause', async () => {
    const id = m.scenarios['loopFailed']!;
    const roots = toTree(await store.getSpans(id));
    const loop = node(roots, ['pipeline_run', 'retry_scoring']);
    expect(loop.children.map((c) => c.status)).toEqual(['ok', 'error']);
    const failed = loop.children[1]!.children[0]!;
    expect(failed.name).toBe('call_model');
    expect(failed.error).toEqual({ type: 'ValueError', message: 'model returned an empty response' });
    expect(loop.error!.message).toBe('Loop body failed: ValueError: model returned an empty response');
    const [run] = await store.listRuns({ ids: [id] });
    expect(run!.error).toBe('ValueError: model returned an empty response');
  });

  it('the pre-0.6 store (iteration span rows) is not expanded twice', async () => {
    // Generated runs in this store carry iteration span rows and an empty history.
    const gen = m.runs!.filter((r) => !Object.values(m.scenarios).includes(r.id));
    expect(gen.length).toBeGreaterThan(0);
    for (const r of gen) {
      const spans = await store.getSpans(r.id);
      expect(spans.length).toBe(r.spans);
      expect(spans.some((s) => spanOrigin(s) === 'step_history')).toBe(false);
    }
  });

  it("a run's span count is what getSpans gives, history spans included", async () => {
    for (const run of await store.listRuns({ limit: 50 })) expect(run.spanCount, run.id).toBe((await store.getSpans(run.id)).length);
  });

  it('search indexes the same spans getSpans gives (scanSpans and getSpans agree)', async () => {
    const docs: SearchDoc[] = [];
    await store.scanSpans!((batch) => docs.push(...batch));
    for (const r of m.runs!) {
      const want = (await store.getSpans(r.id)).map((s) => s.id).sort();
      const got = docs.filter((d) => d.runId === r.id).map((d) => d.spanId).sort();
      expect(got, r.id).toEqual(want);
    }
    const iteration = docs.find((d) => d.name === "Loop 'retry_scoring' - Iteration 2")!;
    expect(iteration.attributes['spanlens.source']).toBe('step_history');
    expect(docs.find((d) => d.name === 'call_model' && d.status === 'error')!.error).toBe('ValueError: model returned an empty response');
    // The same for a few runs at a time (search catching up with a changed store).
    const some: SearchDoc[] = [];
    await store.scanSpans!((batch) => some.push(...batch), undefined, new Set([m.scenarios['loopOk']!]));
    expect(some.map((d) => d.spanId).sort()).toEqual((await store.getSpans(m.scenarios['loopOk']!)).map((s) => s.id).sort());
  });
});

describe("Flujo 0.6: Flujo's error text", () => {
  it("`Agent execution failed with KeyError: 'income'` is a KeyError, on the span and the run", async () => {
    const id = m.scenarios['agentKeyError']!;
    const step = byName(await store.getSpans(id), 'compute_dti');
    expect(step.error).toEqual({ type: 'KeyError', message: "'income'" });
    const [run] = await store.listRuns({ ids: [id] });
    expect(run!.error).toBe("KeyError: 'income'");
  });

  it('a traceback inside the message is the stack; the type is the one Flujo caught; the source is its innermost user frame', async () => {
    const id = m.scenarios['runtimeTraceback']!;
    const step: Span = byName(await store.getSpans(id), 'compute_dti');
    expect(step.error!.type).toBe('RuntimeError');
    expect(step.error!.message).toBe("compute_dti failed: KeyError: 'income'");
    expect(step.error!.stack!.startsWith('Traceback (most recent call last):')).toBe(true);
    expect(innermostUserFrame(step.error!.stack!)).toMatchObject({ path: '/home/ci/project/pipelines/loans.py', line: 41, function: 'compute_dti' });
    expect(resolveSpanSourceRecorded(step)).toMatchObject({ path: '/home/ci/project/pipelines/loans.py', line: 41, via: 'stack' });
    const [run] = await store.listRuns({ ids: [id] });
    expect(run!.error).toBe("RuntimeError: compute_dti failed: KeyError: 'income'");
  });
});

describe('Flujo 0.6: a running run', () => {
  it('shows its finished steps from the steps table, marked, with their history beneath', async () => {
    const id = m.scenarios['running']!;
    expect(m.walRunIds).toContain(id);
    const spans = await store.getSpans(id);
    const roots = toTree(spans);
    expect(roots.map((r) => [r.name, spanOrigin(r), originLabel(r)])).toEqual([
      ['load_customers', 'steps', 'from the steps table'],
      ['refine_addresses', 'steps', 'from the steps table'],
    ]);
    const loop = roots[1]!;
    expect(loop.children.map((c) => c.name)).toEqual([1, 2].map((k) => `Loop 'refine_addresses' - Iteration ${k}`));
    const [run] = await store.listRuns({ ids: [id] });
    expect(run!.status).toBe('running');
    const trace = buildTrace(run!, spans);
    expect(trace.root.synthetic).toBe(true);
  });
});

describe('Flujo 0.6: run duration', () => {
  it("is the pipeline_run span's, says so, and keeps the record's (12–23 ms longer) beside it", async () => {
    const runs = await store.listRuns({ ids: Object.values(m.scenarios) });
    for (const run of runs) {
      if (run.status === 'running') {
        expect(run.durationMs).toBeUndefined();
        continue;
      }
      const root = (await store.getSpans(run.id)).find((s) => s.name === 'pipeline_run')!;
      expect(run.durationClock).toBe('root-span');
      expect(run.durationMs).toBe(root.durationMs);
      const lag = run.recordDurationMs! - run.durationMs!;
      expect(lag).toBeGreaterThanOrEqual(11);
      expect(lag).toBeLessThanOrEqual(24);
    }
  });
});

describe("Flujo 0.6: the store's own status words", () => {
  it('--status failed / completed are --status error / ok, in list and spans', async () => {
    const { runCli } = await import('../cli/run-cli');
    const ids = async (...args: string[]): Promise<string[]> => {
      const r = await runCli(['list', file, '--limit', '0', '--json', ...args]);
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id);
    };
    expect(await ids('--status', 'failed')).toEqual(await ids('--status', 'error'));
    expect(await ids('--status', 'Completed')).toEqual(await ids('--status', 'ok'));
    expect((await ids('--status', 'failed')).length).toBeGreaterThanOrEqual(4);
    const r = await runCli(['spans', file, m.scenarios['loopFailed']!, '--status', 'failed']);
    expect(r.stdout).toMatch(/^4 of 7 spans in run \S+ \(status error\):/);
  });
});

describe('Flujo 0.6: similar', () => {
  it("finds the wrapped KeyError and both re-raised tracebacks as one failure; the tracebacks alike", async () => {
    const { runCli } = await import('../cli/run-cli');
    const r = await runCli(['similar', file, "Agent execution failed with KeyError: 'income'", '--json']);
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.stdout) as Array<{ similarity: number; run: { id: string }; span?: { name: string } }>;
    const byRun = new Map(hits.map((h) => [h.run.id, h]));
    expect(byRun.get(m.scenarios['agentKeyError']!)!.similarity).toBe(1);
    const a = byRun.get(m.scenarios['runtimeTraceback']!)!;
    const b = byRun.get(m.scenarios['runtimeTraceback2']!)!;
    expect(a.span!.name).toBe('compute_dti');
    expect(a.similarity).toBe(b.similarity);
    expect(a.similarity).toBeGreaterThan(0.3);
    expect(byRun.has(m.scenarios['loopFailed']!)).toBe(false);
  });
});
