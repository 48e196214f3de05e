import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { describe, expect, inject, it } from 'vitest';
import { CUT_MARKER, MAX_VALUE_DEPTH } from '../../../src/model/value';
import { fileError } from '../../../src/sources/files';
import { StoreError } from '../../../src/sources/types';
import { runCli } from '../cli/run-cli';
import {
  craftWal,
  deepArray,
  deepObject,
  everyVerb,
  expectContract,
  fingerprint,
  flujoCopy as copyFlujo,
  otlpRequest,
  scratchDirs,
  waftSpan,
  writeWaft,
} from './stores';

/**
 * Hostile and damaged stores, one class of input per block: the CLI answers each with a
 * result or one clear line (exit 2), never a crash, a stack or a hang.
 */
const scratch = scratchDirs();
const fresh = scratch.fresh;
/** A changed copy of a Flujo store, removed after the tests. */
function flujoCopy(...args: Parameters<typeof copyFlujo>): string {
  const file = copyFlujo(...args);
  scratch.keep(path.dirname(file));
  return file;
}

const flujoStore = inject('flujoStore');
const flujoRun = inject('flujoManifest').scenarios['failedTraceback']!;

/** Depth of the deepest array/object in a JSON text, without parsing it. */
function nesting(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

describe('1. values nested thousands deep are cut with a marker, in every format and verb', () => {
  const N = 50_000; // 100 KB of brackets: far past any stack

  it('waft: data, metadata and error nested deep', async () => {
    const root = fresh();
    writeWaft(root, [
      `{"trace_id": "t-1", "span_id": "s-1", "operation": "op", "parent_span_id": null, "timestamp": "2026-01-07T09:15:02", "duration_ms": 1, "status": "error", "data": ${deepObject(N)}, "metadata": {"m": ${deepArray(N)}}, "error": ${deepArray(N)}}`,
    ]);
    const res = await everyVerb(root, 't-1');
    const shown = res.get('show --json')!.stdout;
    expect(shown).toContain(CUT_MARKER);
    expect(nesting(shown)).toBeLessThan(MAX_VALUE_DEPTH + 8);
    expect(res.get('show')!.stdout).toContain('t-1');
  });

  it('OTLP: a kvlistValue nested deep', async () => {
    const dir = fresh();
    const kv = '{"kvlistValue":{"values":[{"key":"a","value":'.repeat(N / 10) + '{"stringValue":"x"}' + '}]}}'.repeat(N / 10);
    const req = JSON.stringify(otlpRequest([{ key: 'deep', value: { stringValue: '@@' } }])).replace('{"stringValue":"@@"}', kv);
    const file = path.join(dir, 'traces.otlp.jsonl');
    fs.writeFileSync(file, `${req}\n`);
    const res = await everyVerb(file, '0af7651916cd43dd8448eb211c80319c');
    expect(res.get('show --json')!.stdout).toContain(CUT_MARKER);
  });

  it('Flujo: span attributes nested deep, and a trace tree 5,000 spans deep', async () => {
    const chain = (n: number): string =>
      Array.from({ length: n }, (_, i) => `{"span_id":"c${i}","name":"c${i}","start_time":1,"end_time":2,"children":[`).join('') + ']}'.repeat(n);
    const file = flujoCopy(flujoStore, [
      ['UPDATE spans SET attributes = ?', [`{"x": ${deepObject(N)}}`]],
      ['UPDATE traces SET trace_data = ?', [`{"span_id":"r","name":"root","start_time":1,"end_time":2,"children":[${chain(5000)}]}`]],
    ]);
    const before = fingerprint(path.dirname(file));
    const res = await everyVerb(file, flujoRun);
    expect(res.get('show --json')!.stdout).toContain(CUT_MARKER);
    expect(fingerprint(path.dirname(file))).toEqual(before);
  });

  it('a span tree 30,000 deep (each span the parent of the next) in every verb', async () => {
    const root = fresh();
    writeWaft(
      root,
      Array.from({ length: 30_000 }, (_, i) => waftSpan({ span_id: `s${i}`, parent_span_id: i === 0 ? null : `s${i - 1}`, status: 'success', error: null })),
    );
    const res = await everyVerb(root, 't-1');
    expect(res.get('trace')!.stdout).toMatch(/depth \d+/);
  });
});

describe('2. no spread of store-sized arrays', () => {
  it('a run of 150,000 spans: show, spans, trace and stats print their tables', async () => {
    const root = fresh();
    writeWaft(
      root,
      Array.from({ length: 150_000 }, (_, i) => waftSpan({ span_id: `s${i}`, operation: `op${i % 7}`, parent_span_id: i === 0 ? null : 's0', status: 'success', error: null })),
    );
    for (const verb of ['show', 'spans', 'trace']) {
      const r = await runCli([verb, root, 't-1']);
      expectContract(r, verb);
      expect(r.code).toBe(0);
    }
    const stats = await runCli(['stats', root]);
    expect(stats.stdout).toMatch(/150,?000 spans/);
  });

  it('no call in src/ spreads an array into arguments (Math.max(...xs), push(...xs)) but fixed small ones', async () => {
    const ts = await import('typescript');
    const root = path.resolve(__dirname, '../../../src');
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          const sf = ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true);
          const visit = (n: import('typescript').Node): void => {
            if (ts.isSpreadElement(n) && (ts.isCallExpression(n.parent) || ts.isNewExpression(n.parent))) {
              const call = n.parent.expression.getText(sf);
              // Fixed, small argument lists: path segments, a handful of disposables, SQL params of one filter.
              const ok = /^(path\.join|vscode\.Uri\.joinPath|context\.subscriptions\.push|params\.push)$/.test(call);
              if (!ok) found.push(`${path.relative(root, p)}:${sf.getLineAndCharacterOfPosition(n.pos).line + 1} ${call}(...)`);
            }
            ts.forEachChild(n, visit);
          };
          visit(sf);
        }
      }
    };
    walk(root);
    expect(found).toEqual([]);
  });
});

