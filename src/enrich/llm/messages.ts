/**
 * Message shapes the dialects share: OpenTelemetry GenAI's `{role, parts[]}` and the OpenAI chat
 * format `{role, content, tool_calls[], tool_call_id}` that older GenAI events and OpenLLMetry carry.
 */
import type { LlmMessage, LlmToolCall } from '../../model/llm';
import { MAX_MESSAGES, MAX_PARTS, argText, capped, contentText, isRecord, str } from './values';

/** A message with its text capped; empty optional fields left out. */
export function message(role: string, content: string, toolCalls?: LlmToolCall[], toolCallId?: string): LlmMessage {
  const c = capped(content);
  const m: LlmMessage = { role, content: c.text };
  if (c.truncated) m.truncated = true;
  if (toolCalls && toolCalls.length > 0) m.toolCalls = toolCalls;
  if (toolCallId !== undefined) m.toolCallId = toolCallId;
  return m;
}

/** A tool call from whatever its dialect recorded; a missing name says so. */
export function toolCall(id: unknown, name: unknown, args: unknown): LlmToolCall {
  const t: LlmToolCall = { name: str(name) ?? '(unnamed tool)' };
  const i = str(id);
  if (i !== undefined) t.id = i;
  const a = argText(args);
  if (a !== undefined) t.arguments = a;
  return t;
}

/**
 * One OTel GenAI message: parts `text` (and `reasoning`, other text-bearing parts), `tool_call`,
 * `tool_call_response`. A message answering a tool call becomes a `tool` turn.
 */
export function fromGenAiMessage(o: unknown): LlmMessage | undefined {
  if (!isRecord(o)) return undefined;
  const role = str(o['role']) ?? 'unknown';
  const parts = o['parts'];
  if (!Array.isArray(parts)) {
    // Not the parts form: perhaps an OpenAI-style message under the same attribute.
    return fromOpenAiMessage(o);
  }
  const texts: string[] = [];
  const calls: LlmToolCall[] = [];
  let toolCallId: string | undefined;
  let responseRole = false;
  for (let i = 0; i < parts.length && i < MAX_PARTS; i++) {
    const p = parts[i];
    if (!isRecord(p)) {
      if (typeof p === 'string') texts.push(p);
      continue;
    }
    const type = p['type'];
    if (type === 'tool_call') calls.push(toolCall(p['id'], p['name'], p['arguments']));
    else if (type === 'tool_call_response') {
      responseRole = true;
      toolCallId = str(p['id']) ?? toolCallId;
      texts.push(argText(p['response'] ?? p['result']) ?? '');
    } else texts.push(contentText(p));
  }
  return message(responseRole && role !== 'tool' ? 'tool' : role, texts.join('\n\n'), calls, toolCallId);
}

/** An OpenAI chat message (`content` a string or parts; `tool_calls[].function.{name,arguments}`). */
export function fromOpenAiMessage(o: unknown): LlmMessage | undefined {
  if (!isRecord(o)) return typeof o === 'string' ? message('unknown', o) : undefined;
  const role = str(o['role']) ?? 'unknown';
  const calls: LlmToolCall[] = [];
  const tc = o['tool_calls'];
  if (Array.isArray(tc)) {
    for (let i = 0; i < tc.length && i < MAX_PARTS; i++) {
      const c = tc[i];
      if (!isRecord(c)) continue;
      const fn = isRecord(c['function']) ? c['function'] : c;
      calls.push(toolCall(c['id'], fn['name'], fn['arguments']));
    }
  }
  return message(role, contentText(o['content']), calls, str(o['tool_call_id']) ?? (role === 'tool' ? str(o['id']) : undefined));
}

/** A list of messages (or one) in either shape, capped at MAX_MESSAGES. */
export function messageList(v: unknown, read: (o: unknown) => LlmMessage | undefined): LlmMessage[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const out: LlmMessage[] = [];
  for (let i = 0; i < arr.length && out.length < MAX_MESSAGES; i++) {
    const m = read(arr[i]);
    if (m) out.push(m);
  }
  return out;
}
