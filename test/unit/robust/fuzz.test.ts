import { execFileSync } from 'child_process';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClaudeFlowDatabase, type ClaudeFlowFixture } from '../../fixtures/claudeflow';
import { runCli } from '../cli/run-cli';
import { deepArray, deepObject, everyVerb, fingerprint, flujoCopy, otlpRequest, scratchDirs, slowest, waftSpan, writeWaft } from './stores';

/**
 * Fuzzing every verb on damaged stores of every format. Each case takes a valid store, applies
 * one seeded mutation (bytes flipped, cut short, values nested deep, made huge, of the wrong
 * type, odd ids and times, the file swapped for another kind) and runs all 8 verbs, as text
 * and --json. The contract: exit 0, or 2 with exactly one line on stderr; never an internal
 * error or a stack; every call within TIME_BOUND_MS; the store's bytes unchanged.
 *
 * Seeded (FUZZ_SEED to replay another run) and sized for about two minutes on a 2-core machine;
 * FUZZ_RUNS scales the number of cases.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));
/** Not a speed target: a call that takes this long is taken for a hang. */
const TIME_BOUND_MS = 20_000;

const scratch = scratchDirs('spanlens-fuzz-');
const fresh = scratch.fresh;

/** Every verb, each call held to the contract and the time bound, the store's bytes compared before and after. */
async function fuzzVerbs(store: string, files: string, runId: string, label: string): Promise<void> {
  const before = fs.existsSync(files) ? fingerprint(files) : undefined;
  const t0 = Date.now();
  const res = await everyVerb(store, runId);
  for (const [verb] of res) expect(verb).toBeTruthy();
  expect(Date.now() - t0, `${label}: 16 calls took ${Date.now() - t0} ms`).toBeLessThan(TIME_BOUND_MS * 4);
  if (before) expect(fingerprint(files), `${label}: the store was written`).toEqual(before);
}

/** The first run id the store lists, or a made-up one (then show/trace/spans say 'no run'). */
async function someRun(store: string): Promise<string> {
  const r = await runCli(['list', store, '--json', '--limit', '1']);
  if (r.code !== 0) return 'nope';
  const list = JSON.parse(r.stdout) as Array<{ id: string }>;
  return list[0]?.id ?? 'nope';
}

// ---- hostile values ----

/** A value as raw JSON text: the kinds a writer gets wrong, or an attacker writes on purpose. */
const hostileJson = fc.oneof(
  fc.constantFrom(
    'null',
    'true',
    '0',
    '-1',
    '1e308',
    '-1e308',
    '99999999999999999999999',
    '""',
    '"infinity"',
    '"-infinity"',
    '"9999-99-99T99:99:99"',
    '"+275760-09-13T00:00:00.001Z"',
    '"1970-01-01T00:00:00"',
    '"\\u061c\\u202e\\u007f\\u001b[2J\\u009b31m"',
    '"__proto__"',
    '{"__proto__": {"polluted": 1}}',
    '[]',
    '{}',
  ),
  fc.integer({ min: 1000, max: 40_000 }).map((n) => deepArray(n)),
  fc.integer({ min: 1000, max: 40_000 }).map((n) => deepObject(n)),
  fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => JSON.stringify('x'.repeat(n))),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
);

/** A JSON object text with `field` set to the raw JSON `value`. */
function withField(obj: Record<string, unknown>, field: string, value: string): string {
  const o: Record<string, unknown> = { ...obj, [field]: '\u0000@@FUZZ@@' };
  return JSON.stringify(o).replace('"\\u0000@@FUZZ@@"', value);
}

/** Byte-level damage to a file: flips, a cut, or a duplicated middle. */
const byteDamage = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 5000 }) }),
);
type ByteDamage = typeof byteDamage extends fc.Arbitrary<infer T> ? T : never;

