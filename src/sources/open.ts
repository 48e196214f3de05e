import { detectFormat } from './detect';
import { openFlujoStore } from './flujo/reader';
import { StoreError } from './types';
import type { StoreFormat, TraceStore } from './types';

export interface OpenOptions {
  /** Skip detection and read the target as this format. */
  format?: StoreFormat;
}

/** One opener per format; a format without one is named in the error, not guessed at. */
const OPENERS: Partial<Record<StoreFormat, (target: string) => Promise<TraceStore>>> = {
  flujo: (target) => openFlujoStore(target, target),
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
  return open(target);
}
