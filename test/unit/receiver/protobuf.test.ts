// The protobuf path writes what the JSON path writes: the same SDK spans serialized by the
// exporters' own serializers (otlp-transformer's JsonTraceSerializer and ProtobufTraceSerializer),
// received both ways, read back by the OTLP reader, give the same runs and spans to the nanosecond.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/receiver/decode';
import { openStore } from '../../../src/sources/open';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-rx-pb-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function spans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders', 'service.instance.id': 'i-1', 'process.pid': 4242 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('orders-http', '3.1.0');
  const T0 = 1767952800;
  const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: [T0, 123_456_789], attributes: { 'http.request.method': 'POST', 'http.response.status_code': 500, ratio: 0.25, ok: false, tags: ['a', 'b'], counts: [1, 2, 3] } });
  const ctx = trace.setSpan(context.active(), root);
  const other = tracer.startSpan('cache.get', { kind: SpanKind.CLIENT, startTime: [T0, 200_000_001] }, ctx);
  other.end([T0, 300_000_007]);
  const child = tracer.startSpan('db.insert', { kind: SpanKind.CLIENT, startTime: [T0, 400_000_000], links: [{ context: other.spanContext(), attributes: { why: 'retry of' } }] }, ctx);
  child.addEvent('retry', { attempt: 2 }, [T0, 450_000_000]);
  child.recordException(new TypeError('null value in column "id"'), [T0, 480_000_000]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'insert failed' });
  child.end([T0, 500_000_003]);
  root.setStatus({ code: SpanStatusCode.ERROR });
  root.end([T0 + 1, 5]);
  return exporter.getFinishedSpans();
}

async function readBack(name: string, line: string) {
  const file = path.join(tmp, `${name}.jsonl`);
  fs.writeFileSync(file, `${line}\n`);
  const store = await openStore(file);
  try {
    const runs = await store.listRuns();
    return { runs: runs.map((r) => ({ ...r, store: '' })), spans: await store.getSpans(runs[0]!.id) };
  } finally {
    await store.close();
  }
}

describe('protobuf bodies are stored as the JSON ones are', () => {
  it('same runs and spans, nanoseconds exact, attributes typed, links and events kept', async () => {
    const s = spans();
    const fromJson = decodeBody(Buffer.from(JsonTraceSerializer.serializeRequest(s)!), 'json');
    const fromProto = decodeBody(Buffer.from(ProtobufTraceSerializer.serializeRequest(s)!), 'protobuf');
    expect(fromProto.spans).toBe(3);
    expect(fromProto.rejected).toBe(0);
    expect([...fromProto.traceIds]).toEqual([...fromJson.traceIds]);
    const a = await readBack('json', fromJson.line!);
    const b = await readBack('proto', fromProto.line!);
    expect(b).toEqual(a);
    const line = JSON.parse(fromProto.line!);
    const root = line.resourceSpans[0].scopeSpans[0].spans.find((x: { name: string }) => x.name === 'POST /orders');
    expect(root.startTimeUnixNano).toBe('1767952800123456789');
    expect(root.endTimeUnixNano).toBe('1767952801000000005');
    const db = b.spans.find((x) => x.name === 'db.insert')!;
    expect(db.error).toMatchObject({ type: 'TypeError', message: 'null value in column "id"' });
    expect(b.spans.find((x) => x.name === 'POST /orders')!.attributes).toMatchObject({ 'http.response.status_code': 500, ratio: 0.25, ok: false, tags: ['a', 'b'], counts: [1, 2, 3] });
  });

  it('a body nested 100,000 deep is refused with one line, not a crash', () => {
    // protobufjs's decoder recurses on nested messages: past the stack it is a clean 400.
    expect(() => decodeBody(nestedKvlist(100_000), 'protobuf')).toThrow('protobuf body nests deeper than 100 messages');
  });

  it('attribute values nested as deep as the decoder takes (100 messages) are converted whole', () => {
    const fromProto = decodeBody(nestedKvlist(30), 'protobuf');
    expect(fromProto.spans).toBe(1);
    let v = JSON.parse(fromProto.line!).resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value;
    let depth = 0;
    while (v.kvlistValue) {
      v = v.kvlistValue.values[0].value;
      depth++;
    }
    expect(depth).toBe(30);
    expect(v).toEqual({ stringValue: 'bottom' });
  });
});

/** A protobuf ExportTraceServiceRequest whose one span's attribute value nests `depth` kvlists deep. */
function nestedKvlist(depth: number): Buffer {
  const varintLen = (n: number): number => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5);
  // Sizes from the inside out (AnyValue{kvlist{values: KeyValue{key "k", value: AnyValue …}}}), then one write outside in.
  const inner = 2 + 'bottom'.length; // AnyValue{string_value: "bottom"}
  const anySize = [inner];
  const kvSize: number[] = [];
  const listSize: number[] = [];
  for (let i = 0; i < depth; i++) {
    const a = anySize[i]!;
    const kv = 3 + 1 + varintLen(a) + a; // key "k" (3 bytes) + value field
    const list = 1 + varintLen(kv) + kv;
    kvSize.push(kv);
    listSize.push(list);
    anySize.push(1 + varintLen(list) + list);
  }
  const top = anySize[depth]!;
  const attr = 1 + 1 + 4 + 1 + varintLen(top) + top; // key "deep" + value
  const span = 2 + 16 + 2 + 8 + 3 + 1 + varintLen(attr) + attr;
  const scope = 1 + varintLen(span) + span;
  const resource = 1 + varintLen(scope) + scope;
  const total = 1 + varintLen(resource) + resource;
  const buf = Buffer.alloc(total);
  let o = 0;
  const byte = (b: number): void => void (buf[o++] = b);
  const varint = (n: number): void => {
    while (n > 127) {
      byte((n & 127) | 128);
      n = Math.floor(n / 128);
    }
    byte(n);
  };
  const tag = (no: number, len: number): void => {
    byte((no << 3) | 2);
    varint(len);
  };
  const str = (no: number, text: string): void => {
    tag(no, text.length);
    o += buf.write(text, o, 'latin1');
  };
  tag(1, resource); // ExportTraceServiceRequest.resource_spans
  tag(2, scope); // ResourceSpans.scope_spans
  tag(2, span); // ScopeSpans.spans
  tag(1, 16);
  buf.fill(1, o, o + 16);
  o += 16;
  tag(2, 8);
  buf.fill(2, o, o + 8);
  o += 8;
  str(5, 's');
  tag(9, attr); // Span.attributes
  str(1, 'deep');
  tag(2, top);
  for (let i = depth - 1; i >= 0; i--) {
    tag(6, listSize[i]!); // AnyValue.kvlist_value
    tag(1, kvSize[i]!); // KeyValueList.values
    str(1, 'k');
    tag(2, anySize[i]!); // KeyValue.value
  }
  str(1, 'bottom');
  if (o !== total) throw new Error(`built ${o} of ${total} bytes`);
  return buf;
}
