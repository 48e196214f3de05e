/**
 * The registry of store kinds (one per format, sources/<format>/kind.ts). Everything outside
 * src/sources that would otherwise switch on a format name asks here: labels, discovery globs,
 * whether an open store refreshes in place, cost hints, opening.
 */
import { claudeFlowKind } from './claudeflow/kind';
import { flujoKind } from './flujo/kind';
import type { StoreKind } from './kind';
import { otlpKind } from './otlp/kind';
import type { StoreFormat, TraceStore } from './types';
import { waftKind } from './waft/kind';

const KINDS: Readonly<Record<StoreFormat, StoreKind>> = {
  flujo: flujoKind,
  waft: waftKind,
  otlp: otlpKind,
  'claude-flow': claudeFlowKind,
};

/** Every kind, in the order people are told about them. */
export const STORE_KINDS: readonly StoreKind[] = Object.values(KINDS);

/** Every format name (the CLI's --format values). */
export const STORE_FORMATS: readonly StoreFormat[] = STORE_KINDS.map((k) => k.format);

export function kindOf(format: StoreFormat): StoreKind {
  return KINDS[format];
}

/** The kind of an opened store. */
export function storeKind(store: Pick<TraceStore, 'format'>): StoreKind {
  return KINDS[store.format];
}

export function isStoreFormat(name: string): name is StoreFormat {
  return Object.prototype.hasOwnProperty.call(KINDS, name);
}

/** Every kind's workspace globs, deduplicated, in kind order: what finds stores and activates the extension. */
export function kindGlobs(filter: (k: StoreKind) => boolean = () => true): string[] {
  return [...new Set(STORE_KINDS.filter(filter).flatMap((k) => k.discovery.globs))];
}

/** Folder tails whose `.jsonl` files make one store (waft's traces folder, the receiver's folder). */
export const FOLDER_STORE_TAILS: readonly (readonly string[])[] = STORE_KINDS.flatMap((k) => k.discovery.folders);
