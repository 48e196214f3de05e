import { parseArgs } from 'node:util';
import { STATUS_WORD_EXAMPLES, statusFilterFromWord, type StatusWordFilter } from '../model/status';
import { isStoreFormat, STORE_FORMATS } from '../sources/kinds';
import type { StoreFormat } from '../sources/types';
import { UsageError } from './context';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
export type OptionValues = Record<string, string | boolean | undefined>;

export interface ParsedVerbArgs {
  positionals: string[];
  values: OptionValues;
}

/** Options every verb takes. */
export const COMMON_OPTIONS: OptionSpec = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  format: { type: 'string' },
};

/** What --format takes: every StoreFormat (the Record makes a new one a compile error here until listed). */
export { STORE_FORMATS };

/** --format: skip detection and read the store as this format. */
export function formatOption(verb: string, value: string | boolean | undefined): StoreFormat | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (isStoreFormat(v)) return v;
  throw new UsageError(`spanlens ${verb}: unknown format '${value}' — use one of ${STORE_FORMATS.join(', ')}`);
}

/** node:util parseArgs with its errors turned into one-line usage errors that point at --help. */
export function parseVerbArgs(verb: string, argv: string[], options: OptionSpec): ParsedVerbArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values: values as OptionValues };
  } catch (e) {
    throw new UsageError(`spanlens ${verb}: ${describeParseError(e)} — see \`spanlens ${verb} --help\``);
  }
}

function describeParseError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const msg = e instanceof Error ? e.message : String(e);
  const opt = /'(-[^'\s]*)/.exec(msg)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${opt ?? msg}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (opt && /argument missing/.test(msg)) return `option '${opt}' needs a value`;
      // `--limit -1`: parseArgs will not take a dash-led word as a value.
      if (opt && /ambiguous/.test(msg)) return `option '${opt}' is followed by something that looks like an option; write ${opt}=VALUE`;
      return `bad value: ${msg.split('\n')[0]}`;
    default:
      return msg.split('\n')[0] ?? msg;
  }
}

/** Exactly the named positionals, or a usage error naming what is missing or extra. */
export function takePositionals(verb: string, positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) {
    const missing = names.slice(positionals.length).map((n) => `<${n}>`).join(' ');
    throw new UsageError(`spanlens ${verb}: missing ${missing} — usage: spanlens ${verb} ${names.map((n) => `<${n}>`).join(' ')} (see --help)`);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`spanlens ${verb}: unexpected argument '${positionals[names.length]}' — see \`spanlens ${verb} --help\``);
  }
  return positionals;
}

/**
 * `--status S`: the model's words and a store's own (`failed`, `completed`, `success`, `timeout`;
 * model/status has the one table). A narrowing word (`timeout`) also keeps its `rawWord`.
 */
export function statusWordOption(verb: string, value: string | boolean | undefined): StatusWordFilter | undefined {
  if (typeof value !== 'string') return undefined;
  const f = statusFilterFromWord(value);
  if (f) return f;
  throw new UsageError(`spanlens ${verb}: unknown status '${value}' — use one of ${STATUS_WORD_EXAMPLES}`);
}

export function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function countOption(verb: string, flag: string, value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`spanlens ${verb}: --${flag} takes a whole number ≥ 0, not '${value}'`);
  // More than any store holds means all of it; past 2^53 the number would not even be exact.
  return Math.min(Number(value.trim()), Number.MAX_SAFE_INTEGER);
}

export function hoursOption(verb: string, flag: string, value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`spanlens ${verb}: --${flag} takes a number of hours > 0 (e.g. 24 or 0.5), not '${value}'`);
  }
  return n;
}
