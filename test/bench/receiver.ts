/**
 * The OTLP/HTTP receiver: spans per second received and stored, in batches of 512 as the JS
 * SDK's BatchSpanProcessor sends them (bodies serialized by @opentelemetry/otlp-transformer,
 * the exporters' own serializers, JSON and protobuf), four requests in flight over keep-alive
 * connections; and the time from a POST to its trace being listed by the OTLP reader on the
 * receiver's folder (what the Runs view re-reads). Goals: ≥ 50,000 spans/s, < 1 s to list.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { startReceiver } from '../../src/receiver/server';
import { openStore } from '../../src/sources/open';

const BATCH = 512;
const BATCHES = Number(process.env.BENCH_RECEIVER_BATCHES ?? 200);
const IN_FLIGHT = 4;

/** Real SDK spans: traces of 8 spans with attributes and, now and then, an exception event. */
function sdkSpans(n: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench', 'service.version': '1.0.0', 'host.name': 'bench-1' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench', '1.0.0');
  for (let made = 0; made < n; made += 8) {
    const root = tracer.startSpan('GET /api/orders', { attributes: { 'http.request.method': 'GET', 'url.path': '/api/orders', 'http.response.status_code': 200 } });
    const ctx = trace.setSpan(context.active(), root);
    for (let i = 0; i < 7; i++) {
      const s = tracer.startSpan(`db.query ${i}`, { attributes: { 'db.system.name': 'postgresql', 'db.query.text': `SELECT * FROM orders WHERE id = $${i}`, 'app.rows': i * 3 } }, ctx);
      if (i === 6 && made % 64 === 0) s.recordException(new Error('connection reset by peer'));
      s.end();
    }
    root.end();
  }
  return exporter.getFinishedSpans().slice(0, n);
}

function post(agent: http.Agent, url: URL, body: Uint8Array, type: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { 'content-type': type, 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function throughput(kind: 'json' | 'protobuf', bodies: Uint8Array[]): Promise<{ spansPerSec: number; mbPerSec: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-bench-rx-'));
  const receiver = await startReceiver({ dir, port: 0 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const url = new URL(receiver.url);
  const type = kind === 'json' ? 'application/json' : 'application/x-protobuf';
  // Warm up (JIT, first file open) before timing.
  for (const b of bodies.slice(0, 4)) await post(agent, url, b, type);
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < BATCHES) {
      const b = bodies[next++ % bodies.length]!;
      bytes += b.length;
      const status = await post(agent, url, b, type);
      if (status !== 200) throw new Error(`receiver answered ${status}`);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  await receiver.stop();
  agent.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  return { spansPerSec: (BATCHES * BATCH) / secs, mbPerSec: bytes / 1e6 / secs };
}

async function latency(bodiesFor: (i: number) => { body: Uint8Array; traceId: string }): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-bench-rx-'));
  const receiver = await startReceiver({ dir, port: 0 });
  const agent = new http.Agent({ keepAlive: true });
  const url = new URL(receiver.url);
  const first = bodiesFor(0);
  await post(agent, url, first.body, 'application/json');
  const store = await openStore(dir);
  const times: number[] = [];
  for (let i = 1; i <= 10; i++) {
    const { body, traceId } = bodiesFor(i);
    const t0 = performance.now();
    await post(agent, url, body, 'application/json');
    for (;;) {
      const runs = await store.listRuns({ ids: [traceId] });
      if (runs.length > 0) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    times.push(performance.now() - t0);
  }
  await store.close();
  await receiver.stop();
  agent.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  return times;
}

export async function receiverBench(): Promise<void> {
  const spans = sdkSpans(BATCH * 8);
  const batches: ReadableSpan[][] = [];
  for (let i = 0; i < spans.length; i += BATCH) batches.push(spans.slice(i, i + BATCH));
  const json = batches.map((b) => JsonTraceSerializer.serializeRequest(b)!);
  const proto = batches.map((b) => ProtobufTraceSerializer.serializeRequest(b)!);
  const j = await throughput('json', json);
  const p = await throughput('protobuf', proto);
  // One small trace a POST, each a new trace id: the time until the reader on the folder lists it.
  const one = sdkSpans(8 * 11);
  const lat = await latency((i) => {
    const group = one.slice(i * 8, i * 8 + 8);
    return { body: JsonTraceSerializer.serializeRequest(group)!, traceId: group[0]!.spanContext().traceId };
  });
  lat.sort((a, b) => a - b);
  console.log(`\nOTLP receiver: ${BATCHES} requests of ${BATCH} spans (OTel JS SDK spans, the exporters' serializers), ${IN_FLIGHT} in flight, stored as OTLP/JSON lines:`);
  console.log(`  JSON      ${Math.round(j.spansPerSec).toLocaleString('en-US').padStart(9)} spans/s  (${j.mbPerSec.toFixed(1)} MB/s of bodies)`);
  console.log(`  protobuf  ${Math.round(p.spansPerSec).toLocaleString('en-US').padStart(9)} spans/s  (${p.mbPerSec.toFixed(1)} MB/s of bodies)   goal ≥ 50,000 spans/s`);
  console.log(`  POST → trace listed by the OTLP reader on the folder: median ${lat[Math.floor(lat.length / 2)]!.toFixed(1)} ms, max ${lat[lat.length - 1]!.toFixed(1)} ms (10 traces)   goal < 1 s`);
}
