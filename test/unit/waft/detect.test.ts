import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/sources/detect';
import { openStore } from '../../../src/sources/open';
import { makeWaftStore, waftLine } from './helpers';
import type { WaftFixture } from './helpers';

let fx: WaftFixture;
beforeAll(() => {
  fx = makeWaftStore();
});
afterAll(() => fx?.cleanup());

describe('detecting waft', () => {
  it('a project folder with _pyrite/analytics/traces, that folder, a daily file', async () => {
    for (const target of [fx.root, fx.tracesDir, path.join(fx.tracesDir, '2026-01-08.jsonl')]) {
      expect(await detectFormat(target), target).toEqual({ kind: 'store', format: 'waft' });
    }
    const store = await openStore(fx.root);
    expect(store.format).toBe('waft');
    expect(store.skippedLines).toBe(fx.m.skippedLines);
    await store.close();
  });

  it('a file whose first line is torn is judged by its first complete line', async () => {
    const f = path.join(fx.dir, 'spans.log');
    const line = waftLine({ trace_id: 't', span_id: 's', operation: 'op', timestamp: '2026-01-09T10:00:00' });
    fs.writeFileSync(f, `${line.slice(10)}${line}`);
    expect(await detectFormat(f)).toEqual({ kind: 'store', format: 'waft' });
  });

  it('a folder of waft .jsonl files without the _pyrite layout', async () => {
    const d = fs.mkdtempSync(path.join(fx.dir, 'copied-'));
    fs.copyFileSync(path.join(fx.tracesDir, '2026-01-07.jsonl'), path.join(d, '2026-01-07.jsonl'));
    expect(await detectFormat(d)).toEqual({ kind: 'store', format: 'waft' });
    const other = fs.mkdtempSync(path.join(fx.dir, 'other-'));
    fs.writeFileSync(path.join(other, 'notes.jsonl'), '{"a": 1}\n');
    expect(await detectFormat(other)).toMatchObject({ kind: 'unsupported', why: expect.stringMatching(/^is a folder with no trace store/) });
  });

  it('empty and garbage files are not guessed at', async () => {
    const empty = path.join(fx.dir, 'empty.jsonl');
    fs.writeFileSync(empty, '');
    expect(await detectFormat(empty)).toMatchObject({ kind: 'unsupported', why: expect.stringMatching(/^is empty/) });
    const junk = path.join(fx.dir, 'junk.jsonl');
    fs.writeFileSync(junk, 'not json\n{"trace_id": "x"}\n');
    expect(await detectFormat(junk)).toMatchObject({ kind: 'unsupported', why: expect.stringMatching(/^is not a store spanlens can read/) });
  });
});
