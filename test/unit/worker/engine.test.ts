// The engine in a worker thread (src/worker): the worker bundle is built here with esbuild, as
// the extension ships it, and every answer is compared with the same store opened in this thread.
import { execFile } from 'child_process';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nameRunStats, ownFailures } from '../../../src/analysis/failures';
import { diffRuns } from '../../../src/analysis/diff/align';
import { llmTotals } from '../../../src/analysis/llmTotals';
import type { SpanNode } from '../../../src/model/types';
import { walkTree } from '../../../src/model/walk';
import { buildSpanTree, nodesOnErrorPaths } from '../../../src/analysis/tree';
import { collectFailureCandidates } from '../../../src/analysis/similar';
import { buildIndex, searchIndexes } from '../../../src/analysis/search/search';
import { openStore } from '../../../src/sources/open';
import { StoreError, type SearchDoc, type TraceStore } from '../../../src/sources/types';
import { compareStoredRuns, EngineClient, inProcessTransport, RemoteTraceStore, storeOp, type Transport } from '../../../src/worker/client';
import { workerTransport } from '../../../src/worker/thread';
import { makeLlmFiles } from '../llm/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const OTLP_APP = path.join(ROOT, 'test/fixtures/otlp_app.mjs');
let dir: string;
let workerFile: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-worker-'));
  workerFile = path.join(dir, 'engineWorker.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src/worker/main.ts')],
    outfile: workerFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['pg-native'],
    logLevel: 'silent',
  });
  // The bundle finds sql.js's WASM beside itself, as dist/ has it.
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const transports: Array<[string, () => Transport]> = [
  ['worker thread', () => workerTransport(workerFile)],
  ['in-process', () => inProcessTransport()],
];

function waftFolder(): string {
  const d = fs.mkdtempSync(path.join(dir, 'waft-'));
  const traces = path.join(d, '_pyrite', 'analytics', 'traces');
  fs.mkdirSync(traces, { recursive: true });
  return traces;
}

function flattenTree(roots: SpanNode[]): SpanNode[] {
  const out: SpanNode[] = [];
  walkTree(roots, (n) => out.push(n));
  return out;
}

/** One span as waft's TraceStorage writes it (test/fixtures/waft_store.py has the whole story). */
function waftLine(trace: string, span: string, operation: string, status = 'success', error: string | null = null): string {
  return `${JSON.stringify({ trace_id: trace, span_id: span, operation, layer: 'core', parent_span_id: null, timestamp: '2026-12-01T10:00:00.000000', duration_ms: 1000, status, data: {}, metadata: {}, error })}\n`;
}

