import type { StoreFormat, TraceStore } from '../sources/types';

/** Where the CLI writes: process streams in the binary, string buffers in tests. */
export interface Writer {
  write(chunk: string): unknown;
}

export interface CliIO {
  stdout: Writer;
  stderr: Writer;
  /** Defaults to process.env; read for SPANLENS_DEBUG. */
  env?: Record<string, string | undefined>;
  /** Defaults to Date.now; fixed in tests so --since-hours is reproducible. */
  now?: () => number;
  /** Defaults to sources/open's openStore; a test may hand in an in-memory store. */
  open?: (target: string, options?: { format?: StoreFormat }) => Promise<TraceStore>;
  /** Aborted to stop a long-running verb (the binary: on SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/** A mistake in the command line itself: printed as one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
