import { formatCount } from '../../model/format';
import { pushAll } from '../../model/arrays';
/**
 * `spanlens show`: the LLM calls of a run as text — each call's model, usage and cost, then its
 * turns ([system], [user], [assistant] → tool calls, [tool]), every line made terminal-safe.
 */
import { llmSummary, llmTotals, totalsSummary } from '../../analysis/llmTotals';
import type { LlmCall, LlmMessage } from '../../model/llm';
import type { Span } from '../../model/types';
import { statusMark } from './status';
import { clean, cleanLines, truncate } from './text';

/** Lines of one message printed before "… N more lines" (without --full). */
const MESSAGE_LINES = 12;
/** Characters of one line printed (without --full). */
const LINE_CHARS = 240;

function block(text: string, indent: string, full: boolean): string[] {
  const lines = cleanLines(text);
  const shown = full ? lines : lines.slice(0, MESSAGE_LINES);
  const out = shown.map((l) => `${indent}${full ? l : truncate(l, LINE_CHARS)}`.trimEnd());
  if (shown.length < lines.length) out.push(`${indent}… ${lines.length - shown.length} more lines (--full shows all)`);
  return out;
}

function message(m: LlmMessage, full: boolean): string[] {
  const head = m.role === 'tool' && m.toolCallId !== undefined ? `[tool ${clean(m.toolCallId)}]` : `[${clean(m.role)}]`;
  const out: string[] = [`    ${head}${m.content === '' && m.toolCalls === undefined ? ' (no text)' : ''}`];
  if (m.content !== '') pushAll(out, block(m.content, '      ', full));
  if (m.truncated) out.push('      … (cut by spanlens at 1,000,000 characters)');
  for (const t of m.toolCalls ?? []) {
    out.push(`      → ${clean(t.name)}${t.id !== undefined ? ` (${clean(t.id)})` : ''}`);
    if (t.arguments !== undefined) pushAll(out, block(t.arguments, '        ', full));
  }
  return out;
}

function call(s: Span, llm: LlmCall, full: boolean): string[] {
  const facts: string[] = [];
  const summary = llmSummary(llm);
  if (summary) facts.push(summary);
  if (llm.provider !== undefined) facts.push(llm.provider);
  const u = llm.usage;
  if (u?.inputTokens !== undefined) facts.push(`in ${formatCount(u.inputTokens)}`);
  if (u?.outputTokens !== undefined) facts.push(`out ${formatCount(u.outputTokens)}`);
  if (u?.cacheReadTokens !== undefined) facts.push(`cache read ${formatCount(u.cacheReadTokens)}`);
  if (u?.reasoningTokens !== undefined) facts.push(`reasoning ${formatCount(u.reasoningTokens)}`);
  if (llm.finishReasons) facts.push(`finish ${llm.finishReasons.join(',')}`);
  const out = [`${statusMark(s.status)} ${clean(s.name)}  span ${clean(s.id)}`, `    ${clean(facts.join(' · '))}`];
  if (llm.contentHidden) out.push('    (content hidden: SPANLENS_HIDE_CONTENT)');
  if (llm.system !== undefined) pushAll(out, message({ role: 'system', content: llm.system }, full));
  for (const m of llm.input) pushAll(out, message(m, full));
  for (const m of llm.output) pushAll(out, message(m, full));
  for (const t of llm.tools ?? []) {
    out.push(`    [tool executed] ${clean(t.name)}${t.id !== undefined ? ` (${clean(t.id)})` : ''}`);
    if (t.arguments !== undefined) {
      out.push('      arguments:');
      pushAll(out, block(t.arguments, '        ', full));
    }
    if (t.result !== undefined) {
      out.push('      result:');
      pushAll(out, block(t.result, '        ', full));
    }
  }
  return out;
}

/** The run's LLM calls as text, '' when it has none. */
export function conversations(spans: readonly Span[], full = false): string {
  const totals = llmTotals(spans);
  if (!totals) return '';
  const out: string[] = [`LLM calls: ${clean(totalsSummary(totals))}`];
  for (const s of spans) {
    if (!s.llm) continue;
    out.push('');
    pushAll(out, call(s, s.llm, full));
  }
  return out.join('\n') + '\n';
}
