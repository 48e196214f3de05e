import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What test/fixtures/waft_store.py --manifest writes. */
export interface WaftManifest {
  root: string;
  tracesDir: string;
  files: string[];
  /** Scenario → trace id: ok, failed, html, tornMidLine, merged, midnight, pending, crashed. */
  scenarios: Record<string, string>;
  /** Scenario → spans that survive on disk (the crashed trace has none). */
  spans: Record<string, number>;
  runCount: number;
  skippedLines: number;
  failedMessage: string;
}

export interface WaftFixture {
  dir: string;
  root: string;
  tracesDir: string;
  m: WaftManifest;
  cleanup(): void;
}

const SCRIPT = path.resolve(__dirname, '../../fixtures/waft_store.py');

/** A fresh waft store in a temp folder, written by the fixture script (python3, stdlib only). */
export function makeWaftStore(): WaftFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-waft-'));
  const root = path.join(dir, 'project');
  const manifestFile = path.join(dir, 'manifest.json');
  execFileSync(process.env.PYTHON ?? 'python3', [SCRIPT, root, '--manifest', manifestFile], { stdio: 'pipe' });
  const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as WaftManifest;
  return { dir, root, tracesDir: m.tracesDir, m, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** sha256 of every file under a folder: proves reading wrote nothing. */
export function fingerprintDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** One span line exactly as waft's json.dump(span.to_dict(), f) spells it (", " and ": " separators). */
export function waftLine(fields: {
  trace_id: string;
  span_id: string;
  operation: string;
  parent_span_id?: string | null;
  timestamp: string;
  duration_ms?: number | null;
  status?: string;
  error?: string | null;
}): string {
  const o = {
    trace_id: fields.trace_id,
    span_id: fields.span_id,
    operation: fields.operation,
    layer: 'core',
    parent_span_id: fields.parent_span_id ?? null,
    timestamp: fields.timestamp,
    duration_ms: fields.duration_ms ?? 1.5,
    status: fields.status ?? 'success',
    data: {},
    metadata: {},
    error: fields.error ?? null,
  };
  // Python's default separators; the nested values here are flat, so one level is enough.
  return `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}\n`;
}
