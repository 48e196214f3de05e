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

/**
 * One ExportTraceServiceRequest line holding one span, spelled as the JS SDK's JSON
 * serializer spells it (hex ids, nanosecond strings): for tests that append to a file.
 */
export function otlpLine(span: {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service?: string;
  startNs: bigint;
  endNs?: bigint;
  code?: 0 | 1 | 2;
}): string {
  const sp: Record<string, unknown> = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: 1,
    startTimeUnixNano: String(span.startNs),
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    links: [],
    status: { code: span.code ?? 0 },
  };
  if (span.parentSpanId !== undefined) sp['parentSpanId'] = span.parentSpanId;
  if (span.endNs !== undefined) sp['endTimeUnixNano'] = String(span.endNs);
  const request = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: span.service ?? 'appender' } }] },
        scopeSpans: [{ scope: { name: 'spanlens-test' }, spans: [sp] }],
      },
    ],
  };
  return `${JSON.stringify(request)}\n`;
}
