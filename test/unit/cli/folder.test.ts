/** `spanlens <verb> <folder>`: the store inside a folder, found as the extension's discovery finds stores. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findStoresInFolder } from '../../../src/sources/storeFiles';
import { copyStore } from '../flujo/helpers';
import { expectUserError, runCli } from './run-cli';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-folder-'));
  fs.mkdirSync(path.join(dir, 'proj', 'pipelines', 'state'), { recursive: true });
  copyStore(inject('flujo06Store'), path.join(dir, 'proj', 'pipelines', 'state'));
  // Never walked into: dependencies and version control.
  fs.mkdirSync(path.join(dir, 'proj', 'node_modules', 'x'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'proj', 'node_modules', 'x', 'flujo_ops.db'), '');
  fs.mkdirSync(path.join(dir, 'proj', '.git'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'proj', '.git', 'otel-traces.json'), '{}');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a folder as the store', () => {
  it('every verb reads the one store inside, and says which on stderr', async () => {
    const folder = path.join(dir, 'proj');
    const r = await runCli(['list', folder, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^spanlens: reading .*proj\/pipelines\/state\/flujo_ops\.db \(the trace store in .*proj\)\n$/);
    const runs = JSON.parse(r.stdout) as Array<{ id: string; store: string }>;
    expect(runs.length).toBe(inject('flujo06Manifest').runCount);
    expect(runs[0]!.store).toBe(path.join(folder, 'pipelines', 'state', 'flujo_ops.db'));
    const t = await runCli(['trace', folder, inject('flujo06Manifest').scenarios['loopOk']!]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain("Loop 'refine_addresses' - Iteration 3");
  });

  it('more than one store: names them and says to pick one, exit 2', async () => {
    const folder = path.join(dir, 'proj');
    const otel = path.join(folder, 'otel');
    fs.mkdirSync(otel, { recursive: true });
    fs.writeFileSync(path.join(otel, 'checkout.otlp.jsonl'), '');
    try {
      const msg = expectUserError(await runCli(['list', folder]));
      expect(msg).toContain('is a folder with 2 trace stores — name one instead of the folder:');
      expect(msg).toContain('otel/checkout.otlp.jsonl');
      expect(msg).toContain('pipelines/state/flujo_ops.db');
    } finally {
      fs.rmSync(otel, { recursive: true });
    }
  });

  it('a folder with none says so as before; the walk is breadth first and skips dependencies', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    expect(expectUserError(await runCli(['list', empty]))).toContain('is a folder with no trace store spanlens knows');
    expect(await findStoresInFolder(path.join(dir, 'proj'))).toEqual([path.join(dir, 'proj', 'pipelines', 'state', 'flujo_ops.db')]);
  });
});
