import type { Verb } from './verbs/verb';

export function globalHelp(verbs: readonly Verb[], version: string): string {
  const usage = verbs.map((v) => `  ${v.name.padEnd(6)} ${v.args.map((a) => `<${a}>`).join(' ').padEnd(22)} ${v.summary}`);
  return `spanlens ${version} — read trace stores from the terminal: runs, spans, trees, stats

Usage: spanlens <command> <store> [args] [options]

Commands:
${usage.join('\n')}

<store>  a trace store file, e.g. a Flujo flujo_ops.db (its -wal file beside it
         is read too; the store is never written to)
<run>    a full run id or any unique part of it (case-insensitive)

Options (every command):
  --json       JSON on stdout instead of tables; keys as in the Spanlens model
               (Run, Span): list → Run[], get → Run[], show → {run, spans},
               trace → {run, root}, spans → Span[], stats → {totalSpans, byStatus, byName}
  -h, --help   help for a command: spanlens <command> --help
  --version    print the version

Statuses are normalized to ok, error, running, paused, unset; the store's own
word is kept as rawStatus.

Exit codes: 0 ok; 2 bad input (a missing or unreadable store, an unknown or
ambiguous run id, a bad option), explained in one line on stderr; 1 a bug in
spanlens (set SPANLENS_DEBUG=1 to see its stack).
`;
}