function damage(file: string, d: ByteDamage): void {
  const b = fs.readFileSync(file);
  if (b.length === 0) return;
  const pos = (x: number): number => Math.min(b.length - 1, Math.floor(x * b.length));
  if (d.kind === 'flip') {
    for (const x of d.at) b[pos(x)] ^= d.xor;
    fs.writeFileSync(file, b);
  } else if (d.kind === 'cut') {
    fs.writeFileSync(file, b.subarray(0, pos(d.at)));
  } else {
    const at = pos(d.at);
    fs.writeFileSync(file, Buffer.concat([b.subarray(0, at + 1), b.subarray(at, at + d.len), b.subarray(at + 1)]));
  }
}

/** The store path swapped for something that is not a store file. */
const fileKind = fc.constantFrom('fifo', 'dir', 'symlink-loop', 'dangling-symlink', 'empty', 'socket-name');
function replaceWithKind(p: string, kind: string): void {
  fs.rmSync(p, { recursive: true, force: true });
  if (kind === 'fifo') execFileSync('mkfifo', [p]);
  else if (kind === 'dir') fs.mkdirSync(p);
  else if (kind === 'symlink-loop') fs.symlinkSync(path.basename(p), p);
  else if (kind === 'dangling-symlink') fs.symlinkSync(`${p}.gone`, p);
  else if (kind === 'empty') fs.writeFileSync(p, '');
  else fs.writeFileSync(p, '\0\0\0\0');
}

// ---- formats ----

const WAFT_FIELDS = ['trace_id', 'span_id', 'parent_span_id', 'operation', 'layer', 'timestamp', 'duration_ms', 'status', 'data', 'metadata', 'error'];

function waftLines(): Array<Record<string, unknown>> {
  return [
    waftSpan({ trace_id: 't-1', span_id: 'root', operation: 'pipeline.run', status: 'success', error: null }),
    waftSpan({ trace_id: 't-1', span_id: 'a', parent_span_id: 'root', operation: 'step.load', status: 'error' }),
    waftSpan({ trace_id: 't-1', span_id: 'b', parent_span_id: 'a', operation: 'step.score', status: 'success', error: null }),
    waftSpan({ trace_id: 't-2', span_id: 'x', operation: 'job.other', status: 'pending', error: null }),
  ];
}