describe('3. a crafted -wal is refused by what the files can hold', () => {
  for (const claim of [0xffffffff, 1_000_000]) {
    it(`a commit frame claiming ${claim} pages: one line, at once`, async () => {
      const file = flujoCopy(flujoStore);
      fs.rmSync(`${file}-wal`, { force: true });
      const page1 = fs.readFileSync(file).subarray(0, 4096);
      fs.writeFileSync(`${file}-wal`, craftWal(4096, [{ pgno: 1, dbSize: claim, page: page1 }]));
      const before = fingerprint(path.dirname(file));
      for (const verb of ['list', 'stats']) {
        const r = await runCli([verb, file]);
        expectContract(r, verb);
        expect(r.stderr).toMatch(new RegExp(`database is corrupt: its -wal's last commit says the database has ${claim} pages`));
      }
      expect(fingerprint(path.dirname(file))).toEqual(before);
    });
  }
});

describe('4. paths that are not regular files: one line each, never a wait', () => {
  const mkfifo = (p: string): void => void execFileSync('mkfifo', [p]);

  it('a FIFO as the store, as its -wal and as a named .jsonl (with and without --format)', async () => {
    const dir = fresh();
    mkfifo(path.join(dir, 'flujo_ops.db'));
    mkfifo(path.join(dir, 'spans.jsonl'));
    const withWal = flujoCopy(flujoStore);
    fs.rmSync(`${withWal}-wal`);
    mkfifo(`${withWal}-wal`);
    const cases: string[][] = [
      ['list', path.join(dir, 'flujo_ops.db')],
      ['list', withWal],
      ['list', path.join(dir, 'spans.jsonl')],
      ['list', path.join(dir, 'spans.jsonl'), '--format', 'waft'],
      ['list', path.join(dir, 'spans.jsonl'), '--format', 'otlp'],
      ['list', path.join(dir, 'flujo_ops.db'), '--format', 'flujo'],
    ];
    for (const argv of cases) {
      const r = await runCli(argv);
      expectContract(r, argv.join(' '));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is a named pipe \(FIFO\), not a file/);
    }
  });

  it('a socket, a symlink loop, a name too long, /proc/self/mem', async () => {
    const dir = fresh();
    const sock = path.join(dir, 'x.jsonl');
    const server = net.createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    fs.symlinkSync('loop', path.join(dir, 'loop'));
    const cases: Array<[string, RegExp]> = [
      [sock, /is a socket/],
      [path.join(dir, 'loop'), /a loop of symbolic links/],
      [path.join(dir, 'n'.repeat(5000)), /the path is too long/],
    ];
    try {
      for (const [p, why] of cases) {
        for (const format of [[], ['--format', 'waft'], ['--format', 'otlp'], ['--format', 'flujo']]) {
          const r = await runCli(['list', p, ...format]);
          expectContract(r, `${p.slice(0, 80)} ${format.join(' ')}`);
          expect(r.code).toBe(2);
          expect(r.stderr).toMatch(why);
          expect(r.stderr.length).toBeLessThan(400);
        }
      }
      if (fs.existsSync('/proc/self/mem')) {
        // Detected: refused. Read as a line format, it stats as a regular file of 0 bytes: no runs.
        const r = await runCli(['list', '/proc/self/mem']);
        expectContract(r, '/proc/self/mem');
        expect(r.stderr).toMatch(/cannot be read as a file/);
        for (const format of ['waft', 'otlp', 'flujo']) expectContract(await runCli(['list', '/proc/self/mem', '--format', format]), format);
      }
    } finally {
      server.close();
    }
  });

  it('EACCES and the other codes a path can cause map to one StoreError line', () => {
    for (const code of ['EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'ENXIO', 'EIO', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EMFILE']) {
      const e = fileError(Object.assign(new Error(code), { code }), '/x/store.jsonl');
      expect(e, code).toBeInstanceOf(StoreError);
      expect((e as Error).message.split('\n')).toHaveLength(1);
    }
    const other = new Error('disk on fire');
    expect(fileError(other, '/x')).toBe(other); // not the user's doing: stays a bug
  });

  it('one bad file in a waft folder is left out and named; the folder reads on', async () => {
    const root = fresh();
    const traces = writeWaft(root, [waftSpan()]);
    mkfifo(path.join(traces, '2026-01-08.jsonl'));
    const r = await runCli(['list', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('t-1');
    expect(r.stderr).toMatch(/left out: .*2026-01-08\.jsonl: is a named pipe/);
  });
});

describe('6. wildcards never backtrack', () => {
  it('name:*a*a*…*b against long near-misses answers (a regex took minutes)', async () => {
    const root = fresh();
    writeWaft(root, [waftSpan({ operation: 'a'.repeat(5000), status: 'success', error: null })]);
    const pattern = `${'*a'.repeat(30)}*b`;
    for (const q of [`name:${pattern}`, `pipeline:${pattern}`, `attr.data.input=${pattern}`]) {
      const r = await runCli(['search', root, q]);
      expectContract(r, q);
      expect(r.code).toBe(0);
    }
    const spans = await runCli(['spans', root, 't-1', '--name', pattern]);
    expect(spans.code).toBe(0);
  });
});

describe('7. options at the edge of numbers, tables at the edge of SQL', () => {
  it('--since-hours 1e300 is every run; --limit past 2^64 is no limit', async () => {
    for (const store of [flujoStore, writeWaft(fresh(), [waftSpan()])]) {
      const all = await runCli(['list', store, '--limit', '0', '--json']);
      const far = await runCli(['list', store, '--since-hours', '1e300', '--limit', '99999999999999999999999', '--json']);
      expectContract(far, 'list far');
      expect(JSON.parse(far.stdout)).toEqual(JSON.parse(all.stdout));
      const stats = await runCli(['stats', store, '--since-hours', '1e300']);
      expect(stats.code).toBe(0);
      for (const verb of [['search', store, 'status:error'], ['similar', store, 'boom']]) {
        const r = await runCli([...verb, '--limit', '99999999999999999999999']);
        expectContract(r, verb.join(' '));
        expect(r.code).toBe(0);
      }
    }
  });

  it('a spans table WITHOUT ROWID reads as the same store', async () => {
    const file = flujoCopy(flujoStore, [
      [
        `CREATE TABLE spans2 (id INTEGER, run_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, name TEXT NOT NULL,
          start_time REAL NOT NULL, end_time REAL, status TEXT NOT NULL, attributes TEXT, created_at TEXT NOT NULL,
          PRIMARY KEY (run_id, span_id)) WITHOUT ROWID`,
        [],
      ],
      ['INSERT OR IGNORE INTO spans2 SELECT * FROM spans', []],
      ['DROP TABLE spans', []],
      ['ALTER TABLE spans2 RENAME TO spans', []],
    ]);
    await everyVerb(file, flujoRun);
    const spans = await runCli(['spans', file, flujoRun, '--json']);
    const original = await runCli(['spans', flujoStore, flujoRun, '--json']);
    const ids = (out: string): string[] => (JSON.parse(out) as Array<{ id: string }>).map((s) => s.id).sort();
    expect(ids(spans.stdout)).toEqual(ids(original.stdout));
  });
});

describe('8. a JSON line past the line limit is skipped and counted, never gathered', () => {
  it('a 600 MB line between two spans (sparse file): both spans read, one line skipped', async () => {
    const root = fresh();
    const traces = writeWaft(root, [waftSpan({ trace_id: 't-before', span_id: 'a' })]);
    const file = path.join(traces, '2026-01-07.jsonl');
    const fd = fs.openSync(file, 'r+');
    try {
      let at = fs.fstatSync(fd).size;
      at += fs.writeSync(fd, '{"trace_id": "t-huge", "pad": "', at);
      at += 600 * 1024 * 1024; // a hole: reads as 600 MB of NUL bytes
      fs.writeSync(fd, `"}\n${JSON.stringify(waftSpan({ trace_id: 't-after', span_id: 'b' }))}\n`, at);
    } finally {
      fs.closeSync(fd);
    }
    const r = await runCli(['list', root, '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id).sort()).toEqual(['t-after', 't-before']);
    const stats = await runCli(['stats', root, '--json']);
    expect((JSON.parse(stats.stdout) as { skippedLines: number }).skippedLines).toBe(1);
  }, 60_000);
});

describe('9. nothing from the data acts on a terminal', () => {
  const evil = 'evil\u061c\u202e\u007f\u009b31m\u2066name\u001b[2J';

  it('bidi marks, DEL, C1 and escapes are dropped in text and \\u-escaped in --json, in every verb', async () => {
    const root = fresh();
    writeWaft(root, [waftSpan({ operation: evil, error: `bad${evil}`, data: { [evil]: evil } })]);
    const res = await everyVerb(root, 't-1');
    for (const [verb, r] of res) {
      expect(r.stdout, verb).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
      expect(r.stderr, verb).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    }
    // The JSON still says what the store holds.
    const runs = JSON.parse(res.get('list --json')!.stdout) as Array<{ name: string }>;
    expect(runs[0]!.name).toBe(evil);
  });

  it("the user's own --pipeline and --name values are echoed cleaned", async () => {
    const root = writeWaft(fresh(), [waftSpan()]);
    const list = await runCli(['list', root, '--pipeline', `x${evil}`]);
    expect(list.stdout).toContain("pipeline 'xevilname'");
    const spans = await runCli(['spans', root, 't-1', '--name', `x${evil}`]);
    expect(spans.stdout).not.toMatch(/[\u001b\u061c\u202e\u007f]/);
  });

  it('a waft operation that is an object shows as its JSON, not [object Object]', async () => {
    const root = writeWaft(fresh(), [waftSpan({ operation: { stage: 'load', n: 2 } })]);
    const r = await runCli(['show', root, 't-1']);
    expect(r.stdout).toContain('{"stage":"load","n":2}');
    expect(r.stdout).not.toContain('[object Object]');
  });
});
