import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_EXTRA_GLOBS, discoveryGlobs, isWaftTracesDir, storeIdForFile, waftProjectDir } from '../../../src/extension/stores/discovery';
import { storeSignature } from '../../../src/sources/signature';

describe('discovery', () => {
  it('searches the base globs plus waft and OTLP by name, once each', () => {
    const g = discoveryGlobs(['**/flujo_ops.db', '**/*.otlp.jsonl']);
    expect(g[0]).toBe('**/flujo_ops.db');
    expect(g).toContain('**/_pyrite/analytics/traces/*.jsonl');
    expect(g).toContain('**/otel-traces*.json');
    expect(g.filter((x) => x === '**/*.otlp.jsonl')).toHaveLength(1);
    expect(g.length).toBe(1 + BUILTIN_EXTRA_GLOBS.length);
  });

  it('maps a waft daily file to its traces folder (one store per folder), anything else to itself', () => {
    const traces = path.join('/w', 'svc', '_pyrite', 'analytics', 'traces');
    expect(storeIdForFile(path.join(traces, '2026-01-07.jsonl'))).toBe(traces);
    expect(storeIdForFile(path.join('/w', 'otel', 'a.otlp.jsonl'))).toBe(path.join('/w', 'otel', 'a.otlp.jsonl'));
    expect(isWaftTracesDir(traces)).toBe(true);
    expect(isWaftTracesDir(path.join('/w', 'traces'))).toBe(false);
    expect(waftProjectDir(traces)).toBe(path.resolve('/w', 'svc'));
    expect(waftProjectDir('/w/flujo_ops.db')).toBeUndefined();
  });
});

describe('storeSignature', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-sig-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a waft folder: its .jsonl files; an append, or a new daily file, changes the key', async () => {
    const traces = path.join(dir, 'proj', '_pyrite', 'analytics', 'traces');
    fs.mkdirSync(traces, { recursive: true });
    fs.writeFileSync(path.join(traces, '2026-01-07.jsonl'), '{"trace_id":"a"}\n');
    fs.writeFileSync(path.join(traces, 'notes.txt'), 'ignored');
    const a = await storeSignature(path.join(dir, 'proj'));
    expect(a).toMatchObject({ exists: true, dbBytes: 17, watchDir: traces });
    expect(await storeSignature(traces)).toMatchObject({ key: a.key, watchDir: traces });
    fs.appendFileSync(path.join(traces, '2026-01-07.jsonl'), '{"trace_id":"b"}\n');
    const b = await storeSignature(traces);
    expect(b.key).not.toBe(a.key);
    expect(b.dbBytes).toBe(34);
    fs.writeFileSync(path.join(traces, '2026-01-08.jsonl'), '');
    expect((await storeSignature(traces)).key).not.toBe(b.key);
    fs.writeFileSync(path.join(traces, 'notes.txt'), 'still ignored, longer');
    const c = await storeSignature(traces);
    expect((await storeSignature(traces)).key).toBe(c.key);
  });

  it('a file: the file (and a -wal beside it); a missing path does not exist', async () => {
    const f = path.join(dir, 'x.otlp.jsonl');
    fs.writeFileSync(f, '{}\n');
    expect(await storeSignature(f)).toMatchObject({ exists: true, dbBytes: 3, walBytes: 0 });
    expect((await storeSignature(f)).watchDir).toBeUndefined();
    expect((await storeSignature(path.join(dir, 'gone'))).exists).toBe(false);
  });
});
