import type { Run } from '../model/types';
import { StoreError, type TraceStore } from '../sources/types';

/** How many candidate ids an ambiguity message names before "and N more". */
export const MAX_CANDIDATES_SHOWN = 10;

/** A partial id that matches several runs; `candidates` lets a UI offer a pick list. */
export class AmbiguousRunError extends StoreError {
  constructor(
    message: string,
    store: string,
    readonly partial: string,
    readonly candidates: Run[],
  ) {
    super(message, store);
    this.name = 'AmbiguousRunError';
  }
}

/** The store as typed in a shell, so the suggested command can be pasted as is. */
function quoted(storeId: string): string {
  return /^[\w@%+=:,./-]+$/.test(storeId) ? storeId : `'${storeId.replace(/'/g, `'\\''`)}'`;
}

/** The error for an id no run contains: names the id and store, and what to run instead. */
export function noRunMatches(storeId: string, partial: string): StoreError {
  return new StoreError(`no run matches '${partial}' in ${storeId} — run \`spanlens list ${quoted(storeId)}\``, storeId);
}

/**
 * Finds the one run a user means by a full id or any unique part of it
 * (substring, case-insensitive — as `flujo lens get` matches). An exact id
 * wins over runs that merely contain it. Anything else is a StoreError whose
 * one-line message names the id and store and says what to do.
 */
export async function resolveRun(store: TraceStore, partial: string): Promise<Run> {
  const wanted = partial.trim();
  if (wanted === '') {
    throw new StoreError(`empty run id — give a full or partial run id; run \`spanlens list ${quoted(store.id)}\` to see them`, store.id);
  }
  const matches = await store.findRuns(wanted);
  // The store already prefers an exact match; checked again so a looser reader cannot make a full id ambiguous.
  const exact = matches.find((r) => r.id === wanted);
  if (exact) return exact;
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw noRunMatches(store.id, wanted);
  }
  const shown = matches.slice(0, MAX_CANDIDATES_SHOWN).map((r) => r.id);
  const more = matches.length > shown.length ? ` and ${matches.length - shown.length} more` : '';
  throw new AmbiguousRunError(
    `run id '${wanted}' is ambiguous in ${store.id}: ${matches.length} runs match (${shown.join(', ')}${more}) — give more of the id, or see them with \`spanlens get ${quoted(store.id)} ${quoted(wanted)}\``,
    store.id,
    wanted,
    matches,
  );
}