describe('fuzz: every verb on damaged stores', () => {
  it('waft: values of every field made hostile, lines damaged, files swapped', async () => {
    const caseArb = fc.oneof(
      fc.record({ kind: fc.constant('field' as const), line: fc.nat(3), field: fc.constantFrom(...WAFT_FIELDS), value: hostileJson }),
      fc.record({ kind: fc.constant('bytes' as const), damage: byteDamage }),
      fc.record({ kind: fc.constant('file' as const), what: fileKind }),
      fc.record({ kind: fc.constant('cycle' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const root = fresh();
        const lines = waftLines();
        const text: string[] = lines.map((l) => JSON.stringify(l));
        if (c.kind === 'field') text[c.line] = withField(lines[c.line]!, c.field, c.value);
        if (c.kind === 'cycle') {
          text[0] = JSON.stringify({ ...lines[0], parent_span_id: 'b' });
        }
        const traces = writeWaft(root, text);
        const file = path.join(traces, '2026-01-07.jsonl');
        if (c.kind === 'bytes') damage(file, c.damage);
        if (c.kind === 'file') replaceWithKind(file, c.what);
        await fuzzVerbs(root, root, await someRun(root), JSON.stringify(c).slice(0, 200));
        if (c.kind !== 'file') await fuzzVerbs(file, root, 't-1', `file ${JSON.stringify(c).slice(0, 200)}`);
      }),
      { seed: SEED, numRuns: runs(200), endOnFailure: true },
    );
  }, 300_000);

  it('OTLP: span, resource and value fields made hostile, lines damaged, files swapped', async () => {
    const SPAN_FIELDS = ['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'events', 'status', 'links'];
    const caseArb = fc.oneof(
      fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom(...SPAN_FIELDS), value: hostileJson }),
      fc.record({ kind: fc.constant('attr' as const), value: hostileJson }),
      fc.record({ kind: fc.constant('bytes' as const), damage: byteDamage }),
      fc.record({ kind: fc.constant('file' as const), what: fileKind }),
    );
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = fresh();
        const file = path.join(dir, 'traces.otlp.jsonl');
        const good = JSON.stringify(otlpRequest([{ key: 'http.method', value: { stringValue: 'POST' } }]));
        let line = good;
        if (c.kind === 'field') {
          const req = otlpRequest();
          const span = ((req['resourceSpans'] as Array<Record<string, unknown>>)[0]!['scopeSpans'] as Array<Record<string, unknown>>)[0]!['spans'] as Array<Record<string, unknown>>;
          line = JSON.stringify(req).replace(JSON.stringify(span[0]), withField(span[0]!, c.field, c.value));
        }
        if (c.kind === 'attr') line = good.replace('{"stringValue":"POST"}', `{"kvlistValue":{"values":[{"key":"k","value":{"arrayValue":{"values":[${c.value}]}}}]}}`);
        fs.writeFileSync(file, `${line}\n${good.replace('b7ad6b7169203331', 'c7ad6b7169203332')}\n`);
        if (c.kind === 'bytes') damage(file, c.damage);
        if (c.kind === 'file') replaceWithKind(file, c.what);
        await fuzzVerbs(file, dir, await someRun(file), JSON.stringify(c).slice(0, 200));
      }),
      { seed: SEED + 1, numRuns: runs(250), endOnFailure: true },
    );
  }, 300_000);

  it('Flujo: rows made hostile through SQL, db and -wal bytes damaged, files swapped', async () => {
    const source = inject('flujoStore');
    const COLUMNS: Array<[string, string]> = [
      ['runs', 'run_id'],
      ['runs', 'pipeline_name'],
      ['runs', 'status'],
      ['runs', 'created_at'],
      ['runs', 'execution_time_ms'],
      ['spans', 'span_id'],
      ['spans', 'parent_span_id'],
      ['spans', 'name'],
      ['spans', 'start_time'],
      ['spans', 'end_time'],
      ['spans', 'status'],
      ['spans', 'attributes'],
      ['traces', 'trace_data'],
      ['workflow_state', 'status'],
      ['steps', 'step_name'],
      ['steps', 'status'],
      ['steps', 'output'],
    ];
    const sqlValue = fc.oneof(
      hostileJson,
      fc.constantFrom(null, 0, -1, 1e308, 'infinity', '', '\u061c\u202e\u007f'),
      fc.integer({ min: 1, max: 64 }).map((n) => ({ blob: n })),
    );
    const caseArb = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('sql' as const), col: fc.constantFrom(...COLUMNS), value: sqlValue, every: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), wal: fc.boolean(), damage: byteDamage }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('file' as const), wal: fc.boolean(), what: fileKind }) },
    );
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        let file: string;
        if (c.kind === 'sql') {
          const [table, col] = c.col;
          const v = c.value;
          // A blob of n bytes, or the value as SQLite would hold what a writer gave it.
          const expr = typeof v === 'object' && v !== null ? `randomblob(${v.blob})` : '?';
          const params = typeof v === 'object' && v !== null ? [] : [v];
          file = flujoCopy(source, [
            [`UPDATE OR IGNORE ${table} SET ${col} = ${expr} WHERE ${c.every ? '1' : `rowid IN (SELECT rowid FROM ${table} LIMIT 3)`}`, params],
          ]);
        } else {
          file = flujoCopy(source);
          const target = c.wal ? `${file}-wal` : file;
          if (c.kind === 'bytes' && fs.existsSync(target)) damage(target, c.damage);
          if (c.kind === 'file') replaceWithKind(target, c.what);
        }
        scratch.keep(path.dirname(file));
        await fuzzVerbs(file, path.dirname(file), await someRun(file), JSON.stringify(c).slice(0, 200));
      }),
      { seed: SEED + 2, numRuns: runs(120), endOnFailure: true },
    );
  }, 300_000);
});

