import * as fs from 'fs';
import * as path from 'path';
import { openStore } from '../sources/open';
import { findStoresInFolder } from '../sources/storeFiles';
import { isWaftFolder } from '../sources/waft/sniff';
import { StoreError, type TraceStore } from '../sources/types';
import { formatOption, parseVerbArgs, takePositionals } from './args';
import { UsageError, type CliIO } from './context';
import { clean, shellQuote } from './format/text';
import { globalHelp } from './help';
import { diffVerb } from './verbs/diff';
import { getVerb } from './verbs/get';
import { listVerb } from './verbs/list';
import { receiveVerb } from './verbs/receive';
import { showVerb } from './verbs/show';
import { similarVerb } from './verbs/similar';
import { searchVerb } from './verbs/search';
import { spansVerb } from './verbs/spans';
import { statsVerb } from './verbs/stats';
import { traceVerb } from './verbs/trace';
import type { Verb } from './verbs/verb';
import pkg from '../../package.json';

export type { CliIO, Writer } from './context';

export const VERBS: readonly Verb[] = [listVerb, getVerb, showVerb, traceVerb, spansVerb, statsVerb, similarVerb, searchVerb, diffVerb, receiveVerb];

export const EXIT_OK = 0;
export const EXIT_BUG = 1;
export const EXIT_USER = 2;

/**
 * The whole CLI, callable in-process: `argv` without node and script, output
 * through `io`. Returns the exit code; never calls process.exit, so tests and
 * the binary share every line of it.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const env = io.env ?? process.env;
  const [verbName, ...rest] = argv;
  const version = (pkg as { version?: string }).version ?? '0.0.0';

  if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    const topic = verbName === 'help' ? VERBS.find((v) => v.name === rest[0]) : undefined;
    io.stdout.write(topic ? topic.help : globalHelp(VERBS, version));
    return EXIT_OK;
  }
  if (verbName === '--version' || verbName === '-V') {
    io.stdout.write(`${version}\n`);
    return EXIT_OK;
  }

  const opened: TraceStore[] = [];
  try {
    const verb = VERBS.find((v) => v.name === verbName);
    if (!verb) {
      throw new UsageError(
        `spanlens: unknown command '${verbName}' — commands: ${VERBS.map((v) => v.name).join(', ')} (spanlens --help)`,
      );
    }
    const { positionals, values } = parseVerbArgs(verb.name, rest, verb.options);
    if (values.help) {
      io.stdout.write(verb.help);
      return EXIT_OK;
    }
    takePositionals(verb.name, positionals, verb.args);
    const format = formatOption(verb.name, values.format);
    await verb.run({
      positionals,
      values,
      json: values.json === true,
      now: (io.now ?? Date.now)(),
      open: async (named) => {
        const target = format === undefined && io.open === undefined ? await storeInFolder(named, io) : named;
        const store = await (io.open ?? openStore)(target, format === undefined ? {} : { format });
        opened.push(store);
        return store;
      },
      out: (text) => void io.stdout.write(text),
      err: (text) => void io.stderr.write(text),
      signal: io.signal ?? new AbortController().signal,
    });
    if (values.json !== true) noteSkippedLines(opened, io);
    return EXIT_OK;
  } catch (e) {
    return reportError(e, io, env);
  } finally {
    for (const s of opened) await s.close().catch(() => undefined);
  }
}

/**
 * A folder named as the store: the one store inside it, found as the extension's discovery finds
 * stores (flujo_ops.db, OTLP files, waft traces folders), said on stderr; several are listed for
 * the user to pick. A waft folder is a store itself; anything else is passed on unchanged.
 */
async function storeInFolder(target: string, io: CliIO): Promise<string> {
  let isDir = false;
  try {
    isDir = (await fs.promises.stat(target)).isDirectory();
  } catch {
    return target; // openStore says what is wrong with it
  }
  if (!isDir || (await isWaftFolder(target))) return target;
  const found = await findStoresInFolder(target);
  if (found.length === 0) return target;
  const shown = found.map((f) => path.relative(process.cwd(), f) || f);
  if (found.length === 1) {
    io.stderr.write(`spanlens: reading ${clean(shown[0]!)} (the trace store in ${clean(target)})\n`);
    return found[0]!;
  }
  const list = shown.slice(0, 8).map((f) => shellQuote(f)).join(', ');
  throw new StoreError(
    `${target}: is a folder with ${found.length} trace stores — name one instead of the folder: ${list}${found.length > 8 ? ', …' : ''}`,
    target,
  );
}

/**
 * Lines a line-based store skipped (torn by a crash, or not JSON): one note on stderr, so
 * a table that looks short says why, and stdout stays the verb's alone. --json carries it
 * in `stats` (skippedLines) instead.
 */
function noteSkippedLines(stores: readonly TraceStore[], io: CliIO): void {
  for (const s of stores) {
    const n = s.skippedLines ?? 0;
    if (n > 0) io.stderr.write(`spanlens: note: ${n} line${n === 1 ? '' : 's'} of ${clean(s.id)} skipped (torn or not JSON)\n`);
  }
}

/** One line on stderr: the user's mistakes exit 2, ours exit 1 (stack only on request). */
function reportError(e: unknown, io: CliIO, env: Record<string, string | undefined>): number {
  const debug = env.SPANLENS_DEBUG === '1' || env.SPANLENS_DEBUG === 'true';
  if (e instanceof UsageError || e instanceof StoreError) {
    const msg = clean(e.message);
    io.stderr.write(`${msg.startsWith('spanlens') ? '' : 'spanlens: '}${msg}\n`);
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT_USER;
  }
  const msg = clean(e instanceof Error ? e.message : String(e));
  io.stderr.write(
    `spanlens: internal error: ${msg} — this is a bug in spanlens; ` +
      `${debug ? 'stack below' : 'rerun with SPANLENS_DEBUG=1 for the stack'} and report it\n`,
  );
  if (debug && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT_BUG;
}

/** The binary: real streams, real exit code, quiet on a closed pipe (`spanlens list x | head`). */
async function runAsBinary(): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  // Ctrl+C ends a long-running verb (receive) cleanly, flushing what it holds; a second one ends the process.
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

// Run only as the bundled entry (dist/cli.js is CommonJS); importing main() in tests must not run it.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  void runAsBinary();
}
