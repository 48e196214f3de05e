/**
 * claude-flow on a database whose traces are all older than the reader's default 30-day window
 * (real PostgreSQL): `similar` still compares the newest failures (claude-flow's own
 * find_similar_failures has no window), and an empty `list` says what the window hid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFailureCandidates } from '../../../src/analysis/similar';
import { openStore } from '../../../src/sources/open';
import type { TraceStore } from '../../../src/sources/types';
import { createClaudeFlowDatabase, type ClaudeFlowFixture } from '../../fixtures/claudeflow';
import { runCli } from '../cli/run-cli';

const DAY = 86_400_000;
let fx: ClaudeFlowFixture;
let store: TraceStore;

beforeAll(async () => {
  // Written 60 days ago: the newest trace is 60 days old, the oldest 105.
  fx = await createClaudeFlowDatabase(Date.now() - 60 * DAY);
  store = await openStore(fx.url);
});
afterAll(async () => {
  await store?.close();
  await fx?.drop();
});

describe('claude-flow traces older than the window', () => {
  it('the default listing is empty; with anyAge every run is there', async () => {
    expect(await store.listRuns({ limit: 5 })).toEqual([]);
    expect((await store.listRuns({ anyAge: true })).length).toBe(fx.traces.length);
  });

  it('hiddenByWindow counts what the window hid, by status and pipeline too', async () => {
    const all = await store.hiddenByWindow!();
    expect(all.count).toBe(fx.traces.length);
    expect(all.days).toBe(30);
    const oldest = Math.min(...fx.traces.map((t) => t.startMs));
    expect(Math.abs(all.oldestMs! - oldest)).toBeLessThan(1);
    const failed = fx.traces.filter((t) => t.status === 'failed' || t.status === 'timeout').length;
    expect((await store.hiddenByWindow!({ status: 'error' })).count).toBe(failed);
    expect((await store.hiddenByWindow!({ pipeline: 'deploy' })).count).toBe(2);
  });

  it("similar compares the newest failures whatever their age", async () => {
    const candidates = await collectFailureCandidates(store);
    expect(new Set(candidates.map((c) => c.run.id)).size).toBe(fx.traces.filter((t) => t.status === 'failed' || t.status === 'timeout').length);
    const r = await runCli(['similar', fx.url, 'connection timeout to registry.example.com:443']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c02');
  });

  it('an empty list says how many older runs the window hid and how to widen it', async () => {
    const r = await runCli(['list', fx.url]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`no runs in ${fx.url}`);
    expect(lines[1]).toContain(`${fx.traces.length} older runs hidden: this store lists its last 30 days unless told`);
    expect(lines[1]).toContain("the connection's sinceDays");
    // The hint's command lists them all.
    const hours = /--since-hours (\d+)/.exec(lines[1]!)![1]!;
    const widened = await runCli(['list', fx.url, '--since-hours', hours, '--limit', '0', '--json']);
    expect((JSON.parse(widened.stdout) as unknown[]).length).toBe(fx.traces.length);
    // A filter that matches nothing, old or new, gets no hint.
    const none = await runCli(['list', fx.url, '--pipeline', 'no-such-skill']);
    expect(none.stdout).toBe(`no runs in ${fx.url} (pipeline 'no-such-skill')\n`);
  });

  it("claude-flow's own words filter: success, timeout (one kind of error), failed", async () => {
    const ids = async (word: string): Promise<string[]> => {
      const r = await runCli(['list', fx.url, '--status', word, '--since-hours', '100000', '--limit', '0', '--json']);
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id).sort();
    };
    const of = (...w: string[]): string[] => fx.traces.filter((t) => w.includes(t.status)).map((t) => t.id).sort();
    expect(await ids('success')).toEqual(of('success'));
    expect(await ids('timeout')).toEqual(of('timeout'));
    expect(await ids('failed')).toEqual(of('failed', 'timeout'));
    expect(await ids('error')).toEqual(of('failed', 'timeout'));
  });
});