describe('fuzz: claude-flow rows in a real PostgreSQL', () => {
  let db: ClaudeFlowFixture;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createClaudeFlowDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end().catch(() => undefined);
    await db?.drop();
  });

  it('every column made hostile (steps and metadata JSONB deep, huge, of the wrong shape; odd times, statuses, text)', async () => {
    const caseArb = fc.oneof(
      fc.record({ col: fc.constantFrom('steps', 'metadata'), json: hostileJson }),
      fc.record({ col: fc.constant('steps'), json: fc.array(fc.dictionary(fc.constantFrom('name', 'step', 'status', 'timestamp', 'duration_ms', 'started_at', 'completed_at', 'error_message'), hostileJson), { maxLength: 4 }).map((steps) => `[${steps.map((s) => `{${Object.entries(s).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`).join(',')}]`) }),
      fc.record({ col: fc.constantFrom('skill_name', 'error_message', 'status'), text: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('\u061c\u202e\u007f\u001b[2J', 'x'.repeat(100_000), '')) }),
      fc.record({ col: fc.constant('completed_at'), text: fc.constantFrom('infinity', '-infinity', '1970-01-01', '294276-01-01', '4713-01-01 BC') }),
      fc.record({ col: fc.constant('total_duration_ms'), num: fc.constantFrom(-1, 0, 2147483647, -2147483648) }),
    );
    let i = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const row = db.traces[i++ % db.traces.length]!;
        const value = 'json' in c ? c.json : 'text' in c ? c.text : c.num;
        const cast = c.col === 'steps' || c.col === 'metadata' ? '::jsonb' : '';
        try {
          await client.query(`UPDATE execution_traces SET ${c.col} = $1${cast} WHERE trace_id = $2`, [value, row.id]);
        } catch {
          return; // the database refuses it (a CHECK, a value its type cannot hold): no store can hold it either
        }
        const t0 = Date.now();
        const res = await everyVerb(db.url, row.id);
        expect(res.size).toBe(16);
        expect(Date.now() - t0).toBeLessThan(TIME_BOUND_MS * 4);
      }),
      { seed: SEED + 3, numRuns: runs(10), endOnFailure: true },
    );
    console.log(`fuzz: slowest call ${slowest} ms`);
  }, 300_000);

  it('columns of other types (an integer trace_id, text times) and infinity timestamps are data', async () => {
    await client.query(`CREATE SCHEMA odd;
      CREATE TABLE odd.execution_traces (trace_id INTEGER, started_at TIMESTAMP, skill_name INTEGER, completed_at TIMESTAMP,
        total_duration_ms BIGINT, status TEXT, steps JSONB, error_message TEXT, metadata JSONB);
      INSERT INTO odd.execution_traces VALUES
        (1, 'infinity', 7, 'infinity', 99999999999, 'failed', '[{"name":"a","status":"failed","timestamp":"infinity","duration_ms":1e308}]', 'boom', '{"x":1}'),
        (2, now(), 8, '-infinity', -5, 'success', '{"not":"an array"}', NULL, '[1,2]'),
        (3, now() - interval '1 hour', 9, now(), 10, 'weird', '[]', NULL, NULL);`);
    const url = `${db.url}?schema=odd`;
    const res = await everyVerb(url, '3');
    const list = JSON.parse(res.get('list --json')!.stdout) as Array<{ id: string; name: string }>;
    expect(list.map((r) => r.id).sort()).toEqual(['1', '2', '3']);
    expect(list.find((r) => r.id === '1')!.name).toBe('7');
    expect(res.get('search')!.code).toBe(0);
  }, 120_000);
});
