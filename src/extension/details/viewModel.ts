/**
 * Run + Span → SpanDetailsView: the plain JSON the Span Details page renders.
 * Pure (no 'vscode'), so it is unit-tested and could run anywhere. It knows attribute
 * conventions (Flujo, waft, OpenTelemetry GenAI, OpenInference), never store formats.
 */
import { storeDisplayName } from '../../sources/storeFiles';
import { hideContent } from '../../enrich/llm';
import { exceptionEvent } from '../../model/errors';
import { formatDuration, formatOffset, formatCount } from '../../model/format';
import type { AttributeValue, Attributes, Run, Span, SpanEvent } from '../../model/types';
import { toAttributeValue } from '../../model/value';
import type {
  AttributeRow,
  ErrorView,
  EventView,
  IoBlock,
  SourceView,
  SpanDetailsView,
  UsageView,
} from '../../webview/protocol';
import { buildConversationView } from './conversation';

export const DEFAULT_PROMPT_PREVIEW_LENGTH = 500;
/** Beyond this an attribute value folds behind "more". */
export const LONG_VALUE_CHARS = 200;
export const LONG_VALUE_LINES = 4;
/** A hard cap on one input/output payload sent to the page: keeps postMessage and the DOM sane. */
export const MAX_IO_CHARS = 500_000;

// ---- recognized keys (exported so the report, docs and tests share one list) ----

/** Input payload keys, in priority order. Dotted keys also match nested objects (`data: {input}`). */
export const INPUT_KEYS = [
  'input',
  'inputs',
  'step_input',
  'step.input',
  'flujo.step.input',
  'flujo.input',
  'data.input',
  'input.value',
  'gen_ai.prompt',
  'gen_ai.input.messages',
  'llm.input_messages',
  'llm.prompts',
  'prompt',
  'tool.input',
  'gen_ai.tool.call.arguments',
] as const;

export const OUTPUT_KEYS = [
  'output',
  'outputs',
  'step_output',
  'step.output',
  'flujo.step.output',
  'flujo.output',
  'data.output',
  'output.value',
  'gen_ai.completion',
  'gen_ai.output.messages',
  'llm.output_messages',
  'completion',
  'tool.output',
  'gen_ai.tool.call.result',
] as const;

/**
 * Keys that instrumentations flatten into indexed children
 * (`gen_ai.prompt.0.role`, `llm.input_messages.0.message.content`): gathered back into one block.
 */
const FLATTENED_PREFIXES = new Set(['gen_ai.prompt', 'gen_ai.completion', 'llm.input_messages', 'llm.output_messages', 'llm.prompts']);

/** Events that carry a payload: [event name, attribute keys in priority order, kind]. */
const IO_EVENTS: ReadonlyArray<[string, string[], 'input' | 'output']> = [
  ['agent.input', ['input_full', 'input_preview'], 'input'], // Flujo trace contract
  ['agent.response', ['response_full', 'response_preview'], 'output'],
  ['gen_ai.content.prompt', ['gen_ai.prompt'], 'input'], // OTel GenAI (event form)
  ['gen_ai.content.completion', ['gen_ai.completion'], 'output'],
  ['gen_ai.user.message', ['content'], 'input'],
  ['gen_ai.choice', ['message', 'content'], 'output'],
];

const USAGE_PREFIXES = ['gen_ai.usage', 'llm.usage', 'llm.token_count', 'usage', 'token_counts', 'tokens', 'token_usage', 'flujo.usage', 'flujo.token_counts'];
const INPUT_TOKEN_NAMES = ['input_tokens', 'prompt_tokens', 'input', 'prompt'];
const OUTPUT_TOKEN_NAMES = ['output_tokens', 'completion_tokens', 'output', 'completion'];
const TOTAL_TOKEN_NAMES = ['total_tokens', 'total'];

function usageKeys(names: string[], bare: string[]): string[] {
  const keys: string[] = [];
  for (const p of USAGE_PREFIXES) for (const n of names) keys.push(`${p}.${n}`);
  return [...keys, ...bare];
}

export const INPUT_TOKEN_KEYS = usageKeys(INPUT_TOKEN_NAMES, ['input_tokens', 'prompt_tokens']);
export const OUTPUT_TOKEN_KEYS = usageKeys(OUTPUT_TOKEN_NAMES, ['output_tokens', 'completion_tokens']);
/** Also the Flujo style where `token_counts` / `tokens` is a single number. */
export const TOTAL_TOKEN_KEYS = usageKeys(TOTAL_TOKEN_NAMES, [
  'total_tokens',
  'token_counts',
  'tokens',
  'token_count',
  'flujo.budget.actual_tokens',
]);
export const COST_KEYS = [
  'cost_usd',
  'cost',
  'flujo.cost_usd',
  'flujo.budget.actual_cost_usd',
  'flujo.cost',
  'llm.cost',
  'llm.cost.usd',
  'llm.cost.total',
  'gen_ai.usage.cost',
  'gen_ai.usage.cost_usd',
  'usage.cost',
  'usage.cost_usd',
  'total_cost',
  'total_cost_usd',
];

