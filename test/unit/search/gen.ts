import type { Run, Status } from '../../../src/model/types';
import type { SearchDoc } from '../../../src/sources/types';

export const NOW = Date.UTC(2026, 10, 21, 14, 0, 0);

/** A generated store: seeded, with ids, names, errors and attributes that overlap on purpose. */
export function generate(runCount: number, spansPerRun: number, seed = 1): { runs: Run[]; docs: SearchDoc[] } {
  let x = seed;
  const rnd = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const pipelines = ['enrich_customers', 'score_loans', 'sync_invoices'];
  const names = ['load_customers', 'score_risk', 'call_model', 'call_tool', 'write_output', 'Loop refine', 'ÄÖÜ_step'];
  const errors = ["KeyError: 'income'", 'ValueError: model returned an empty response', 'TimeoutError: call_model exceeded 30s'];
  const statuses: Status[] = ['ok', 'ok', 'ok', 'error', 'running', 'paused', 'unset'];
  const runs: Run[] = [];
  const docs: SearchDoc[] = [];
  for (let r = 0; r < runCount; r++) {
    const id = `run_${hex(12)}`;
    const status = pick(statuses);
    const run: Run = {
      id, store: 'gen.db', name: pick(pipelines), status, rawStatus: status, spanCount: spansPerRun, attributes: { pipeline_version: pick(['1.0', '1.1']) },
      startMs: NOW - Math.floor(rnd() * 72) * 3_600_000,
    };
    if (rnd() < 0.8) run.durationMs = Math.floor(rnd() * 5000);
    if (status === 'error') run.error = pick(errors);
    runs.push(run);
    for (let s = 0; s < spansPerRun; s++) {
      const st = pick(statuses);
      const d: SearchDoc = {
        runId: id,
        spanId: rnd() < 0.02 ? `${id}-${s}` : `${hex(8)}-${hex(4)}`,
        name: pick(names),
        status: st,
        attributes: {
          'flujo.step.type': pick(['Step', 'LoopStep', 'ConditionalStep']),
          'flujo.step.id': hex(8),
          latency_s: rnd(),
          success: st === 'ok',
          nested: { model: pick(['gpt-4o', 'claude', 'Income-model']) },
          tags: ['a', pick(['risk', 'loan'])],
        },
        startMs: run.startMs! + s * 10,
      };
      if (rnd() < 0.9) d.durationMs = Math.floor(rnd() * 3000);
      if (st === 'error') d.error = pick(errors);
      if (rnd() < 0.5) d.runName = run.name;
      docs.push(d);
    }
  }
  // A span of a run that listRuns did not return.
  docs.push({ runId: 'run_orphan', spanId: 'orphan-1', name: 'score_risk', status: 'error', error: "KeyError: 'income'", attributes: {}, runName: 'orphans' });
  return { runs, docs };
}
