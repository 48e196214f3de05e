/**
 * An OTLP/HTTP trace export body → one OTLP/JSON line, as the Collector's file exporter writes
 * it (`{"resourceSpans":[…]}`), which the OTLP reader then opens like any other file. Spans whose
 * trace or span id is not a valid id are rejected (the spec's partial success) and left out of
 * the line; the rest is kept as the exporter sent it. No recursion here on the data's depth:
 * the walk is three fixed levels (resource → scope → span); what nests below is copied as is.
 */
import { gunzip, inflate, type InputType } from 'node:zlib';
import { promisify } from 'node:util';
import { requestType } from './otlpSchema';
import { requestToJson } from './protobufToJson';

export type BodyEncoding = 'json' | 'protobuf';

/** A request the receiver refuses: the HTTP status and one line saying why. */
export class ReceiveError extends Error {
  constructor(readonly status: 400 | 404 | 405 | 413 | 415 | 503, message: string) {
    super(message);
    this.name = 'ReceiveError';
  }
}

export interface DecodedBody {
  /** One OTLP/JSON ExportTraceServiceRequest, no newline; undefined when no span was kept. */
  line?: string;
  spans: number;
  rejected: number;
  /** Why spans were rejected (the first reason), for the partial-success answer. */
  rejectReason?: string;
  traceIds: Set<string>;
}

/** `Content-Type` → how the body is encoded; undefined for a type OTLP/HTTP does not use (415). */
export function bodyEncoding(contentType: string | undefined): BodyEncoding | undefined {
  const t = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (t === 'application/json') return 'json';
  if (t === 'application/x-protobuf' || t === 'application/protobuf') return 'protobuf';
  return undefined;
}

const gunzipAsync = promisify<InputType, { maxOutputLength: number }, Buffer>(gunzip);
const inflateAsync = promisify<InputType, { maxOutputLength: number }, Buffer>(inflate);

/** Undo `Content-Encoding` (exporters send gzip), never past `maxBytes` (a small gzip can inflate to gigabytes). */
export async function decompress(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip' && enc !== 'deflate') {
    throw new ReceiveError(415, `Content-Encoding '${enc.slice(0, 40)}' is not supported (gzip, deflate or none)`);
  }
  try {
    return await (enc === 'deflate' ? inflateAsync : gunzipAsync)(body, { maxOutputLength: maxBytes });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new ReceiveError(413, `body inflates past the limit of ${maxBytes} bytes`);
    }
    throw new ReceiveError(400, `body is not valid ${enc} data`);
  }
}

/** Decodes and checks one export body. Throws ReceiveError(400) for a body that does not decode. */
export function decodeBody(body: Buffer, encoding: BodyEncoding): DecodedBody {
  const request = encoding === 'json' ? parseJson(body) : parseProtobuf(body);
  return keepValidSpans(request);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(body: Buffer): Obj {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ReceiveError(400, 'body is not JSON (an OTLP/JSON ExportTraceServiceRequest was expected)');
  }
  if (!isObj(value)) throw new ReceiveError(400, 'body is not a JSON object (an ExportTraceServiceRequest was expected)');
  if (value['resourceSpans'] !== undefined && !Array.isArray(value['resourceSpans'])) {
    throw new ReceiveError(400, 'resourceSpans is not an array');
  }
  return value;
}

function parseProtobuf(body: Buffer): Obj {
  const type = requestType();
  try {
    // Into OTLP/JSON's own encoding (hex ids, decimal 64-bit numbers), as the file exporter writes it.
    return requestToJson(type.decode(body) as unknown as Obj);
  } catch (e) {
    // protobufjs says a truncated body with a RangeError too; only the stack's own is about depth.
    // protobufjs stops at 100 nested messages, as protoc does (and a stack overflow would be the same case).
    if ((e instanceof RangeError && /call stack/i.test(e.message)) || (e instanceof Error && /max depth/.test(e.message))) {
      throw new ReceiveError(400, 'protobuf body nests deeper than 100 messages (attribute values nested too deep)');
    }
    const why = e instanceof Error ? e.message.split('\n', 1)[0]!.slice(0, 120) : 'malformed';
    throw new ReceiveError(400, `body is not an OTLP protobuf ExportTraceServiceRequest (${why})`);
  }
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A valid id as lowercase hex: `bytes` bytes, not all zero (the spec's rule). OTLP/JSON writes
 * hex; protobuf bytes arrive here as base64. Undefined for anything else.
 */
export function validId(v: unknown, bytes: 16 | 8): string | undefined {
  if (typeof v !== 'string') return undefined;
  let hex: string | undefined;
  if (v.length === bytes * 2 && HEX.test(v)) hex = v.toLowerCase();
  else if (v.length > 0 && v.length <= 4 * Math.ceil(bytes / 3) && BASE64.test(v)) {
    const buf = Buffer.from(v, 'base64');
    if (buf.length === bytes) hex = buf.toString('hex');
  }
  if (hex === undefined || /^0+$/.test(hex)) return undefined;
  return hex;
}

function keepValidSpans(request: Obj): DecodedBody {
  const out: DecodedBody = { spans: 0, rejected: 0, traceIds: new Set() };
  const reject = (why: string): void => {
    out.rejected++;
    out.rejectReason ??= why;
  };
  const resourceSpans = Array.isArray(request['resourceSpans']) ? request['resourceSpans'] : [];
  const keptResources: unknown[] = [];
  for (const rs of resourceSpans) {
    if (!isObj(rs)) continue;
    const scopes = Array.isArray(rs['scopeSpans']) ? rs['scopeSpans'] : [];
    const keptScopes: unknown[] = [];
    for (const ss of scopes) {
      if (!isObj(ss)) continue;
      const spans = Array.isArray(ss['spans']) ? ss['spans'] : [];
      const kept: unknown[] = [];
      for (const sp of spans) {
        if (!isObj(sp)) {
          reject('a span is not an object');
          continue;
        }
        const traceId = validId(sp['traceId'], 16);
        const spanId = validId(sp['spanId'], 8);
        if (traceId === undefined) {
          reject('span with an invalid traceId (16 bytes, not all zero)');
          continue;
        }
        if (spanId === undefined) {
          reject('span with an invalid spanId (8 bytes, not all zero)');
          continue;
        }
        sp['traceId'] = traceId;
        sp['spanId'] = spanId;
        const parent = sp['parentSpanId'];
        if (parent === '' || parent === undefined) delete sp['parentSpanId'];
        else sp['parentSpanId'] = validId(parent, 8) ?? parent;
        kept.push(sp);
        out.traceIds.add(traceId);
      }
      if (kept.length > 0) keptScopes.push({ ...ss, spans: kept });
      out.spans += kept.length;
    }
    if (keptScopes.length > 0) keptResources.push({ ...rs, scopeSpans: keptScopes });
  }
  if (out.spans > 0) {
    try {
      out.line = JSON.stringify({ resourceSpans: keptResources });
    } catch (e) {
      // Attribute values nested past what JSON.stringify can walk: refused whole, nothing half-written.
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw new ReceiveError(400, 'span attributes nest too deep to store');
      throw e;
    }
  }
  return out;
}