for (const [label, transport] of transports) {
  describe(`the engine through ${label}`, () => {
    let client: EngineClient;
    let local: TraceStore;
    let remote: RemoteTraceStore;
    beforeAll(async () => {
      client = new EngineClient(transport);
      local = await openStore(inject('flujoStore'));
      remote = await client.openStore({ target: inject('flujoStore') });
    });
    afterAll(async () => {
      await remote.close();
      await local.close();
      await client.dispose();
    });

    it('answers every TraceStore call as the store opened here does', async () => {
      expect(remote.id).toBe(local.id);
      expect(remote.format).toBe('flujo');
      const runs = await remote.listRuns();
      expect(runs).toEqual(await local.listRuns());
      expect(await remote.listRuns({ status: 'error', limit: 3 })).toEqual(await local.listRuns({ status: 'error', limit: 3 }));
      for (const r of runs.slice(0, 5)) expect(await remote.getSpans(r.id)).toEqual(await local.getSpans(r.id));
      expect(await remote.findRuns(runs[0]!.id.slice(0, 6))).toEqual(await local.findRuns(runs[0]!.id.slice(0, 6)));
      expect(await remote.spanSummaries()).toEqual(await local.spanSummaries());
      expect(await remote.spanGroups!()).toEqual(await local.spanGroups!());
      // Maps cross as maps.
      expect(await remote.runVersions!()).toEqual(await local.runVersions!());
    });

    it('has exactly the optional methods the reader has', () => {
      for (const m of ['spanGroups', 'runVersions', 'hiddenByWindow', 'countRuns', 'refresh', 'scanSpans'] as const) {
        expect(typeof remote[m], m).toBe(typeof local[m]);
      }
    });

    it('streams a bulk scan in batches, all of it', async () => {
      const got: SearchDoc[] = [];
      const want: SearchDoc[] = [];
      await remote.scanSpans!((docs) => {
        for (const d of docs) got.push(d);
      });
      await local.scanSpans!((docs) => {
        for (const d of docs) want.push(d);
      });
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want);
    });

    it('a reader error crosses as the same StoreError, one line naming the store', async () => {
      const bad = path.join(dir, 'not-a-store.db');
      fs.writeFileSync(bad, 'SQLite format 3\u0000 but not really');
      const here = await openStore(bad).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      const there = await client.openStore({ target: bad }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(there).toBeInstanceOf(StoreError);
      expect(there?.message).toBe(here?.message);
      const unknownHere = await local.getSpans('no-such-run').then(() => undefined, (e: unknown) => e as Error);
      const unknownThere = await remote.getSpans('no-such-run').then(() => undefined, (e: unknown) => e as Error);
      expect(unknownThere).toBeInstanceOf(StoreError);
      expect(unknownThere?.message).toBe(unknownHere?.message);
      expect((unknownThere as StoreError).store).toBe(local.id);
    });

    it('runs engine work next to the store (StoreOps) with the result it has here', async () => {
      const [failed] = await local.listRuns({ status: 'error', limit: 1 });
      expect(await storeOp(remote, 'ownFailures', [failed!.id])).toEqual(ownFailures(await local.getSpans(failed!.id)));
      expect(await storeOp(remote, 'nameRunStats', [{}])).toEqual(nameRunStats(await local.spanSummaries({})));
      const flat = await storeOp(remote, 'timelineLayout', [failed!.id]);
      const here = await storeOp(local, 'timelineLayout', [failed!.id]);
      expect(flat.count).toBe(here.count);
      expect(Array.from(flat.depth)).toEqual(Array.from(here.depth));
      expect(flat.spans.map((s) => s.id)).toEqual(here.spans.map((s) => s.id));
      expect(flat.spans.every((s) => !('children' in s))).toBe(true);
    });

    it('compares two runs in the engine as diffRuns does here; one span crosses alone', async () => {
      const all = await local.listRuns();
      const failed = all.find((r) => r.status === 'error');
      const ok = all.find((r) => r.status !== 'error' && r.spanCount > 1);
      const there = await compareStoredRuns({ store: remote, runId: failed!.id }, { store: remote, runId: ok!.id });
      const here = diffRuns(failed!, await local.getSpans(failed!.id), ok!, await local.getSpans(ok!.id));
      expect(there.diff).toEqual(here);
      // A run the store no longer lists keeps the run as it was picked.
      const gone = { ...ok!, id: 'run_gone' };
      await expect(compareStoredRuns({ store: remote, runId: failed!.id }, { store: remote, runId: 'run_gone', fallback: gone })).rejects.toBeInstanceOf(StoreError);
      const spans = await local.getSpans(failed!.id);
      expect(await storeOp(remote, 'span', [failed!.id, spans.at(-1)!.id])).toEqual(spans.at(-1));
      expect(await storeOp(remote, 'span', [failed!.id, 'no-such-span'])).toBeUndefined();
      expect(await storeOp(remote, 'failureCandidates', [])).toEqual(await collectFailureCandidates(local));
    });

    it('pages a run\'s span tree from the engine: children, counts, failed paths, totals', async () => {
      const all = await local.listRuns();
      const run = all.find((r) => r.status === 'error' && r.spanCount > 2)!;
      const spans = await local.getSpans(run.id);
      const roots = buildSpanTree(spans);
      const onPath = nodesOnErrorPaths(roots);
      const top = await storeOp(remote, 'treePage', [run.id, null, 0, 200]);
      expect(top.found).toBe(true);
      expect(top.total).toBe(roots.length);
      expect(top.rows.map((r) => [r.span.id, r.childCount, r.onErrorPath])).toEqual(roots.map((n) => [n.id, n.children.length, onPath.has(n)]));
      expect(top.rows.every((r) => !('children' in r.span))).toBe(true);
      expect(top.totals).toEqual(llmTotals(spans) ?? null);
      // A span with several children, in any run: its second child alone.
      let parent: SpanNode | undefined;
      let parentRun = run;
      for (const r of all) {
        const found = flattenTree(buildSpanTree(await local.getSpans(r.id))).find((n) => n.children.length > 1);
        if (found) {
          parent = found;
          parentRun = r;
          break;
        }
      }
      expect(parent).toBeDefined();
      const second = await storeOp(remote, 'treePage', [parentRun.id, parent!.id, 1, 1]);
      expect(second.total).toBe(parent!.children.length);
      expect(second.rows.map((r) => r.span.id)).toEqual([parent!.children[1]!.id]);
      expect(second.totals).toBeUndefined();
      const gone = await storeOp(remote, 'treePage', [run.id, 'no-such-span', 0, 10]);
      expect(gone).toEqual({ rows: [], total: 0, found: false });
      // The way down to a span: ids and places among siblings, as the tree built here has them.
      const deepest = flattenTree(buildSpanTree(await local.getSpans(parentRun.id))).find((n) => n.id === parent!.children[1]!.id)!;
      const steps = await storeOp(remote, 'treePath', [parentRun.id, deepest.id]);
      expect(steps!.at(-1)).toEqual({ id: deepest.id, index: 1 });
      expect(steps!.at(-2)?.id).toBe(parent!.id);
      expect(await storeOp(remote, 'treePath', [parentRun.id, 'no-such-span'])).toBeUndefined();
    });

    it('a paged tree follows its store: a span appended to a line store shows after a refresh', async () => {
      const traces = waftFolder();
      const file = path.join(traces, '2026-12-01.jsonl');
      fs.writeFileSync(file, waftLine('t1', 's1', 'root'));
      const store = await client.openStore({ target: traces });
      expect((await storeOp(store, 'treePage', ['t1', null, 0, 10])).total).toBe(1);
      fs.appendFileSync(file, waftLine('t1', 's2', 'late_root', 'error', 'late failure'));
      // Not refreshed: the tree built before stands (the store itself has not read the line either).
      expect((await storeOp(store, 'treePage', ['t1', null, 0, 10])).total).toBe(1);
      await store.refresh!();
      const after = await storeOp(store, 'treePage', ['t1', null, 0, 10]);
      expect(after.rows.map((r) => [r.span.name, r.onErrorPath])).toEqual([
        ['root', false],
        ['late_root', true],
      ]);
      await store.close();
    });

    it('builds and searches a search index in the engine, as searchIndexes does here', async () => {
      const progress: number[] = [];
      const ix = await client.buildIndex(remote, { onProgress: (n) => progress.push(n) });
      const here = await buildIndex(local);
      expect(ix.spanCount).toBe(here.spanCount);
      expect(ix.runCount).toBe(here.runCount);
      expect(progress.at(-1)).toBe(here.spanCount);
      for (const q of ['KeyError', 'status:error', 'score']) {
        expect(await client.searchIndexes([ix], q, { limit: 10 })).toEqual(await searchIndexes([here], q, { limit: 10 }));
      }
      // A dropped index is left out of later searches, not an error.
      ix.drop();
      const r = await client.searchIndexes([ix], 'KeyError');
      expect(r.spans).toEqual([]);
    });

    it('a cancelled index build rejects with AbortError at once', async () => {
      const abort = new AbortController();
      const p = client.buildIndex(remote, { signal: abort.signal });
      abort.abort();
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
      // The engine goes on answering.
      expect((await remote.listRuns({ limit: 1 })).length).toBe(1);
    });

    it('brings an index of a growing line store up to date with only the runs that changed', async () => {
      const traces = waftFolder();
      const file = path.join(traces, '2026-12-01.jsonl');
      let lines = '';
      for (let i = 0; i < 10; i++) lines += waftLine(`t${i}`, `s${i}`, `step_${i}`);
      fs.writeFileSync(file, lines);
      const store = await client.openStore({ target: traces });
      expect(store.refresh).toBeTypeOf('function');
      const ix = await client.buildIndex(store);
      expect(ix.runCount).toBe(10);
      let same = await client.updateIndex(ix, store);
      expect(same).not.toBe('rebuild');
      expect(same !== 'rebuild' && same.index).toBe(ix);
      fs.appendFileSync(file, waftLine('t10', 's10', 'third_step', 'error', 'bad thing'));
      await store.refresh!();
      const up = await client.updateIndex(ix, store);
      expect(up).not.toBe('rebuild');
      if (up === 'rebuild') return;
      expect(up.changedRuns).toBe(1);
      expect(up.index.runCount).toBe(11);
      const r = await client.searchIndexes([up.index], 'third_step');
      expect(r.spans.map((h) => h.runId)).toEqual(['t10']);
      // The torn-line count of the reader follows each answer.
      fs.appendFileSync(file, '{"torn": \n');
      await store.refresh!();
      expect(store.skippedLines).toBe(1);
      same = await client.updateIndex(up.index, store);
      await store.close();
      await expect(store.listRuns()).rejects.toBeInstanceOf(StoreError);
    });

    it('hides LLM content in every store once told', async () => {
      const llm = makeLlmFiles();
      try {
        const store = await client.openStore({ target: llm.m.files.openllmetry });
        const [run] = await store.listRuns();
        const shown = JSON.stringify(await store.getSpans(run!.id));
        client.setHideLlmContent(true);
        const hidden = JSON.stringify(await store.getSpans(run!.id));
        client.setHideLlmContent(false);
        const again = JSON.stringify(await store.getSpans(run!.id));
        await store.close();
        expect(shown).toContain(llm.m.question);
        expect(hidden).not.toContain(llm.m.question);
        expect(again).toBe(shown);
      } finally {
        llm.cleanup();
      }
    });
  });
}