export const FEEDBACK_KEYS = ['feedback', 'flujo.feedback', 'step.feedback', 'flujo.step.feedback'];

// ---- entry point ----

export interface ViewModelInput {
  storeId: string;
  run: Run;
  span: Span;
  promptPreviewLength?: number;
  /** Whether "Go to Source" can open `span.source` (decided by the host, which sees the workspace). */
  sourceAvailability?: { available: boolean; reason?: string };
  /** `spanlens.llm.hideContent`: an LLM span's content hidden here too (spans read before it was set). */
  hideLlmContent?: boolean;
}

export function buildSpanDetailsView(input: ViewModelInput): SpanDetailsView {
  const { storeId, run } = input;
  const span = input.hideLlmContent ? hideContent(input.span) : input.span;
  const previewLength = sanitizePreviewLength(input.promptPreviewLength);
  const conversation = span.llm ? buildConversationView(span.llm, previewLength) : undefined;
  return {
    span: {
      id: span.id,
      name: span.name,
      status: span.status,
      rawStatus: span.rawStatus,
      parentId: span.parentId,
      durationMs: span.durationMs,
      durationText: span.durationMs === undefined ? 'running…' : formatDuration(span.durationMs),
      startOffsetMs: span.startOffsetMs,
      offsetText: formatOffset(span.startOffsetMs),
    },
    run: { id: run.id, name: run.name, status: run.status, rawStatus: run.rawStatus },
    store: { id: storeId, label: storeDisplayName(storeId) },
    error: extractError(span),
    // The conversation shows what these blocks would repeat.
    io: conversation && conversation.turns.length > 0 ? [] : extractIo(span, previewLength),
    ...(conversation ? { conversation } : {}),
    usage: extractUsage(span),
    attributes: attributeRows(span.attributes),
    events: span.events.map(eventView),
    source: span.source ? sourceView(span, input.sourceAvailability) : undefined,
    promptPreviewLength: previewLength,
  };
}

export function sanitizePreviewLength(n: unknown): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 1) return DEFAULT_PROMPT_PREVIEW_LENGTH;
  return Math.floor(n);
}

function sourceView(span: Span, availability: ViewModelInput['sourceAvailability']): SourceView {
  const src = span.source!;
  return {
    label: `${src.path}:${src.line}`,
    path: src.path,
    line: src.line,
    guess: src.guess === true,
    available: availability?.available ?? false,
    reason: availability?.available ? undefined : (availability?.reason ?? 'Not checked'),
  };
}

// ---- formatting ----


/** Attribute values as text: strings as-is, small structures compact, big ones pretty-printed. */
export function stringifyValue(v: AttributeValue): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object') return String(v);
  const compact = safeJson(v);
  return compact.length <= 80 ? compact : safeJson(v, 2);
}

function safeJson(v: unknown, indent?: number): string {
  try {
    return JSON.stringify(v, null, indent) ?? String(v);
  } catch {
    return String(v);
  }
}

// ---- attributes ----

export function attributeRows(attrs: Attributes): AttributeRow[] {
  return Object.keys(attrs)
    .sort(naturalCompare)
    .map((key) => {
      let value = stringifyValue(attrs[key]);
      if (value.length > MAX_IO_CHARS) {
        value = `${value.slice(0, MAX_IO_CHARS)}\n… (${formatCount(value.length - MAX_IO_CHARS)} more characters not shown)`;
      }
      const lines = value.split('\n');
      const long = value.length > LONG_VALUE_CHARS || lines.length > LONG_VALUE_LINES;
      let preview = value;
      if (long) {
        preview = lines.slice(0, LONG_VALUE_LINES).join('\n');
        if (preview.length > LONG_VALUE_CHARS) preview = preview.slice(0, LONG_VALUE_CHARS);
        preview += '…';
      }
      return { key, value, long, preview };
    });
}

/** Orders `a.2` before `a.10`, deterministically (no locale). */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function eventView(e: SpanEvent): EventView {
  return {
    name: e.name,
    offsetMs: e.offsetMs,
    offsetText: e.offsetMs === undefined ? '' : formatOffset(e.offsetMs),
    attributes: attributeRows(e.attributes),
  };
}

// ---- lookups ----

