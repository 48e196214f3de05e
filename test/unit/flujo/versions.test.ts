/**
 * Flujo's run versions (TraceStore.runVersions), which search compares to re-read only changed
 * runs: each of the ways Flujo writes a run moves that run's version and no other.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../../src/sources/open';
import { copyStore } from './helpers';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-versions-'));
  file = copyStore(inject('flujoStore'), dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs SQL against the copy with python3's sqlite3, as Flujo (a Python process) would. */
function write(sql: string, params: unknown[]): void {
  const py = 'import json, sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.execute("PRAGMA foreign_keys = ON")\ndb.execute(sys.argv[2], json.loads(sys.argv[3]))\ndb.commit()\ndb.close()\n';
  execFileSync(process.env.PYTHON ?? 'python3', ['-c', py, file, sql, JSON.stringify(params)]);
}

async function versions(): Promise<Map<string, string>> {
  const store = await openStore(file);
  try {
    return await store.runVersions!();
  } finally {
    await store.close();
  }
}

function moved(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((id) => a.get(id) !== b.get(id)).sort();
}

describe('Flujo runVersions', () => {
  it('has every run (and only runs), and is the same for an unchanged store', async () => {
    const v = await versions();
    const store = await openStore(file);
    const ids = (await store.listRuns()).map((r) => r.id).sort();
    await store.close();
    expect([...v.keys()].sort()).toEqual(ids);
    expect(await versions()).toEqual(v);
  });

  it("a running run's span updated in place (no other row touched) moves that run only", async () => {
    const running = inject('flujoManifest').scenarios['running']!;
    const before = await versions();
    write("UPDATE spans SET end_time = start_time + 0.5, status = 'completed' WHERE run_id = ? AND end_time IS NULL AND parent_span_id IS NOT NULL", [running]);
    expect(moved(before, await versions())).toEqual([running]);
  });

  it("save_trace again (DELETE the run's spans, INSERT them again) moves that run only, even with as many spans", async () => {
    const run = inject('flujoManifest').scenarios['enrichOk']!;
    const before = await versions();
    const py = `import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT span_id, run_id, parent_span_id, name, start_time, end_time, status, attributes, created_at FROM spans WHERE run_id = ?", (sys.argv[2],)).fetchall()
db.execute("DELETE FROM spans WHERE run_id = ?", (sys.argv[2],))
db.executemany("INSERT INTO spans (span_id, run_id, parent_span_id, name, start_time, end_time, status, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
db.close()
`;
    execFileSync(process.env.PYTHON ?? 'python3', ['-c', py, file, run]);
    expect(moved(before, await versions())).toEqual([run]);
  });

  it('a run finishing (save_run_end updates its row) and a run deleted (ON DELETE CASCADE) move those runs only', async () => {
    const m = inject('flujoManifest');
    const paused = m.scenarios['paused']!;
    const gone = m.scenarios['scoreOk']!;
    const before = await versions();
    write("UPDATE runs SET status = 'failed', updated_at = '2026-11-21T12:00:00+00:00' WHERE run_id = ?", [paused]);
    write('DELETE FROM runs WHERE run_id = ?', [gone]);
    const after = await versions();
    expect(moved(before, after)).toEqual([paused, gone].sort());
    expect(after.has(gone)).toBe(false);
  });

  it('a run stored without span rows (its steps only) moves when a step is recorded', async () => {
    const stepsOnly = inject('flujoManifest').scenarios['stepsOnly']!;
    const before = await versions();
    write(
      "INSERT INTO steps (run_id, step_name, step_index, status, output, raw_response, cost_usd, token_counts, execution_time_ms, created_at) VALUES (?, 'late_step', 99, 'completed', '{}', NULL, 0, 0, 5, '2026-11-21T12:00:00+00:00')",
      [stepsOnly],
    );
    expect(moved(before, await versions())).toEqual([stepsOnly]);
  });
});
