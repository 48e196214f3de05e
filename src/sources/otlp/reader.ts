import { pushAll } from '../../model/arrays';
import { notAFileError, oddKind, openRegularFile } from '../files';
import * as fs from 'fs';
import * as path from 'path';
import { errorFromExceptionEvents, errorHeadline } from '../../model/errors';
import type { Attributes, Run, Span, SpanError, SpanEvent, SpanSummary } from '../../model/types';
import { StoreError } from '../types';
import type { TraceStore } from '../types';
import { JsonLinesFolder } from '../jsonl/folder';
import { JsonLinesFile, MAX_LINE_BYTES } from '../jsonl/lines';
import { TraceMapStore, readError } from '../jsonl/traceMapStore';
import { spansOfRequest } from './request';
import type { OtlpSpan } from './request';
import { codeAttributesLocation } from '../../resolve/codeAttributes';
import { STATUS_WORDS, diffMs, nanosToMs, statusOf } from './values';

/** How a Collector file-exporter line starts: lets a line a crash tore keep the request appended after it. */
const OTLP_RECORD_START = '{"resourceSpans"';

/** Attribute keys Spanlens adds to OTLP spans for what OTLP keeps beside the attributes. */
export const OTLP_KIND_KEY = 'otel.span.kind';
export const OTLP_SCOPE_KEY = 'otel.scope.name';
export const OTLP_SCOPE_VERSION_KEY = 'otel.scope.version';
export const OTLP_STATUS_MESSAGE_KEY = 'otel.status_description';
export const OTLP_LINKS_KEY = 'otel.links';
/** Run attribute: the root span's own name (the run is named after its service). */
export const OTLP_ROOT_NAME_KEY = 'otel.root_span.name';

export interface OtlpTraceStore extends TraceStore {
  readonly format: 'otlp';
  readonly skippedLines: number;
  /** Bytes read from disk since open: a refresh after an append grows it by the appended bytes only. */
  readonly bytesRead: number;
}

/**
 * Opens an OpenTelemetry OTLP/JSON store read-only: the Collector's file exporter output
 * (one ExportTraceServiceRequest a line, read streaming and incrementally as it grows), one
 * such request in a `.json` file (pretty-printed is fine), or a folder of such `.jsonl` files
 * read as one store in name order (what `spanlens receive` writes: a file a day and per size).
 * Spans of one trace spread over many lines or files are joined into one run.
 */
export async function openOtlpStore(file: string, id: string = file): Promise<OtlpTraceStore> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw readError(e, file, id);
  }
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = await fs.promises.readdir(file);
    } catch (e) {
      throw readError(e, file, id);
    }
    if (!names.some((n) => n.toLowerCase().endsWith('.jsonl'))) {
      throw new StoreError(`${id}: no OTLP .jsonl files in this folder — point spanlens at an OTLP/JSON file (.jsonl or .json) or a folder of them`, id);
    }
  }
  if (!st.isDirectory()) {
    const odd = oddKind(st);
    if (odd) throw notAFileError(file, odd, id);
  }
  const store = new OtlpStore(id, file, st.isDirectory());
  await store.refresh();
  return store;
}

class OtlpStore extends TraceMapStore<OtlpSpan> implements OtlpTraceStore {
  readonly format = 'otlp' as const;
  private lines: JsonLinesFile;
  /** Set for a folder store: its .jsonl files, each read incrementally. */
  private folder: JsonLinesFolder<OtlpSpan> | undefined;
  /** Set when the file is one (pretty-printed) JSON document rather than JSON lines. */
  private whole: { ok: boolean } | undefined;
  private wholeKey = '';
  private wholeBytes = 0;
  /** traceId → spanId → start/end seen: an exporter's retry writes the same span twice. */
  private seen = new Map<string, Map<string, string>>();
  private seq = 0;

  constructor(
    readonly id: string,
    private readonly file: string,
    isFolder: boolean,
  ) {
    super();
    this.lines = new JsonLinesFile(file, OTLP_RECORD_START);
    if (isFolder) {
      this.folder = new JsonLinesFolder<OtlpSpan>(
        async () => (await fs.promises.readdir(file)).filter((n) => n.toLowerCase().endsWith('.jsonl')).sort().map((n) => path.join(file, n)),
        (o, push) => {
          const spans = spansOfRequest(o, () => this.seq++);
          if (spans) for (const s of spans) push(s);
          return spans !== undefined;
        },
        OTLP_RECORD_START,
      );
    }
  }

  get skippedLines(): number {
    if (this.folder) return this.folder.skippedLines;
    if (this.whole) return this.whole.ok ? 0 : 1;
    return this.lines.skippedLines;
  }

  get skippedFiles(): string[] | undefined {
    return this.folder?.leftOut;
  }

  get bytesRead(): number {
    return (this.folder?.bytesRead ?? 0) + this.lines.bytesRead + this.wholeBytes;
  }

