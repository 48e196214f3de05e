import type { Verb } from './verbs/verb';

export function globalHelp(verbs: readonly Verb[], version: string): string {
  const usage = verbs.map((v) => `  ${v.name.padEnd(7)} ${v.args.map((a) => `<${a}>`).join(' ').padEnd(22)} ${v.summary}`);
  return `spanlens ${version} — read trace stores from the terminal: runs, spans, trees, stats

Usage: spanlens <command> <store> [args] [options]

Commands:
${usage.join('\n')}

<store>  a trace store, never written to; its format is detected:
           a Flujo flujo_ops.db (its -wal file beside it is read too),
           a waft project folder (_pyrite/analytics/traces), that folder, or one
           of its daily .jsonl files,
           an OpenTelemetry OTLP/JSON file: the Collector's file exporter .jsonl
           (one request a line) or one request in a .json, or a folder of such
           .jsonl files (what \`spanlens receive\` writes),
           a claude-flow postgres:// URL,
           or a folder holding one of those (found as VS Code's discovery finds
           them; with several, they are listed for you to name one)
<run>    a full run id or any unique part of it (case-insensitive)

Options (every command):
  --json       JSON on stdout instead of tables; keys as in the Spanlens model
               (Run, Span): list → Run[], get → Run[], show → {run, spans},
               trace → {run, root}, spans → Span[], stats → {totalSpans, byStatus, byName},
               similar → [{similarity, run, span?}]
  --format F   read <store> as format F instead of detecting it:
               flujo, waft, otlp or claude-flow
  -h, --help   help for a command: spanlens <command> --help
  --version    print the version

Lines of a waft or OTLP file that are torn (a crash mid-write) or not JSON are
skipped, never fatal; their count is a note on stderr (stats --json: skippedLines).

Statuses are normalized to ok, error, running, paused, unset; the store's own
word is kept as rawStatus, and --status takes it too (failed, completed,
success, timeout, …).

Exit codes: 0 ok; 2 bad input (a missing or unreadable store, an unknown or
ambiguous run id, a bad option), explained in one line on stderr; 1 a bug in
spanlens (set SPANLENS_DEBUG=1 to see its stack).
`;
}
