/**
 * Text the sidebar and reports show for runs, spans and stats. Pure (no 'vscode'):
 * unit-tested in test/unit/extension-pure. Data from a store is never trusted as
 * markdown: everything here escapes or fences it.
 */
import { llmSummary } from '../analysis/llmTotals';
import { maxOf } from '../model/arrays';
import type { SpanStats } from '../analysis/stats';
import { formatDuration, formatStart, formatTimestamp } from '../model/format';
import type { Run, Span } from '../model/types';

/** "14:03:22 · 1.23 s", "14:03:22 · running". */
export function runDescription(run: Run, nowMs: number = Date.now()): string {
  const start = formatStart(run.startMs, nowMs);
  if (run.status === 'running') return `${start} · running`;
  if (run.status === 'paused') return `${start} · paused`;
  return `${start} · ${formatDuration(run.durationMs)}`;
}

/** "120 ms", "running", "1.2 s · ValueError". */
export function spanDescription(span: Span): string {
  const base = span.durationMs === undefined ? (span.status === 'running' ? 'running' : span.rawStatus || '—') : formatDuration(span.durationMs);
  if (span.status === 'error' && span.error?.type) return `${base} · ${oneLine(span.error.type, 60)}`;
  // An LLM call says its model and tokens: "820 ms · gpt-4o-mini · 1,230 tok".
  const llm = span.llm ? oneLine(llmSummary(span.llm), 80) : '';
  return llm === '' ? base : `${base} · ${llm}`;
}

/** Collapses whitespace and cuts to `max` characters with an ellipsis: labels must stay one line. */
export function oneLine(text: string, max = 200): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The last `maxLines` lines of a stack trace: the frames nearest the error matter most in a tooltip. */
export function tailLines(text: string, maxLines: number): string {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  if (lines.length <= maxLines) return lines.join('\n');
  return ['…', ...lines.slice(lines.length - maxLines)].join('\n');
}

/**
 * A fenced code block whose fence is longer than any backtick run inside `text`,
 * so data cannot close the fence and be read as markdown (CommonMark §4.5).
 */
export function codeBlock(text: string, lang = 'text'): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `\n${fence}${lang}\n${text}\n${fence}\n`;
}

/**
 * An inline code span that shows `text` literally (no markdown, no HTML), safe inside
 * a GFM table cell: pipes escaped, newlines folded, fence longer than any backtick run.
 */
export function inlineCode(text: string): string {
  const s = oneLine(text, 500).replace(/\|/g, '\\|');
  let longest = 0;
  for (const m of s.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  // A leading/trailing backtick (or space) needs a space inside the fence to survive.
  const pad = s.startsWith('`') || s.endsWith('`') || s.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${s === '' ? ' ' : s}${pad}${fence}`;
}

export interface StatsReportInput {
  pipeline: string;
  store: string;
  stats: SpanStats;
  runCount?: number;
  generatedMs?: number;
}

/**
 * A markdown report of one pipeline's span statistics, laid out so the raw text is
 * readable too (padded table columns): it opens as a read-only text document.
 */
export function statsMarkdown(input: StatsReportInput): string {
  const { stats } = input;
  const lines: string[] = [];
  lines.push(`# Pipeline stats: ${inlineCode(input.pipeline)}`, '');
  lines.push(`- Store: ${inlineCode(input.store)}`);
  if (input.runCount !== undefined) lines.push(`- Runs: ${input.runCount}`);
  lines.push(`- Spans: ${stats.totalSpans}`);
  const statusParts = Object.entries(stats.byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`);
  if (statusParts.length > 0) lines.push(`- By status: ${statusParts.join(' · ')}`);
  if (input.generatedMs !== undefined) lines.push(`- Computed: ${formatTimestamp(input.generatedMs)}`);
  lines.push('');
  if (stats.byName.length === 0) {
    lines.push('No spans recorded for this pipeline.');
    return lines.join('\n') + '\n';
  }
  const header = ['Span', 'Count', 'Avg', 'p50', 'p95'];
  const rows = stats.byName.map((n) => [
    inlineCode(n.name),
    String(n.count),
    formatDuration(n.avgMs ?? undefined),
    formatDuration(n.p50Ms ?? undefined),
    formatDuration(n.p95Ms ?? undefined),
  ]);
  const widths = header.map((h, i) => maxOf(rows, (r) => r[i]!.length, h.length));
  const cell = (text: string, i: number): string => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!));
  lines.push(`| ${header.map(cell).join(' | ')} |`);
  lines.push(`| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ')} |`);
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  lines.push('', 'Durations: average, median (p50) and 95th percentile (nearest rank) over spans that finished.');
  return lines.join('\n') + '\n';
}