  // Ids are stored lowercase hex: an id typed in capitals is still exact.
  protected override canonicalId(id: string): string {
    return id.toLowerCase();
  }

  protected buildRun(traceId: string, spans: readonly OtlpSpan[]): Run {
    return buildRun(this.id, traceId, spans);
  }

  protected buildSpans(traceId: string, spans: readonly OtlpSpan[]): Span[] {
    return buildSpans(traceId, spans);
  }

  protected summarize(runId: string, s: OtlpSpan): SpanSummary {
    const summary: SpanSummary = { runId, name: s.name, status: statusOf(s.code) };
    if (s.startNs !== undefined && s.endNs !== undefined && s.endNs >= s.startNs) summary.durationMs = diffMs(s.endNs, s.startNs);
    return summary;
  }

  protected override resetTraces(): void {
    super.resetTraces();
    this.seen = new Map();
  }

  override async close(): Promise<void> {
    this.seen.clear();
    this.folder?.clear();
    await super.close();
  }

  protected async read(): Promise<void> {
    if (this.folder) return this.readFolder(this.folder);
    try {
      if (this.whole) return await this.readWhole();
      const fresh: OtlpSpan[] = [];
      const update = await this.lines.update(
        (o) => {
          const spans = spansOfRequest(o, () => this.seq++);
          if (spans) for (const s of spans) fresh.push(s);
          return spans !== undefined;
        },
        () => this.resetTraces(),
      );
      if (update.gone) this.resetTraces();
      for (const s of fresh) this.add(s);
      // Nothing read as lines, yet something there: one JSON document over many lines.
      if (this.traces.size === 0 && update.values === 0 && this.lines.skippedLines > 0) await this.readWhole();
    } catch (e) {
      throw readError(e, this.file, this.id);
    }
  }

  private async readFolder(folder: JsonLinesFolder<OtlpSpan>): Promise<void> {
    let update;
    try {
      // One bad file (a FIFO, no permission) never takes the folder down: it is left out and named.
      update = await folder.update((e, file) => {
        const err = readError(e, file, this.id);
        if (!(err instanceof StoreError)) throw err;
        return err.message;
      });
    } catch (e) {
      throw readError(e, this.file, this.id);
    }
    if (update.rebuild) {
      this.resetTraces();
      for (const s of folder.records()) this.add(s);
    } else {
      for (const s of update.added) this.add(s);
    }
  }

