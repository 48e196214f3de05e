/**
 * Span.llm → ConversationView: the turns of an LLM call ready to show (system, input, output),
 * long texts cut to a preview, tool arguments pretty-printed, usage and cost as rows. Pure.
 */
import { formatUsd, formatCount } from '../../model/format';
import { parseJsonSafe } from '../../enrich/llm/values';
import { totalTokens, type LlmCall, type LlmMessage, type LlmToolCall } from '../../model/llm';
import type { ConversationView, ToolCallView, TurnView } from '../../webview/protocol';

/** The same cap as input/output blocks (viewModel's MAX_IO_CHARS): keeps postMessage sane. */
const MAX_TURN_CHARS = 500_000;
/** Tool arguments/results longer than this (or with more lines) fold behind "more". */
const LONG_ARG_CHARS = 200;
const LONG_ARG_LINES = 6;
/** Turns sent to the page: a conversation of thousands is cut, the rest said in a line. */
export const MAX_TURNS = 500;
/** A turn longer than this is sent as its preview; the page loads the rest when unfolded. */
export const INLINE_TURN_CHARS = 20_000;
/** Characters of turn text sent with the view at most; later turns go as previews. */
export const INLINE_TOTAL_CHARS = 1_000_000;

/** JSON text pretty-printed; anything else as it is. */
function pretty(text: string): string {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return text;
  const parsed = parseJsonSafe(t);
  if (parsed === undefined) return text;
  try {
    return JSON.stringify(parsed, null, 2);
  } catch {
    return text;
  }
}

function isLong(s: string | undefined): boolean {
  if (s === undefined) return false;
  if (s.length > LONG_ARG_CHARS) return true;
  let lines = 1;
  for (let i = 0; i < s.length && lines <= LONG_ARG_LINES; i++) if (s.charCodeAt(i) === 10) lines++;
  return lines > LONG_ARG_LINES;
}

function toolView(t: LlmToolCall): ToolCallView {
  const v: ToolCallView = { name: t.name, long: false };
  if (t.id !== undefined) v.id = t.id;
  if (t.arguments !== undefined) v.arguments = pretty(t.arguments.slice(0, MAX_TURN_CHARS));
  if (t.result !== undefined) v.result = pretty(t.result.slice(0, MAX_TURN_CHARS));
  v.long = isLong(v.arguments) || isLong(v.result);
  return v;
}

/** A turn's whole text as the page shows it: capped, a tool's JSON pretty-printed. */
function fullText(role: string, content: string): { text: string; json: boolean } {
  const text = content.length > MAX_TURN_CHARS ? content.slice(0, MAX_TURN_CHARS) : content;
  // A tool turn's content is usually JSON: pretty when short enough to be worth it.
  const shown = role === 'tool' && text.length < 100_000 ? pretty(text) : text;
  const json = shown !== text || (role === 'tool' && text.trimStart().startsWith('{') && parseJsonSafe(text) !== undefined);
  return { text: shown, json };
}

interface Source {
  role: string;
  side: TurnView['side'];
  m: Pick<LlmMessage, 'content' | 'toolCalls' | 'toolCallId'>;
}

/** The turns in page order: system instructions, the input, the output. */
function sources(llm: LlmCall): Source[] {
  const out: Source[] = [];
  if (llm.system !== undefined) out.push({ role: 'system', side: 'system', m: { content: llm.system } });
  for (const m of llm.input) {
    if (out.length >= MAX_TURNS) break;
    out.push({ role: m.role, side: m.role === 'system' ? 'system' : 'input', m });
  }
  for (const m of llm.output) {
    if (out.length >= MAX_TURNS) break;
    out.push({ role: m.role, side: 'output', m });
  }
  return out;
}

/** The whole text of turn `index`, for a page that asks (`loadTurn`); undefined when there is none. */
export function turnText(llm: LlmCall, index: number): string | undefined {
  const s = sources(llm)[index];
  return s ? fullText(s.role, s.m.content).text : undefined;
}

function turn(s: Source, previewLength: number, budget: { left: number }): TurnView {
  const { role, side, m } = s;
  const { text, json } = fullText(role, m.content);
  const truncated = text.length > previewLength;
  const preview = truncated ? text.slice(0, previewLength) : text;
  const complete = !truncated || (text.length <= INLINE_TURN_CHARS && text.length <= budget.left);
  if (complete) budget.left -= text.length;
  const t: TurnView = {
    role,
    side,
    text: complete ? text : preview,
    complete,
    json,
    preview,
    truncated: truncated || !complete,
    length: m.content.length,
    toolCalls: (m.toolCalls ?? []).map(toolView),
  };
  if (m.toolCallId !== undefined) t.toolCallId = m.toolCallId;
  return t;
}

export function buildConversationView(llm: LlmCall, previewLength: number): ConversationView {
  const budget = { left: INLINE_TOTAL_CHARS };
  const turns = sources(llm).map((s) => turn(s, previewLength, budget));
  const u = llm.usage;
  const usage: ConversationView['usage'] = [];
  const row = (label: string, n: number | undefined, testid: string) => {
    if (n !== undefined) usage.push({ label, value: formatCount(n), testid });
  };
  row('Input tokens', u?.inputTokens, 'llm-tokens-input');
  row('Output tokens', u?.outputTokens, 'llm-tokens-output');
  row('Total tokens', totalTokens(u), 'llm-tokens-total');
  row('Cache read', u?.cacheReadTokens, 'llm-tokens-cache-read');
  row('Cache write', u?.cacheCreationTokens, 'llm-tokens-cache-write');
  row('Reasoning', u?.reasoningTokens, 'llm-tokens-reasoning');
  if (llm.costUsd !== undefined) usage.push({ label: 'Cost', value: formatUsd(llm.costUsd), testid: 'llm-cost' });
  const view: ConversationView = {
    turns,
    turnsLeftOut: turnsLeftOut(llm),
    tools: (llm.tools ?? []).map(toolView),
    usage,
    finishReasons: llm.finishReasons ?? [],
    contentHidden: llm.contentHidden === true,
  };
  if (llm.model !== undefined) view.model = llm.model;
  if (llm.provider !== undefined) view.provider = llm.provider;
  if (llm.operation !== undefined) view.operation = llm.operation;
  return view;
}

/** Messages left out of the page beyond MAX_TURNS. */
export function turnsLeftOut(llm: LlmCall): number {
  const all = (llm.system !== undefined ? 1 : 0) + llm.input.length + llm.output.length;
  return Math.max(0, all - MAX_TURNS);
}
