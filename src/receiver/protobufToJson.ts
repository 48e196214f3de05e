/**
 * A decoded OTLP protobuf ExportTraceServiceRequest (protobufjs message objects) → the same
 * request in OTLP/JSON's own encoding: ids as hex, 64-bit numbers as decimal strings, enums as
 * numbers, other bytes as base64, fields left at their defaults left out. Written for the known
 * messages rather than through protobufjs's reflective `toObject` (half the receiver's time on a
 * protobuf body went there). Attribute values nest (arrays, key-value lists): they are converted
 * with an explicit stack, never by recursion, whatever the depth a client sends.
 */

/** protobufjs's 64-bit value (long.js) or, for small values, a number. */
interface Long64 {
  low: number;
  high: number;
}
type Int64 = Long64 | number | string;

type Json = Record<string, unknown>;
type Msg = Record<string, unknown>;

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function own(m: Msg, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

export function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_BYTE[bytes[i]!];
  return s;
}

function u64(v: Int64): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return ((BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString();
}

function i64(v: Int64): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString();
}

function isNonZeroU64(v: unknown): v is Int64 {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'object' && v !== null && 'low' in v) return (v as Long64).low !== 0 || (v as Long64).high !== 0;
  return false;
}

function arr(v: unknown): Msg[] {
  return Array.isArray(v) ? (v as Msg[]) : [];
}

function bytes(v: unknown): Uint8Array | undefined {
  return v instanceof Uint8Array && v.length > 0 ? v : undefined;
}

/** One AnyValue and everything nested in it, iteratively. */
function anyValue(root: Msg): Json {
  const out: Json = {};
  const stack: Array<[Msg, Json]> = [[root, out]];
  while (stack.length > 0) {
    const [src, dst] = stack.pop()!;
    if (own(src, 'stringValue')) dst['stringValue'] = src['stringValue'];
    else if (own(src, 'boolValue')) dst['boolValue'] = src['boolValue'];
    else if (own(src, 'intValue')) dst['intValue'] = i64(src['intValue'] as Int64);
    else if (own(src, 'doubleValue')) {
      const d = src['doubleValue'] as number;
      // proto3 JSON spells the non-finite doubles as strings.
      dst['doubleValue'] = Number.isFinite(d) ? d : String(d);
    } else if (own(src, 'bytesValue')) {
      dst['bytesValue'] = Buffer.from(src['bytesValue'] as Uint8Array).toString('base64');
    } else if (own(src, 'arrayValue')) {
      const values: Json[] = [];
      dst['arrayValue'] = { values };
      for (const child of arr((src['arrayValue'] as Msg)['values'])) {
        const c: Json = {};
        values.push(c);
        stack.push([child, c]);
      }
    } else if (own(src, 'kvlistValue')) {
      const values: Json[] = [];
      dst['kvlistValue'] = { values };
      for (const kv of arr((src['kvlistValue'] as Msg)['values'])) {
        const c: Json = {};
        values.push({ key: kv['key'] ?? '', value: c });
        if (kv['value']) stack.push([kv['value'] as Msg, c]);
      }
    }
  }
  return out;
}

function keyValues(list: unknown): Json[] {
  const out: Json[] = [];
  for (const kv of arr(list)) {
    const e: Json = { key: kv['key'] ?? '' };
    if (kv['value']) e['value'] = anyValue(kv['value'] as Msg);
    out.push(e);
  }
  return out;
}

function copyCounts(src: Msg, dst: Json, keys: readonly string[]): void {
  for (const k of keys) if (own(src, k) && src[k]) dst[k] = src[k];
}

