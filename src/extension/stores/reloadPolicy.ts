/**
 * When a changed store is read again: the size limit and the gap between reloads. What
 * "changed" means is the store kind's (src/sources/signature.ts). No 'vscode': unit-tested.
 */
/** Bytes above which a store is not read without the user's say-so; 0 or less means no limit. */
export function sizeLimitBytes(maxStoreSizeMB: number): number {
  return maxStoreSizeMB > 0 ? maxStoreSizeMB * 1024 * 1024 : Number.POSITIVE_INFINITY;
}

/**
 * How long to wait after a reload before the next one may start: at least the
 * debounce, and at least as long as the last read took, so a store that takes
 * 2 s to read while a pipeline writes to it costs at most half the host's time.
 */
export function nextReloadGapMs(debounceMs: number, lastLoadMs: number): number {
  return Math.max(debounceMs, Math.min(lastLoadMs, 30_000));
}
