import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../../src/receiver/spool';
import { openStore } from '../../../src/sources/open';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-spool-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function request(traceId: string, spanId: string): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans: [{
      traceId, spanId, name: `op-${spanId}`, startTimeUnixNano: '1767952800000000000', endTimeUnixNano: '1767952800001000000',
    }] }] }],
  });
}

describe('Spool', () => {
  it('starts a new file past the size and at a new day; the folder reads as one store, oldest first', async () => {
    let now = new Date(2026, 0, 9, 23, 59, 0);
    const spool = new Spool(dir, { maxFileBytes: 600, now: () => now });
    const trace = 'c'.repeat(32);
    for (let i = 1; i <= 6; i++) await spool.append(request(trace, i.toString(16).padStart(16, '0')));
    now = new Date(2026, 0, 10, 0, 0, 1);
    await spool.append(request(trace, 'ff'.repeat(8)));
    await spool.close();
    const files = fs.readdirSync(dir).sort();
    expect(files[0]).toBe('traces-2026-01-09-001.jsonl');
    expect(files.filter((f) => f.startsWith('traces-2026-01-09-')).length).toBeGreaterThan(1);
    expect(files[files.length - 1]).toBe('traces-2026-01-10-001.jsonl');
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(600);
    // A trace spread over files (and midnight) is one run with all its spans.
    const store = await openStore(dir);
    try {
      const runs = await store.listRuns();
      expect(runs).toHaveLength(1);
      expect(runs[0]!.spanCount).toBe(7);
    } finally {
      await store.close();
    }
  });

  it('lines written concurrently never interleave', async () => {
    const spool = new Spool(dir);
    const big = 'x'.repeat(200_000);
    await Promise.all(Array.from({ length: 50 }, (_, i) => spool.append(JSON.stringify({ i, big }))));
    await spool.close();
    const lines = fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]!), 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('a write after close is refused, not lost silently', async () => {
    const spool = new Spool(dir);
    await spool.close();
    await expect(spool.append('{}')).rejects.toThrow(/stopping/);
  });
});
