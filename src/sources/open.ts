import { detectFormat } from './detect';
import { enrichStore, type EnrichOptions } from './enrichStore';
import { isStoreFormat, kindOf } from './kinds';
import { StoreError } from './types';
import type { StoreFormat, TraceStore } from './types';

export interface OpenOptions extends EnrichOptions {
  /** Skip detection and read the target as this format. */
  format?: StoreFormat;
  /** A database store's password (the extension: from SecretStorage, never from settings). */
  password?: string;
  /** The store's id when it is not `target` (a PostgreSQL URL's redacted form). */
  id?: string;
  /** A server store's window start (epoch ms). */
  sinceMs?: number;
}

/** Opens a store by path (or, later, URL), detecting its format unless told. Read-only. */
export async function openStore(target: string, options: OpenOptions = {}): Promise<TraceStore> {
  let format = options.format;
  if (format === undefined) {
    const found = await detectFormat(target);
    if (found.kind === 'unsupported') throw new StoreError(`${target}: ${found.why}`, target);
    format = found.format;
  }
  // A format without a kind is named in the error, not guessed at.
  if (!isStoreFormat(format)) throw new StoreError(`${target}: the ${String(format)} store format is not supported yet`, target);
  return enrichStore(await kindOf(format).open(target, options), options);
}

export { enrichStore };
