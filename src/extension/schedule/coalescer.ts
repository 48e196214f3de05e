/**
 * One job, run at most once at a time. Requests while it runs make exactly one more run
 * afterwards, however many arrive; requests while it waits to start join that wait. What the
 * status bar's recount, the failure index's rebuild, a store's re-read, the watcher's checks,
 * the receiver's re-read and the compare page's reload all need, written once.
 *
 * - `request()`: run after `delayMs` (a debounce: each request restarts the wait, unless
 *   `restartWait` is false, when the first request's wait stands — a throttle).
 * - `runNow()`: run at once when idle (no wait, no gap); resolves when the coalescer is idle
 *   again, the extra run included.
 * - A run that follows another run (requested meanwhile) waits at least `gapAfterMs(lastCost)`:
 *   a job that took 2 s is not started again at once.
 * - `dispose()` cancels what waits; a run under way finishes but none follows.
 *
 * No 'vscode': unit-tested with fake timers.
 */
export interface CoalescerOptions {
  /** How long a `request()` waits before the run (default 0: the next turn of the event loop). */
  delayMs?: number;
  /** False: a request while already waiting keeps the running wait (throttle). Default true (debounce). */
  restartWait?: boolean;
  /** The least time between a run's end and a run requested while it ran, from what the last run took. */
  gapAfterMs?: (lastCostMs: number) => number;
  /** A run that threw: the coalescer goes on with the next. Default: the error is dropped. */
  onError?: (error: unknown) => void;
  /** The clock a run's cost is measured with (default Date.now). */
  now?: () => number;
}

export class Coalescer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** A request arrived while running: one more run afterwards, after this wait. */
  private again: { delayMs: number } | undefined;
  private disposed = false;
  private idleWaiters: Array<() => void> = [];
  private cost = 0;
  private readonly delayMs: number;
  private readonly restartWait: boolean;
  private readonly now: () => number;

  constructor(
    private readonly job: () => Promise<void> | void,
    private readonly options: CoalescerOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 0;
    this.restartWait = options.restartWait ?? true;
    this.now = options.now ?? Date.now;
  }

  /** A run is under way. */
  get busy(): boolean {
    return this.running;
  }

  /** A run waits to start (a debounce or a gap), or will follow the one under way. */
  get pending(): boolean {
    return this.timer !== undefined || this.again !== undefined;
  }

  /** What the last finished run took, in ms. */
  get lastCostMs(): number {
    return this.cost;
  }

  /** Runs after `delayMs` (default: the options'), or once more after the run under way. */
  request(delayMs: number = this.delayMs): void {
    if (this.disposed) return;
    if (this.running) {
      // The soonest wait asked for applies to the run that follows: a later, longer request (a
      // catch-up in minutes) must not push back a change that wants reading now.
      this.again = { delayMs: Math.min(this.again?.delayMs ?? Infinity, delayMs) };
      return;
    }
    if (this.timer !== undefined) {
      if (!this.restartWait) return;
      clearTimeout(this.timer);
    }
    this.wait(delayMs);
  }

  /** Runs now when idle (a waiting request is brought forward); else once more after the run under way. Resolves when idle. */
  runNow(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = { delayMs: 0 };
    } else {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      void this.run();
    }
    return this.whenIdle();
  }

  /** Resolves once nothing runs or waits (at once when idle; on dispose). */
  whenIdle(): Promise<void> {
    if (this.disposed || (!this.running && !this.pending)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.again = undefined;
    this.settle();
  }

  private wait(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, Math.max(0, delayMs));
  }

  private async run(): Promise<void> {
    if (this.disposed) return this.settle();
    this.running = true;
    const started = this.now();
    try {
      await this.job();
    } catch (e) {
      this.options.onError?.(e);
    } finally {
      this.cost = Math.max(0, this.now() - started);
      this.running = false;
    }
    const again = this.again;
    this.again = undefined;
    if (again && !this.disposed) {
      const gap = this.options.gapAfterMs?.(this.cost) ?? 0;
      this.wait(Math.max(again.delayMs, gap));
      return;
    }
    if (this.timer === undefined) this.settle();
  }

  private settle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