function span(s: Msg): Json {
  const out: Json = {};
  const trace = bytes(s['traceId']);
  const id = bytes(s['spanId']);
  // Left empty when missing: the receiver rejects such a span as the spec asks.
  out['traceId'] = trace ? hexOf(trace) : '';
  out['spanId'] = id ? hexOf(id) : '';
  if (own(s, 'traceState') && s['traceState']) out['traceState'] = s['traceState'];
  const parent = bytes(s['parentSpanId']);
  if (parent) out['parentSpanId'] = hexOf(parent);
  if (own(s, 'flags') && s['flags']) out['flags'] = s['flags'];
  out['name'] = own(s, 'name') ? s['name'] : '';
  if (own(s, 'kind') && s['kind']) out['kind'] = s['kind'];
  if (isNonZeroU64(s['startTimeUnixNano'])) out['startTimeUnixNano'] = u64(s['startTimeUnixNano']);
  if (isNonZeroU64(s['endTimeUnixNano'])) out['endTimeUnixNano'] = u64(s['endTimeUnixNano']);
  out['attributes'] = keyValues(s['attributes']);
  copyCounts(s, out, ['droppedAttributesCount']);
  const events = arr(s['events']);
  if (events.length > 0) {
    out['events'] = events.map((e) => {
      const ev: Json = {};
      if (isNonZeroU64(e['timeUnixNano'])) ev['timeUnixNano'] = u64(e['timeUnixNano']);
      ev['name'] = own(e, 'name') ? e['name'] : '';
      ev['attributes'] = keyValues(e['attributes']);
      copyCounts(e, ev, ['droppedAttributesCount']);
      return ev;
    });
  }
  copyCounts(s, out, ['droppedEventsCount']);
  const links = arr(s['links']);
  if (links.length > 0) {
    out['links'] = links.map((l) => {
      const link: Json = {};
      const lt = bytes(l['traceId']);
      const ls = bytes(l['spanId']);
      link['traceId'] = lt ? hexOf(lt) : '';
      link['spanId'] = ls ? hexOf(ls) : '';
      if (own(l, 'traceState') && l['traceState']) link['traceState'] = l['traceState'];
      link['attributes'] = keyValues(l['attributes']);
      copyCounts(l, link, ['droppedAttributesCount', 'flags']);
      return link;
    });
  }
  copyCounts(s, out, ['droppedLinksCount']);
  const status = s['status'] as Msg | undefined;
  if (status) {
    const st: Json = {};
    if (own(status, 'message') && status['message']) st['message'] = status['message'];
    if (own(status, 'code') && status['code']) st['code'] = status['code'];
    out['status'] = st;
  }
  return out;
}

export function requestToJson(request: Msg): Json {
  const resourceSpans: Json[] = [];
  for (const rs of arr(request['resourceSpans'])) {
    const r: Json = {};
    const res = rs['resource'] as Msg | undefined;
    if (res) {
      const resource: Json = { attributes: keyValues(res['attributes']) };
      copyCounts(res, resource, ['droppedAttributesCount']);
      r['resource'] = resource;
    }
    const scopeSpans: Json[] = [];
    for (const ss of arr(rs['scopeSpans'])) {
      const out: Json = {};
      const scope = ss['scope'] as Msg | undefined;
      if (scope) {
        const sc: Json = {};
        if (own(scope, 'name')) sc['name'] = scope['name'];
        if (own(scope, 'version') && scope['version']) sc['version'] = scope['version'];
        const attrs = arr(scope['attributes']);
        if (attrs.length > 0) sc['attributes'] = keyValues(attrs);
        copyCounts(scope, sc, ['droppedAttributesCount']);
        out['scope'] = sc;
      }
      out['spans'] = arr(ss['spans']).map(span);
      if (own(ss, 'schemaUrl') && ss['schemaUrl']) out['schemaUrl'] = ss['schemaUrl'];
      scopeSpans.push(out);
    }
    r['scopeSpans'] = scopeSpans;
    if (own(rs, 'schemaUrl') && rs['schemaUrl']) r['schemaUrl'] = rs['schemaUrl'];
    resourceSpans.push(r);
  }
  return { resourceSpans };
}
