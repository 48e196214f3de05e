import { describe, expect, it } from 'vitest';
import { addStepHistorySpans, HISTORY_OMITTED_KEY, MAX_HISTORY_DEPTH, MAX_HISTORY_SPANS } from '../../../src/sources/flujo/stepHistory';
import type { RawSpan } from '../../../src/sources/flujo/spans';
import { buildSpans } from '../../../src/sources/flujo/spans';

function raw(id: string, parentId: string | null, name: string, startMs: number, endMs: number): RawSpan {
  return { id, parentId, name, rawStatus: 'completed', startMs, endMs, attributes: {}, events: [] };
}
const sr = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name, output: null, success: true, attempts: 1, latency_s: 0.01, token_counts: 0, cost_usd: 0,
  feedback: null, branch_context: null, metadata_: {}, step_history: [], ...extra,
});
const base = (): RawSpan[] => [raw('root', null, 'pipeline_run', 0, 10_000), raw('loop', 'root', 'loop', 1, 9_000)];

describe('addStepHistorySpans', () => {
  it('a history nested 100,000 deep is cut at the depth cap, said on the span where it was cut', () => {
    // Written as text: JSON.stringify itself recurses and cannot write it.
    const open = '{"name":"n","success":true,"latency_s":0.001,"metadata_":{},"step_history":[';
    const text = `[{"name":"loop","step_history":[${open.repeat(100_000)}{"name":"leaf"}${']}'.repeat(100_000)}]}]`;
    const raws = base();
    addStepHistorySpans(raws, text);
    expect(raws.length).toBe(2 + MAX_HISTORY_DEPTH);
    expect(raws.filter((r) => r.attributes[HISTORY_OMITTED_KEY] === 1).length).toBe(1);
    expect(buildSpans('r', raws).length).toBe(raws.length);
  });

  it('a step with 100,000 sub-steps shows the first MAX_HISTORY_SPANS and counts the rest', () => {
    const subs = Array.from({ length: 100_000 }, (_, i) => sr(`s${i}`));
    const raws = base();
    addStepHistorySpans(raws, JSON.stringify([sr('loop', { step_history: subs })]));
    expect(raws.length).toBe(2 + MAX_HISTORY_SPANS);
    expect(raws[1]!.attributes[HISTORY_OMITTED_KEY]).toBe(100_000 - MAX_HISTORY_SPANS);
  });

  it('a loop already recorded with iteration spans is left as recorded', () => {
    const raws = [...base(), raw('it1', 'loop', "Loop 'loop' - Iteration 1", 2, 3)];
    addStepHistorySpans(raws, JSON.stringify([sr('loop', { metadata_: { iterations: 1 }, step_history: [sr('body')] })]));
    expect(raws.map((r) => r.id)).toEqual(['root', 'loop', 'it1']);
  });

  it("groups a loop's flat history by its iteration count, or where the body's first step comes round", () => {
    const raws = base();
    const body = [sr('a'), sr('b'), sr('a'), sr('b', { success: false, feedback: "Agent execution failed with KeyError: 'x'" })];
    addStepHistorySpans(raws, JSON.stringify([sr('loop', { metadata_: { iterations: 2, exit_reason: 'body_step_error' }, step_history: body })]));
    const spans = buildSpans('r', raws);
    const iters = spans.filter((s) => s.parentId === 'loop');
    expect(iters.map((s) => [s.name, s.status])).toEqual([["Loop 'loop' - Iteration 1", 'ok'], ["Loop 'loop' - Iteration 2", 'error']]);
    expect(spans.find((s) => s.name === 'b' && s.status === 'error')!.error).toEqual({ type: 'KeyError', message: "'x'" });
    // A body cut short in its last iteration: 3 entries, 2 iterations.
    const r2 = base();
    addStepHistorySpans(r2, JSON.stringify([sr('loop', { metadata_: { iterations: 2 }, step_history: [sr('a'), sr('b'), sr('a')] })]));
    expect(r2.filter((r) => r.parentId === 'loop').length).toBe(2);
  });

  it('ignores text that is not JSON, not a list, or has no nested entries', () => {
    for (const t of ['{', '{"step_history":[{}]}', '[]', null, 42, '[{"name":"loop","step_history":[]}]']) {
      const raws = base();
      addStepHistorySpans(raws, t);
      expect(raws.length).toBe(2);
    }
  });
});

describe('addStepHistorySpans on long inputs', () => {
  it('matches a 100,000-entry history against 10,000 step spans in linear time', () => {
    const raws: RawSpan[] = [raw('root', null, 'pipeline_run', 0, 1e9)];
    for (let i = 0; i < 10_000; i++) raws.push(raw(`s${i}`, 'root', `step${i}`, i + 1, i + 2));
    // Names that match nothing but the last span: a scan from the cursor per entry would be 10^9 steps.
    const history = Array.from({ length: 100_000 }, (_, i) => sr(i === 99_999 ? 'step9999' : `other${i}`));
    history[99_999] = sr('step9999', { step_history: [sr('inner')] });
    const t0 = performance.now();
    addStepHistorySpans(raws, JSON.stringify(history));
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(raws[raws.length - 1]!).toMatchObject({ name: 'inner', parentId: 's9999' });
  });
});