describe('the OTLP receiver in the worker thread', () => {
  it('a real exporter sends to it; its counts reach the host; what it stored reads as a store; stop stores the rest', async () => {
    const client = new EngineClient(() => workerTransport(workerFile));
    const spool = fs.mkdtempSync(path.join(dir, 'spool-'));
    const heard: number[] = [];
    const r = await client.startReceiver({ dir: spool, port: 0 }, (stats) => heard.push(stats.spans));
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    const app = await new Promise<{ traceIds: string[]; spans: number }>((resolve, reject) =>
      execFile(process.execPath, [OTLP_APP, '--url', r.url], { timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { traceIds: string[]; spans: number }),
      ),
    );
    for (let i = 0; i < 100 && (heard.at(-1) ?? 0) < app.spans; i++) await new Promise((res) => setTimeout(res, 20));
    expect(heard.at(-1)).toBe(app.spans);
    expect(r.stats.spans).toBe(app.spans);
    const store = await client.openStore({ target: spool });
    expect((await store.listRuns()).map((x) => x.id).sort()).toEqual([...app.traceIds].sort());
    await store.close();
    await r.stop();
    expect(r.stats.spans).toBe(app.spans);
    // Stopped: the port is free again.
    await expect(fetch(r.url, { method: 'POST', body: '{}' })).rejects.toThrow();
    await client.dispose();
  });

  it('a port in use is a ReceiverStartError naming it, and the engine goes on', async () => {
    const client = new EngineClient(() => workerTransport(workerFile));
    const first = await client.startReceiver({ dir: fs.mkdtempSync(path.join(dir, 'spool-')), port: 0 }, () => undefined);
    const err = await client.startReceiver({ dir: fs.mkdtempSync(path.join(dir, 'spool-')), port: first.port }, () => undefined).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('ReceiverStartError');
    expect(err?.message).toContain(`port ${first.port}`);
    const store = await client.openStore({ target: inject('flujoStore') });
    expect((await store.listRuns({ limit: 1 })).length).toBe(1);
    await client.dispose();
  });
});