function isObject(v: unknown): v is { [key: string]: AttributeValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string holding a JSON object, parsed; anything else unchanged (stores often keep JSON as text). */
function parseJsonObject(v: AttributeValue): AttributeValue {
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('{') && t.endsWith('}')) {
      try {
        const parsed = toAttributeValue(JSON.parse(t));
        if (isObject(parsed)) return parsed;
      } catch {
        // not JSON after all: keep the text
      }
    }
  }
  return v;
}

/**
 * The value at a dotted key: the literal key first, then any split of it through nested
 * objects (`data.input` finds `{ "data.input": … }`, `{ data: { input: … } }` and `{ data: "{\"input\": …}" }`).
 */
export function lookup(obj: AttributeValue | Attributes | undefined, path: string): AttributeValue | undefined {
  if (!isObject(obj)) return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, path)) return obj[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (!Object.prototype.hasOwnProperty.call(obj, head)) continue;
    const found = lookup(parseJsonObject(obj[head]), parts.slice(i).join('.'));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `prefix.0.role`-style flattened keys, gathered back as "0.role: …" lines (natural order). */
function gatherFlattened(attrs: Attributes, prefix: string): string | undefined {
  const lead = `${prefix}.`;
  const keys = Object.keys(attrs)
    .filter((k) => k.startsWith(lead))
    .sort(naturalCompare);
  if (keys.length === 0) return undefined;
  return keys.map((k) => `${k.slice(lead.length)}: ${stringifyValue(attrs[k])}`).join('\n');
}

export function toNumber(v: AttributeValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = v.trim().replace(/^\$/, '');
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  }
  return undefined;
}

// ---- input / output ----

/** Payload text: JSON-looking strings and structures pretty-printed. */
export function payloadText(v: AttributeValue): string {
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return JSON.stringify(toAttributeValue(JSON.parse(t)), null, 2);
      } catch {
        return v;
      }
    }
    return v;
  }
  if (v === null || typeof v !== 'object') return String(v);
  return safeJson(v, 2);
}

function ioBlock(kind: IoBlock['kind'], source: string, full: string, previewLength: number): IoBlock {
  const capped = full.length > MAX_IO_CHARS;
  const text = capped ? full.slice(0, MAX_IO_CHARS) : full;
  const truncated = text.length > previewLength;
  return {
    kind,
    source,
    text,
    preview: truncated ? text.slice(0, previewLength) : text,
    truncated,
    length: full.length,
    capped,
  };
}

export function extractIo(span: Span, previewLength: number = DEFAULT_PROMPT_PREVIEW_LENGTH): IoBlock[] {
  const blocks: IoBlock[] = [];
  const seen = new Set<string>();
  const add = (kind: IoBlock['kind'], source: string, text: string) => {
    const dedupeKey = `${kind}\u0000${text}`;
    if (text.length === 0 || seen.has(dedupeKey)) return;
    seen.add(dedupeKey);
    blocks.push(ioBlock(kind, source, text, previewLength));
  };
  const scan = (kind: IoBlock['kind'], keys: readonly string[]) => {
    for (const key of keys) {
      const v = lookup(span.attributes, key);
      if (v !== undefined && v !== null) {
        add(kind, key, payloadText(v));
      } else if (FLATTENED_PREFIXES.has(key)) {
        const gathered = gatherFlattened(span.attributes, key);
        if (gathered !== undefined) add(kind, `${key}.*`, gathered);
      }
    }
  };
  scan('input', INPUT_KEYS);
  scan('output', OUTPUT_KEYS);

  const counts = new Map<string, number>();
  for (const e of span.events) {
    const rule = IO_EVENTS.find(([name]) => name === e.name);
    if (!rule) continue;
    const [, keys, kind] = rule;
    for (const key of keys) {
      const v = lookup(e.attributes, key);
      if (v === undefined || v === null) continue;
      const n = (counts.get(e.name) ?? 0) + 1;
      counts.set(e.name, n);
      add(kind, n === 1 ? `event ${e.name}` : `event ${e.name} #${n}`, payloadText(v));
      break;
    }
  }
  // Inputs first, then outputs, each in the order found.
  return [...blocks.filter((b) => b.kind === 'input'), ...blocks.filter((b) => b.kind === 'output')];
}

// ---- tokens and cost ----

function firstNumber(attrs: Attributes, keys: readonly string[]): [number, string] | undefined {
  for (const key of keys) {
    const n = toNumber(lookup(attrs, key));
    if (n !== undefined) return [n, key];
  }
  return undefined;
}

function costOf(attrs: Attributes): [number, string] | undefined {
  for (const key of COST_KEYS) {
    const v = lookup(attrs, key);
    const direct = toNumber(v);
    if (direct !== undefined) return [direct, key];
    // `llm.cost: { total: 0.01 }` and the like.
    const obj = parseJsonObject(v ?? null);
    if (isObject(obj)) {
      for (const sub of ['total', 'usd', 'total_cost', 'total_usd', 'cost_usd']) {
        const n = toNumber(obj[sub]);
        if (n !== undefined) return [n, `${key}.${sub}`];
      }
    }
  }
  return undefined;
}

