/**
 * What long reads share (the readers' bulk scans, search's index builds and queries): how many
 * spans go in a batch, giving the event loop a turn between batches (the extension host runs
 * them), and the error a cancelled one rejects with.
 */

/** Spans per batch: large enough that batches are few, small enough that one turn stays short. */
export const SCAN_BATCH_SPANS = 5000;

/** The error an aborted scan rejects with: callers tell a cancel from a failure by its name. */
export function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** Lets timers and I/O run between batches (a resolved promise would not). */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
