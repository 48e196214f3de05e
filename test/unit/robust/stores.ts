import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, expect } from 'vitest';
import { runCli, type CliResult } from '../cli/run-cli';

/** Small stores of each format, written the way their systems write them, for the hostile-input tests. */

export function tempDir(prefix = 'spanlens-robust-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A maker of fresh temp folders for one test file, all removed after its tests (call at the top level). */
export function scratchDirs(prefix = 'spanlens-robust-'): { fresh(): string; keep(dir: string): void } {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return {
    fresh: () => {
      const d = tempDir(prefix);
      dirs.push(d);
      return d;
    },
    keep: (dir) => void dirs.push(dir),
  };
}

/** A waft span line as waft's `json.dump(span.to_dict())` writes it. */
export function waftSpan(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trace_id: 't-1',
    span_id: 's-1',
    operation: 'pipeline.run',
    layer: 'core',
    parent_span_id: null,
    timestamp: '2026-01-07T09:15:02.250700',
    duration_ms: 12.5,
    status: 'error',
    data: { input: 'x' },
    metadata: { step: 1 },
    error: 'ValueError: boom',
    ...over,
  };
}

/** A waft project under `root`: `_pyrite/analytics/traces/2026-01-07.jsonl` with these lines (objects or raw text). */
export function writeWaft(root: string, lines: Array<Record<string, unknown> | string>, day = '2026-01-07'): string {
  const dir = path.join(root, '_pyrite', 'analytics', 'traces');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${day}.jsonl`), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return dir;
}

/** One OTLP/JSON ExportTraceServiceRequest with one span whose attributes are `attributes` (KeyValue list). */
export function otlpRequest(attributes: unknown[] = [], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            scope: { name: 'manual' },
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: 'charge',
                kind: 2,
                startTimeUnixNano: '1767950400000000000',
                endTimeUnixNano: '1767950400005000000',
                attributes,
                status: { code: 2, message: 'card declined' },
                ...over,
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A copy of a Flujo store (db, -wal) in a fresh folder, changed by `sql` statements run by python's sqlite3. */
export function flujoCopy(source: string, sql: Array<[string, unknown[]]> = []): string {
  const dir = tempDir('spanlens-robust-flujo-');
  const file = path.join(dir, 'flujo_ops.db');
  fs.copyFileSync(source, file);
  if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${file}-wal`);
  if (sql.length > 0) {
    execFileSync(
      'python3',
      [
        '-c',
        `import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
for q, a in json.load(sys.stdin):
    c.execute(q, a)
c.commit()
c.close()`,
        file,
      ],
      { input: JSON.stringify(sql) },
    );
  }
  return file;
}

/** `[`×n `]`×n: nesting n deep in 2n bytes. */
export function deepArray(n: number): string {
  return '['.repeat(n) + ']'.repeat(n);
}

/** `{"a":`×n 1 `}`×n. */
export function deepObject(n: number): string {
  return '{"a":'.repeat(n) + '1' + '}'.repeat(n);
}

/** The CLI's contract on any input: exit 0, or exit 2 with exactly one line on stderr; never a bug report or a stack. */
export function expectContract(r: CliResult, what: string): void {
  const detail = `${what}\nexit ${r.code}\nstderr: ${r.stderr.slice(0, 2000)}`;
  expect([0, 2], detail).toContain(r.code);
  expect(r.stderr, detail).not.toMatch(/internal error|this is a bug/);
  expect(r.stderr, detail).not.toMatch(/\n\s+at /);
  if (r.code === 2) {
    expect(r.stderr.endsWith('\n') && r.stderr.split('\n').length === 2, detail).toBe(true);
    expect(r.stdout, detail).toBe('');
  }
}

/** A call taking longer is taken for a hang (in-process: a FIFO read or a dropped socket never resolves). */
export const CALL_BOUND_MS = 20_000;

/** The slowest call everyVerb saw so far: the fuzz suite reports it. */
export let slowest = 0;

/** Every verb (text and --json) on `store`, each held to the contract; returns the results by verb. */
export async function everyVerb(store: string, runId: string, extra: string[] = []): Promise<Map<string, CliResult>> {
  const calls: string[][] = [
    ['list', store],
    ['get', store, runId.slice(0, 4)],
    ['show', store, runId],
    ['trace', store, runId],
    ['spans', store, runId],
    ['stats', store],
    ['similar', store, 'error boom'],
    ['search', store, 'name:*a* status:error'],
  ];
  const out = new Map<string, CliResult>();
  for (const c of calls) {
    for (const json of [false, true]) {
      const argv = [...c, ...extra, ...(json ? ['--json'] : [])];
      const t0 = Date.now();
      const r = await runCli(argv, { env: { TZ: 'UTC' } });
      const ms = Date.now() - t0;
      expectContract(r, argv.join(' ').slice(0, 300));
      // Not a speed target: a call this slow is taken for a hang.
      expect(ms, `${argv.join(' ').slice(0, 200)} took ${ms} ms`).toBeLessThan(CALL_BOUND_MS);
      slowest = Math.max(slowest, ms);
      out.set(`${c[0]}${json ? ' --json' : ''}`, r);
    }
  }
  return out;
}

/** sha256 of every file under `p` (or of `p`), by relative name: proof a store was not written. */
export function fingerprint(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (f: string, rel: string): void => {
    const st = fs.lstatSync(f);
    if (st.isDirectory()) for (const n of fs.readdirSync(f).sort()) visit(path.join(f, n), rel ? `${rel}/${n}` : n);
    else if (st.isFile()) out[rel || '.'] = createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    else out[rel || '.'] = `<${st.mode.toString(8)}>`;
  };
  visit(p, '');
  return out;
}

/**
 * A -wal SQLite would accept up to its checksums: a valid header for `pageSize` and one
 * commit frame for page `pgno` with `dbSize` in its commit field (the claim under test).
 */
export function craftWal(pageSize: number, frames: Array<{ pgno: number; dbSize: number; page: Uint8Array }>): Buffer {
  const hdr = Buffer.alloc(32);
  hdr.writeUInt32BE(0x377f0682, 0); // little-endian checksums
  hdr.writeUInt32BE(3007000, 4);
  hdr.writeUInt32BE(pageSize, 8);
  hdr.writeUInt32BE(0, 12);
  hdr.writeUInt32BE(0x11223344, 16);
  hdr.writeUInt32BE(0x55667788, 20);
  let s0 = 0;
  let s1 = 0;
  const sum = (b: Buffer): void => {
    for (let i = 0; i < b.length; i += 8) {
      s0 = (s0 + b.readUInt32LE(i) + s1) >>> 0;
      s1 = (s1 + b.readUInt32LE(i + 4) + s0) >>> 0;
    }
  };
  sum(hdr.subarray(0, 24));
  hdr.writeUInt32BE(s0, 24);
  hdr.writeUInt32BE(s1, 28);
  const parts: Buffer[] = [hdr];
  for (const f of frames) {
    const fh = Buffer.alloc(24);
    fh.writeUInt32BE(f.pgno, 0);
    fh.writeUInt32BE(f.dbSize, 4);
    fh.writeUInt32BE(0x11223344, 8);
    fh.writeUInt32BE(0x55667788, 12);
    const page = Buffer.alloc(pageSize);
    page.set(f.page.subarray(0, pageSize));
    sum(fh.subarray(0, 8));
    sum(page);
    fh.writeUInt32BE(s0, 16);
    fh.writeUInt32BE(s1, 20);
    parts.push(fh, page);
  }
  return Buffer.concat(parts);
}
