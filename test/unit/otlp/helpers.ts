import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What test/fixtures/otlp_write.mjs writes to manifest.json. */
export interface OtlpManifest {
  /** Scenario → trace id (hex): failed, ok, handled, worker. */
  traces: Record<string, string>;
  /** Scenario → span count. */
  spans: Record<string, number>;
  /** Scenario → service.name. */
  services: Record<string, string>;
  failed: { rootSpanId: string; paySpanId: string; message: string; stackFirstLine: string; file: string; line: number; durationMs: number };
  ok: { cacheOffsetMs: number; cacheDurationMs: number; startMs: number };
  /** Requests (lines) in traces.jsonl. */
  lines: number;
  spanCount: number;
  torn: { skippedLines: number; lostSpans: number };
  script: string;
}

export interface OtlpFixture {
  dir: string;
  jsonl: string;
  single: string;
  protojson: string;
  torn: string;
  m: OtlpManifest;
  cleanup(): void;
}

const SCRIPT = path.resolve(__dirname, '../../fixtures/otlp_write.mjs');

/** OTLP/JSON files recorded by the real OpenTelemetry JS SDK, in a temp folder. */
export function makeOtlpFiles(): OtlpFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-otlp-'));
  execFileSync(process.execPath, [SCRIPT, dir], { stdio: 'pipe' });
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as OtlpManifest;
  return {
    dir,
    jsonl: path.join(dir, 'traces.jsonl'),
    single: path.join(dir, 'single.json'),
    protojson: path.join(dir, 'protojson.jsonl'),
    torn: path.join(dir, 'torn.jsonl'),
    m,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
