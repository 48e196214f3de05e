import { openClaudeFlowStore } from './claudeflow/reader';
import { detectFormat } from './detect';
import { enrichStore, type EnrichOptions } from './enrichStore';
import { openFlujoStore } from './flujo/reader';
import { openOtlpStore } from './otlp/reader';
import { StoreError } from './types';
import type { StoreFormat, TraceStore } from './types';
import { openWaftStore } from './waft/reader';

export interface OpenOptions extends EnrichOptions {
  /** Skip detection and read the target as this format. */
  format?: StoreFormat;
  /** A database store's password (the extension: from SecretStorage, never from settings). */
  password?: string;
}

/** One opener per format; a format without one is named in the error, not guessed at. */
const OPENERS: Partial<Record<StoreFormat, (target: string, options: OpenOptions) => Promise<TraceStore>>> = {
  flujo: (target) => openFlujoStore(target, target),
  waft: (target) => openWaftStore(target, target),
  otlp: (target) => openOtlpStore(target, target),
  'claude-flow': (target, options) =>
    openClaudeFlowStore(target, target, options.password === undefined ? {} : { password: options.password }),
};

/** Opens a store by path (or, later, URL), detecting its format unless told. Read-only. */
export async function openStore(target: string, options: OpenOptions = {}): Promise<TraceStore> {
  let format = options.format;
  if (format === undefined) {
    const found = await detectFormat(target);
    if (found.kind === 'unsupported') throw new StoreError(`${target}: ${found.why}`, target);
    format = found.format;
  }
  const open = OPENERS[format];
  if (!open) throw new StoreError(`${target}: the ${format} store format is not supported yet`, target);
  return enrichStore(await open(target, options), options);
}

export { enrichStore };
