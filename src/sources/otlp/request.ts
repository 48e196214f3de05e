import type { Attributes } from '../../model/types';
import { attributesOf, nanos, otlpId, spanKind, statusCode } from './values';

/** What the spans of one `resourceSpans` entry share: read once, referenced by each span. */
export interface OtlpResource {
  attributes: Attributes;
  serviceName?: string;
}

export interface OtlpEvent {
  name: string;
  timeNs?: bigint;
  attributes: Attributes;
}

/** One span of an ExportTraceServiceRequest, values decoded, before it joins its trace. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentId: string | null;
  name: string;
  kind?: string;
  startNs?: bigint;
  endNs?: bigint;
  code: 0 | 1 | 2;
  statusMessage?: string;
  attributes: Attributes;
  events: OtlpEvent[];
  links: Array<{ traceId: string; spanId: string }>;
  resource: OtlpResource;
  scopeName?: string;
  scopeVersion?: string;
  /** Order read: ties in start time keep it. */
  seq: number;
}

/**
 * One ExportTraceServiceRequest (`resourceSpans → scopeSpans → spans`) → its spans.
 * Undefined when the object is not a request at all. `instrumentationLibrarySpans`
 * (OTLP before 0.15, old Collectors) and Tempo's `batches` are read the same way.
 */
export function spansOfRequest(o: Record<string, unknown>, nextSeq: () => number): OtlpSpan[] | undefined {
  const resourceSpans = o['resourceSpans'] ?? o['batches'];
  if (!Array.isArray(resourceSpans)) return undefined;
  const out: OtlpSpan[] = [];
  for (const rs of resourceSpans) {
    if (!isObj(rs)) continue;
    const attrs = attributesOf(isObj(rs['resource']) ? rs['resource']['attributes'] : undefined);
    const resource: OtlpResource = { attributes: attrs };
    const svc = attrs['service.name'];
    if (typeof svc === 'string' && svc !== '') resource.serviceName = svc;
    const scopes = rs['scopeSpans'] ?? rs['instrumentationLibrarySpans'];
    if (!Array.isArray(scopes)) continue;
    for (const ss of scopes) {
      if (!isObj(ss)) continue;
      const scope = ss['scope'] ?? ss['instrumentationLibrary'];
      const scopeName = isObj(scope) && typeof scope['name'] === 'string' && scope['name'] !== '' ? scope['name'] : undefined;
      const scopeVersion = isObj(scope) && typeof scope['version'] === 'string' && scope['version'] !== '' ? scope['version'] : undefined;
      if (!Array.isArray(ss['spans'])) continue;
      for (const sp of ss['spans']) {
        if (!isObj(sp)) continue;
        const span = toSpan(sp, resource, nextSeq());
        if (!span) continue;
        if (scopeName !== undefined) span.scopeName = scopeName;
        if (scopeVersion !== undefined) span.scopeVersion = scopeVersion;
        out.push(span);
      }
    }
  }
  return out;
}

function toSpan(sp: Record<string, unknown>, resource: OtlpResource, seq: number): OtlpSpan | undefined {
  const traceId = otlpId(sp['traceId'], 16);
  const spanId = otlpId(sp['spanId'], 8);
  if (traceId === undefined || spanId === undefined) return undefined;
  const status = isObj(sp['status']) ? sp['status'] : {};
  const span: OtlpSpan = {
    traceId,
    spanId,
    parentId: otlpId(sp['parentSpanId'], 8) ?? null,
    name: typeof sp['name'] === 'string' ? sp['name'] : '',
    code: statusCode(status['code']),
    attributes: attributesOf(sp['attributes']),
    events: [],
    links: [],
    resource,
    seq,
  };
  const kind = spanKind(sp['kind']);
  if (kind !== undefined) span.kind = kind;
  const start = nanos(sp['startTimeUnixNano']);
  if (start !== undefined) span.startNs = start;
  const end = nanos(sp['endTimeUnixNano']);
  if (end !== undefined) span.endNs = end;
  if (typeof status['message'] === 'string' && status['message'] !== '') span.statusMessage = status['message'];
  if (Array.isArray(sp['events'])) {
    for (const ev of sp['events']) {
      if (!isObj(ev)) continue;
      const e: OtlpEvent = { name: typeof ev['name'] === 'string' ? ev['name'] : '', attributes: attributesOf(ev['attributes']) };
      const t = nanos(ev['timeUnixNano']);
      if (t !== undefined) e.timeNs = t;
      span.events.push(e);
    }
  }
  if (Array.isArray(sp['links'])) {
    for (const l of sp['links']) {
      if (!isObj(l)) continue;
      const t = otlpId(l['traceId'], 16);
      const s = otlpId(l['spanId'], 8);
      if (t !== undefined && s !== undefined) span.links.push({ traceId: t, spanId: s });
    }
  }
  return span;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