describe('a worker that dies', () => {
  it('fails what was waiting with one StoreError, says so, and the next request starts a new one', async () => {
    // A worker that exits on its first message: what an out-of-memory kill looks like from here.
    const dying = path.join(dir, 'dying.js');
    fs.writeFileSync(dying, "require('worker_threads').parentPort.once('message', () => process.exit(3));\n");
    let starts = 0;
    const client = new EngineClient(() => {
      starts++;
      return workerTransport(starts === 1 ? dying : workerFile);
    });
    const stopped: string[] = [];
    client.onDidStop((why) => stopped.push(why));
    const err = await client.openStore({ target: inject('flujoStore') }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect(err?.message).toMatch(/^the Spanlens engine stopped \(exit code 3\)/);
    expect(stopped).toEqual(['exit code 3']);
    const store = await client.openStore({ target: inject('flujoStore') });
    expect((await store.listRuns({ limit: 1 })).length).toBe(1);
    expect(starts).toBe(2);
    await client.dispose();
  });

  it('a store of the dead worker says it was closed instead of reaching the new one', async () => {
    const dying = path.join(dir, 'dying-later.js');
    // Answers like the engine until told to die (a message it does not know).
    fs.writeFileSync(
      dying,
      `const { parentPort } = require('worker_threads');
       const real = ${JSON.stringify(workerFile)};
       parentPort.on('message', (m) => { if (m.kind === 'request' && m.request.type === 'settings') process.exit(4); });
       require(real);\n`,
    );
    let starts = 0;
    const client = new EngineClient(() => workerTransport(starts++ === 0 ? dying : workerFile));
    const store = await client.openStore({ target: inject('flujoStore') });
    client.setHideLlmContent(true);
    await expect(store.listRuns()).rejects.toBeInstanceOf(StoreError);
    await expect(store.listRuns()).rejects.toThrow(/the store was closed — refresh it/);
    const again = await client.openStore({ target: inject('flujoStore') });
    expect((await again.listRuns({ limit: 1 })).length).toBe(1);
    await client.dispose();
  });
});