  private async readWhole(): Promise<void> {
    const { handle, stat: st } = await openRegularFile(this.file, this.id);
    let text: string;
    try {
      const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
      // Unchanged since the last try: a garbage file is not read whole on every query.
      if (key === this.wholeKey) return;
      this.wholeKey = key;
      // One document is one string: past MAX_LINE_BYTES it is not read whole (its lines stay skipped).
      if (st.size > MAX_LINE_BYTES) return;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    this.wholeBytes += Buffer.byteLength(text);
    let doc: unknown;
    try {
      doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      doc = undefined;
    }
    const requests = Array.isArray(doc) ? doc : [doc];
    const spans: OtlpSpan[] = [];
    let ok = doc !== undefined;
    for (const r of requests) {
      const got = typeof r === 'object' && r !== null ? spansOfRequest(r as Record<string, unknown>, () => this.seq++) : undefined;
      if (got) pushAll(spans, got);
      else ok = false;
    }
    // Not JSON as a whole either: the count of skipped lines stands.
    if (doc === undefined && !this.whole) return;
    this.whole = { ok };
    this.resetTraces();
    for (const s of spans) this.add(s);
  }

  private add(s: OtlpSpan): void {
    let seen = this.seen.get(s.traceId);
    if (!seen) this.seen.set(s.traceId, (seen = new Map()));
    const times = `${s.startNs ?? ''}-${s.endNs ?? ''}`;
    if (seen.get(s.spanId) === times) return;
    seen.set(s.spanId, times);
    this.addItem(s.traceId, s);
  }
}

function byStart(a: OtlpSpan, b: OtlpSpan): number {
  if (a.startNs !== undefined && b.startNs !== undefined && a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1;
  if (a.startNs === undefined && b.startNs !== undefined) return 1;
  if (b.startNs === undefined && a.startNs !== undefined) return -1;
  return a.seq - b.seq;
}

/** The span the run is named after: the earliest-starting one whose parent is not in the trace. */
function rootOf(spans: readonly OtlpSpan[]): OtlpSpan {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => s.parentId === null || !ids.has(s.parentId));
  return [...(roots.length > 0 ? roots : spans)].sort(byStart)[0]!;
}

function minStart(spans: readonly OtlpSpan[]): bigint | undefined {
  let min: bigint | undefined;
  for (const s of spans) if (s.startNs !== undefined && (min === undefined || s.startNs < min)) min = s.startNs;
  return min;
}

/**
 * A trace → Run, named after its root's `service.name`. Error when any span's status is
 * ERROR; running while a span has no end; otherwise ok: every span exported has ended,
 * and OTel leaves most spans UNSET, which says nothing against them.
 */
function buildRun(store: string, traceId: string, spans: readonly OtlpSpan[]): Run {
  const root = rootOf(spans);
  const failed = spans.filter((s) => s.code === 2);
  const open = spans.some((s) => s.startNs !== undefined && s.endNs === undefined);
  const start = minStart(spans);
  let end: bigint | undefined;
  for (const s of spans) if (s.endNs !== undefined && (end === undefined || s.endNs > end)) end = s.endNs;
  const run: Run = {
    id: traceId,
    store,
    name: root.resource.serviceName ?? root.name,
    status: failed.length > 0 ? 'error' : open ? 'running' : 'ok',
    rawStatus: STATUS_WORDS[failed.length > 0 ? 2 : root.code],
    spanCount: spans.length,
    attributes: { ...root.resource.attributes, [OTLP_ROOT_NAME_KEY]: root.name },
  };
  if (start !== undefined) run.startMs = nanosToMs(start);
  if (!open && start !== undefined && end !== undefined && end >= start) run.durationMs = diffMs(end, start);
  if (failed.length > 0) {
    // The run failed where a failed span has no failed span below it: the spans above only pass it
    // on (often with a bare ERROR status). Among several such, the one that ended first. Clocks do
    // not decide alone: SDKs anchor child clocks, so a parent can seem to end before its child.
    const byId = new Map<string, OtlpSpan>();
    for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
    const failedBelow = new Set<string>();
    for (const f of failed) {
      // Up the parent chain once per span: a span already marked ends the walk (and a cycle with it).
      for (let p = f.parentId; p !== null && !failedBelow.has(p); p = byId.get(p)?.parentId ?? null) failedBelow.add(p);
    }
    const innermost = failed.filter((s) => !failedBelow.has(s.spanId));
    const endKey = (s: OtlpSpan): bigint => s.endNs ?? BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000_000n;
    const first = [...(innermost.length > 0 ? innermost : failed)].sort((a, b) => (endKey(a) < endKey(b) ? -1 : endKey(a) > endKey(b) ? 1 : a.seq - b.seq))[0]!;
    const e = errorOf(first);
    if (e) run.error = errorHeadline(e);
  }
  return run;
}

/**
 * The span's error: its `exception` event (the one model/errors' exceptionEvent picks) on a
 * span that failed or left its status unset (OTel JS records an exception without setting
 * ERROR); on an ERROR span without one, the status message. An exception on an OK span was handled.
 */
export function errorOf(s: OtlpSpan): SpanError | undefined {
  if (s.code === 1) return undefined;
  const e = errorFromExceptionEvents(s.events, s.statusMessage);
  if (e) return e;
  if (s.code === 2) return { message: s.statusMessage ?? 'span status ERROR (no message recorded)' };
  return undefined;
}

function buildSpans(runId: string, spans: readonly OtlpSpan[]): Span[] {
  const min = minStart(spans);
  const offset = (ns: bigint | undefined): number => (ns === undefined || min === undefined ? 0 : diffMs(ns, min));
  return [...spans].sort(byStart).map((s) => {
    const attributes: Attributes = { ...s.attributes };
    if (s.resource.serviceName !== undefined) attributes['service.name'] ??= s.resource.serviceName;
    if (s.kind !== undefined) attributes[OTLP_KIND_KEY] = s.kind;
    if (s.scopeName !== undefined) attributes[OTLP_SCOPE_KEY] = s.scopeName;
    if (s.scopeVersion !== undefined) attributes[OTLP_SCOPE_VERSION_KEY] = s.scopeVersion;
    if (s.statusMessage !== undefined) attributes[OTLP_STATUS_MESSAGE_KEY] = s.statusMessage;
    if (s.links.length > 0) attributes[OTLP_LINKS_KEY] = s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId }));
    const span: Span = {
      id: s.spanId,
      runId,
      parentId: s.parentId,
      name: s.name,
      status: statusOf(s.code),
      rawStatus: STATUS_WORDS[s.code],
      startOffsetMs: offset(s.startNs),
      attributes,
      events: s.events.map((e) => {
        const ev: SpanEvent = { name: e.name, attributes: e.attributes };
        if (e.timeNs !== undefined && min !== undefined) ev.offsetMs = diffMs(e.timeNs, min);
        return ev;
      }),
    };
    if (s.endNs === undefined && s.startNs !== undefined) span.status = 'running';
    if (s.startNs !== undefined && s.endNs !== undefined && s.endNs >= s.startNs) span.durationMs = diffMs(s.endNs, s.startNs);
    const error = errorOf(s);
    if (error) span.error = error;
    // Where the SDK recorded the span's code (code.* attributes); resolve/ maps it into a workspace.
    const code = codeAttributesLocation(s.attributes);
    if (code) span.source = code.column === undefined ? { path: code.path, line: code.line } : { path: code.path, line: code.line, column: code.column };
    return span;
  });
}
