// `spanlens diff` as a user runs it: partial ids, a run of another store, --json, the text view.
import { describe, expect, it } from 'vitest';
import type { Run, Span } from '../../../src/model/types';
import { memStore } from './mem-store';
import { expectUserError, runCli } from './run-cli';

function run(id: string, extra: Partial<Run> = {}): Run {
  return { id, store: 'mem.db', name: 'score_loans', status: 'ok', rawStatus: 'completed', spanCount: 4, attributes: {}, durationMs: 100, ...extra };
}
function span(runId: string, id: string, parentId: string | null, name: string, start: number, dur: number, extra: Partial<Span> = {}): Span {
  return { id, runId, parentId, name, status: 'ok', rawStatus: 'completed', startOffsetMs: start, durationMs: dur, attributes: {}, events: [], ...extra };
}

const good = run('run_aaaa1111');
const bad = run('run_bbbb2222', { status: 'error', rawStatus: 'failed', durationMs: 180, error: "KeyError: 'income'" });
const spans = [
  span(good.id, 'g0', null, 'pipeline_run', 0, 100),
  span(good.id, 'g1', 'g0', 'fetch', 0, 30, { attributes: { batch: 84 } }),
  span(good.id, 'g2', 'g0', 'score', 30, 60, { attributes: { model: 'm-1', 'flujo.run_id': good.id } }),
  span(bad.id, 'b0', null, 'pipeline_run', 0, 180, { status: 'error' }),
  span(bad.id, 'b1', 'b0', 'fetch', 0, 30, { attributes: { batch: 46 } }),
  span(bad.id, 'b2', 'b0', 'score', 30, 140, { status: 'error', error: { type: 'KeyError', message: "'income'" }, attributes: { model: 'm-2', 'flujo.run_id': bad.id } }),
  span(bad.id, 'b3', 'b0', 'notify', 170, 5),
];
const storeA = memStore('a.db', [good, bad], spans);
const other = memStore('b.db', [run('run_cccc3333', { durationMs: 100 })], spans.filter((s) => s.runId === good.id).map((s) => ({ ...s, runId: 'run_cccc3333' })));
const open = async (target: string) => (target === 'b.db' ? other : storeA);

describe('spanlens diff', () => {
  it('text: both runs, the first divergence, counts, time changes, changed attributes, the aligned rows', async () => {
    const r = await runCli(['diff', 'a.db', 'aaaa', 'bbbb'], { open });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toContain('A  run_aaaa1111  score_loans  ✓ ok  100ms');
    expect(out).toContain("B  run_bbbb2222  score_loans  ✗ error  180ms");
    expect(out).toContain('Run: ✓ ok → ✗ error, +80ms (+80%)');
    expect(out).toMatch(/First divergence: pipeline_run {2}ok → error/);
    expect(out).toContain('Changes: 1 added, 0 removed, 2 status, 0 slower, 0 faster, 1 same');
    expect(out).toMatch(/score {2}model: m-1 → m-2/);
    expect(out).not.toMatch(/batch: 84/); // fetch did not change: its input is in --json only
    expect(out).not.toContain('flujo.run_id'); // each run's own id differs always: not a change worth a line
    expect(out).toMatch(/status {4}score\s+✓ ok 60ms\s+✗ error 140ms\s+\+80ms \(\+133%\)\s+KeyError: 'income'/);
    expect(out).toMatch(/added {4}notify\s+✓ ok 5ms/);
  });

  it('--json: runs, summary by path, rows', async () => {
    const r = await runCli(['diff', 'a.db', 'run_aaaa1111', 'bbbb', '--json'], { open });
    const j = JSON.parse(r.stdout);
    expect(j.a.id).toBe(good.id);
    expect(j.b.id).toBe(bad.id);
    expect(j.summary.firstDivergence).toEqual({ path: ['pipeline_run'], occurrence: 1, change: 'status', deltaMs: 80 });
    expect(j.rows.map((x: { path: string[]; change: string }) => `${x.path.join('/')}:${x.change}`)).toEqual([
      'pipeline_run:status', 'pipeline_run/fetch:same', 'pipeline_run/score:status', 'pipeline_run/notify:added',
    ]);
    expect(j.rows[1].attributes).toEqual({ changed: { batch: [84, 46] } });
    expect(j.rows[2]).toMatchObject({ a: { spanId: 'g2', status: 'ok', durationMs: 60 }, b: { spanId: 'b2', error: "KeyError: 'income'" } });
  });

  it('B from another store with --store-b; thresholds from options', async () => {
    const r = await runCli(['diff', 'a.db', 'aaaa', 'cccc', '--store-b', 'b.db', '--json'], { open });
    const j = JSON.parse(r.stdout);
    expect(j.summary.counts.same).toBe(3);
    const t = await runCli(['diff', 'a.db', 'aaaa', 'bbbb', '--threshold', '1000', '--min-ms', '0', '--json'], { open });
    expect(JSON.parse(t.stdout).rows.filter((x: { change: string }) => x.change === 'slower')).toEqual([]);
  });

  it('unknown or ambiguous ids and bad options: one line, exit 2', async () => {
    expect(expectUserError(await runCli(['diff', 'a.db', 'zzzz', 'bbbb'], { open }))).toMatch(/no run matches 'zzzz' in a\.db/);
    expect(expectUserError(await runCli(['diff', 'a.db', 'run_', 'bbbb'], { open }))).toMatch(/run_/);
    expect(expectUserError(await runCli(['diff', 'a.db', 'aaaa', 'bbbb', '--threshold', 'much'], { open }))).toBe("spanlens diff: --threshold takes a number ≥ 0, not 'much'");
    expect(expectUserError(await runCli(['diff', 'a.db', 'aaaa'], { open }))).toMatch(/missing <runB>/);
  });
});
