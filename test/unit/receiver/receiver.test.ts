// The OTLP/HTTP receiver against real exporters: the OpenTelemetry JS SDK with
// @opentelemetry/exporter-trace-otlp-http (JSON) and -proto (protobuf), gzip or not, in their
// own processes, then the stored folder opened by the ordinary OTLP reader.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestType, responseType, rpcStatusType } from '../../../src/receiver/otlpSchema';
import { ReceiverStartError, startReceiver, type Receiver } from '../../../src/receiver/server';
import { openStore } from '../../../src/sources/open';

const APP = path.resolve(__dirname, '../../fixtures/otlp_app.mjs');

interface AppResult {
  traceIds: string[];
  spans: number;
  exportFailures: number;
  failedTraceId?: string;
}

function runApp(url: string, args: string[] = []): Promise<AppResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [APP, '--url', url, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as AppResult);
    });
  });
}

interface Reply {
  status: number;
  type: string | undefined;
  body: Buffer;
}

function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const HEX32 = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
function jsonRequest(spans: Array<{ traceId?: string; spanId?: string; name?: string }>): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand' } }] },
      scopeSpans: [{
        scope: { name: 't' },
        spans: spans.map((s, i) => ({
          traceId: s.traceId ?? HEX32,
          spanId: s.spanId ?? `00000000000000${String(i + 1).padStart(2, '0')}`,
          name: s.name ?? `s${i}`,
          kind: 1,
          startTimeUnixNano: '1767952800000000000',
          endTimeUnixNano: '1767952800005000000',
        })),
      }],
    }],
  });
}

function allLines(dir: string): string[] {
  return fs.readdirSync(dir).sort().flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l !== ''));
}

let dir: string;
let receiver: Receiver | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-rx-'));
});

afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('OTLP/HTTP receiver with real exporters', () => {
  it('JSON exporter: a trace with an exception is stored and read back as a failed run', async () => {
    receiver = await startReceiver({ dir: path.join(dir, 'otlp'), port: 0 });
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    const app = await runApp(receiver.url, ['--fail', '--traces', '3', '--spans', '4']);
    expect(app.exportFailures).toBe(0);
    expect(receiver.stats.spans).toBe(12);
    const store = await openStore(path.join(dir, 'otlp'));
    try {
      expect(store.format).toBe('otlp');
      const runs = await store.listRuns();
      expect(runs.map((r) => r.id).sort()).toEqual([...app.traceIds].sort());
      const failed = runs.find((r) => r.id === app.failedTraceId)!;
      expect(failed.status).toBe('error');
      expect(failed.name).toBe('checkout');
      const spans = await store.getSpans(failed.id);
      const charge = spans.find((s) => s.name === 'payment.charge')!;
      expect(charge.error).toMatchObject({ type: 'Error', message: 'card declined: insufficient funds' });
      expect(charge.error?.stack).toMatch(/otlp_app\.mjs:\d+/);
      expect(charge.parentId).toBe(spans.find((s) => s.name === 'GET /checkout')!.id);
    } finally {
      await store.close();
    }
  });

  it('protobuf exporter, gzip: the same spans, ids as hex, attributes typed', async () => {
    receiver = await startReceiver({ dir, port: 0 });
    const app = await runApp(receiver.url, ['--protocol', 'proto', '--gzip', '--traces', '2', '--spans', '3', '--service', 'inventory']);
    expect(app.exportFailures).toBe(0);
    const lines = allLines(dir);
    expect(lines.length).toBeGreaterThan(0);
    const req = JSON.parse(lines[0]!);
    const span = req.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
    const store = await openStore(dir);
    try {
      const runs = await store.listRuns();
      expect(runs.map((r) => r.id).sort()).toEqual([...app.traceIds].sort());
      const spans = await store.getSpans(runs[0]!.id);
      expect(spans).toHaveLength(3);
      const root = spans.find((s) => s.parentId === null)!;
      expect(root.attributes['http.request.method']).toBe('GET');
      expect(typeof root.attributes['app.order']).toBe('number');
      expect(runs[0]!.name).toBe('inventory');
    } finally {
      await store.close();
    }
  });

  it('two apps at once, each its own protocol: every span stored, every line whole', async () => {
    receiver = await startReceiver({ dir, port: 0 });
    const [a, b] = await Promise.all([
      runApp(receiver.url, ['--traces', '200', '--spans', '5', '--batch', '64', '--service', 'a']),
      runApp(receiver.url, ['--protocol', 'proto', '--traces', '200', '--spans', '5', '--batch', '64', '--service', 'b']),
    ]);
    expect(a.exportFailures + b.exportFailures).toBe(0);
    expect(receiver.stats.spans).toBe(2000);
    const lines = allLines(dir);
    for (const l of lines) JSON.parse(l);
    const store = await openStore(dir);
    try {
      const runs = await store.listRuns({ limit: 1000 });
      expect(runs).toHaveLength(400);
      expect(runs.filter((r) => r.name === 'a')).toHaveLength(200);
      expect(store.skippedLines ?? 0).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('answers as the OTLP spec says', () => {
  beforeEach(async () => {
    receiver = await startReceiver({ dir, port: 0, maxBodyBytes: 64 * 1024 });
  });

  it('200 with an empty ExportTraceServiceResponse, in the request encoding', async () => {
    const json = await post(receiver!.url, jsonRequest([{}]), { 'content-type': 'application/json' });
    expect(json.status).toBe(200);
    expect(json.type).toBe('application/json');
    expect(JSON.parse(json.body.toString())).toEqual({});
    const proto = requestType().encode(requestType().fromObject({ resourceSpans: [] })).finish();
    const reply = await post(receiver!.url, Buffer.from(proto), { 'content-type': 'application/x-protobuf' });
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('application/x-protobuf');
    expect(responseType().toObject(responseType().decode(reply.body))).toEqual({});
  });

  it('partial success: spans with invalid ids are rejected and counted, the rest kept', async () => {
    const body = jsonRequest([{}, { traceId: '0'.repeat(32) }, { spanId: 'xyz' }, { spanId: '00000000000000ff' }]);
    const reply = await post(receiver!.url, body, { 'content-type': 'application/json' });
    expect(reply.status).toBe(200);
    const answer = JSON.parse(reply.body.toString());
    expect(answer.partialSuccess.rejectedSpans).toBe('2');
    expect(answer.partialSuccess.errorMessage).toMatch(/invalid traceId/);
    const spans = JSON.parse(allLines(dir)[0]!).resourceSpans[0].scopeSpans[0].spans;
    expect(spans.map((s: { spanId: string }) => s.spanId)).toEqual(['0000000000000001', '00000000000000ff']);
  });

  it('400 for a torn body, JSON or protobuf; nothing stored', async () => {
    const full = jsonRequest([{}]);
    const torn = await post(receiver!.url, full.slice(0, full.length / 2), { 'content-type': 'application/json' });
    expect(torn.status).toBe(400);
    expect(JSON.parse(torn.body.toString()).message).toMatch(/not JSON/);
    const proto = Buffer.from(requestType().encode(requestType().fromObject(JSON.parse(jsonRequest([{}])))).finish());
    const cut = await post(receiver!.url, proto.subarray(0, proto.length - 7), { 'content-type': 'application/x-protobuf' });
    expect(cut.status).toBe(400);
    expect(rpcStatusType().toObject(rpcStatusType().decode(cut.body)).message).toMatch(/not an OTLP protobuf/);
    const badGzip = await post(receiver!.url, Buffer.from('not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('415 for another content type or encoding; 404 and 405 elsewhere', async () => {
    expect((await post(receiver!.url, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(receiver!.url, 'x', { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
    expect((await post(receiver!.url.replace('/v1/traces', '/v1/logs'), '{}', { 'content-type': 'application/json' })).status).toBe(404);
    const get = await new Promise<number>((resolve) => http.get(receiver!.url, (res) => { res.resume(); resolve(res.statusCode ?? 0); }));
    expect(get).toBe(405);
  });

  it('413 past the size limit, also for a small gzip that inflates past it', async () => {
    const big = jsonRequest(Array.from({ length: 600 }, (_, i) => ({ spanId: (i + 1).toString(16).padStart(16, '0') })));
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect((await post(receiver!.url, big, { 'content-type': 'application/json' })).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect((await post(receiver!.url, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(413);
  });

});

describe('stopping and starting', () => {
  it('JSON nested 100,000 deep in an attribute: refused with 400, the receiver keeps serving', async () => {
    receiver = await startReceiver({ dir, port: 0 });
    const deep = `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(100_000)}{"stringValue":"x"}${'}]}}'.repeat(100_000)}`;
    const body = jsonRequest([{}]).replace('"kind":1', `"kind":1,"attributes":[{"key":"deep","value":${deep}}]`);
    const r = await post(receiver.url, body, { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body.toString()).message).toBe('span attributes nest too deep to store');
    expect(fs.readdirSync(dir)).toEqual([]);
    const ok = await post(receiver.url, jsonRequest([{}]), { 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
  });

  it('a stop while requests arrive loses nothing acknowledged and tears no line', async () => {
    receiver = await startReceiver({ dir, port: 0 });
    const url = receiver.url;
    const acked: string[] = [];
    const sends = Array.from({ length: 300 }, (_, i) => {
      const traceId = (i + 1).toString(16).padStart(32, '0');
      return post(url, jsonRequest([{ traceId }, { traceId }]), { 'content-type': 'application/json' }).then(
        (r) => { if (r.status === 200) acked.push(traceId); },
        () => undefined, // refused once the receiver stopped listening: the exporter retries later
      );
    });
    // Stop once some are stored and others are still arriving.
    const t0 = Date.now();
    while (receiver.stats.requests < 20 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 1));
    await receiver.stop();
    await Promise.all(sends);
    const lines = allLines(dir);
    const stored = new Set<string>();
    for (const l of lines) for (const s of JSON.parse(l).resourceSpans[0].scopeSpans[0].spans) stored.add(s.traceId);
    for (const t of acked) expect(stored.has(t)).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
  });

  it('a port that is taken: one line naming the process that holds it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const err = await startReceiver({ dir, port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReceiverStartError);
      expect((err as Error).message).toMatch(new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already in use`));
      if (process.platform === 'linux') expect((err as Error).message).toContain(`(pid ${process.pid})`);
    } finally {
      blocker.close();
    }
  });

  it('an address that is not this machine\'s: one clear line', async () => {
    const err = await startReceiver({ dir, port: 0, host: '192.0.2.1' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/is not an address of this machine/);
  });

  it('a restarted receiver appends to the day\'s file, never truncating it', async () => {
    receiver = await startReceiver({ dir, port: 0 });
    await post(receiver.url, jsonRequest([{}]), { 'content-type': 'application/json' });
    await receiver.stop();
    receiver = await startReceiver({ dir, port: 0 });
    await post(receiver.url, jsonRequest([{ traceId: 'b'.repeat(32) }]), { 'content-type': 'application/json' });
    await receiver.stop();
    expect(fs.readdirSync(dir)).toHaveLength(1);
    expect(allLines(dir)).toHaveLength(2);
  });
});