export function extractUsage(span: Span): UsageView | undefined {
  const usage: UsageView = { sources: [] };
  const input = firstNumber(span.attributes, INPUT_TOKEN_KEYS);
  const output = firstNumber(span.attributes, OUTPUT_TOKEN_KEYS);
  const total = firstNumber(span.attributes, TOTAL_TOKEN_KEYS);
  const cost = costOf(span.attributes);
  if (input) [usage.inputTokens] = input;
  if (output) [usage.outputTokens] = output;
  if (total) [usage.totalTokens] = total;
  if (cost) [usage.costUsd] = cost;
  for (const found of [input, output, total, cost]) if (found) usage.sources.push(found[1]);

  // Flujo's `agent.usage` events (one per attempt): summed, only for what attributes lacked.
  const usageEvents = span.events.filter((e) => e.name === 'agent.usage');
  if (usageEvents.length > 0) {
    const sum = (key: string): number | undefined => {
      let total: number | undefined;
      for (const e of usageEvents) {
        const n = toNumber(lookup(e.attributes, key));
        if (n !== undefined) total = (total ?? 0) + n;
      }
      return total;
    };
    let used = false;
    if (usage.inputTokens === undefined) {
      usage.inputTokens = sum('input_tokens');
      used ||= usage.inputTokens !== undefined;
    }
    if (usage.outputTokens === undefined) {
      usage.outputTokens = sum('output_tokens');
      used ||= usage.outputTokens !== undefined;
    }
    if (usage.costUsd === undefined) {
      usage.costUsd = sum('cost_usd');
      used ||= usage.costUsd !== undefined;
    }
    if (used) usage.sources.push('event agent.usage');
  }

  if (usage.totalTokens === undefined && usage.inputTokens !== undefined && usage.outputTokens !== undefined) {
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
  }
  const any = [usage.inputTokens, usage.outputTokens, usage.totalTokens, usage.costUsd].some((n) => n !== undefined);
  if (!any) return undefined;
  // Drop keys left undefined by the event pass, so the JSON stays tidy.
  for (const k of ['inputTokens', 'outputTokens', 'totalTokens', 'costUsd'] as const) {
    if (usage[k] === undefined) delete usage[k];
  }
  return usage;
}

// ---- error ----

function text(v: AttributeValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : stringifyValue(v);
  return s.trim().length > 0 ? s : undefined;
}

export function extractError(span: Span): ErrorView | undefined {
  // The same exception event the readers take the error from (model/errors: an escaped one, else the last).
  const exc = exceptionEvent(span.events);
  const excType = text(lookup(exc?.attributes, 'exception.type'));
  const excMessage = text(lookup(exc?.attributes, 'exception.message'));
  const excStack = text(lookup(exc?.attributes, 'exception.stacktrace'));

  if (span.error) {
    const { type, message, stack } = span.error;
    return withoutUndefined({
      type: type ?? excType,
      message,
      stack: stack ?? excStack,
      origin: 'span',
    });
  }
  if (exc && (excMessage || excType)) {
    return withoutUndefined({ type: excType, message: excMessage ?? excType ?? '', stack: excStack, origin: 'exception event' });
  }
  const a = span.attributes;
  const attrMessage =
    text(lookup(a, 'exception.message')) ?? text(lookup(a, 'error.message')) ?? text(lookup(a, 'error_summary'));
  if (attrMessage) {
    return withoutUndefined({
      type: text(lookup(a, 'exception.type')) ?? text(lookup(a, 'error.type')) ?? text(lookup(a, 'error_type')),
      message: attrMessage,
      stack: text(lookup(a, 'exception.stacktrace')) ?? text(lookup(a, 'error.stack')),
      origin: 'attributes',
    });
  }
  if (span.status !== 'error') return undefined;
  // Flujo keeps a failed step's reason in `feedback`.
  for (const key of FEEDBACK_KEYS) {
    const fb = text(lookup(a, key));
    if (fb) return { message: fb, origin: `feedback (${key})` };
  }
  const errAttr = lookup(a, 'error');
  const errText = typeof errAttr === 'string' ? text(errAttr) : undefined;
  if (errText) return withoutUndefined({ type: text(lookup(a, 'error.type')), message: errText, origin: 'attributes' });
  return withoutUndefined({
    type: text(lookup(a, 'error.type')),
    message: `The span failed (status "${span.rawStatus}") but the store recorded no error message.`,
    origin: 'status',
  });
}

function withoutUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
