import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from '../../../src/extension/schedule/coalescer';

/** A job whose runs finish when the test says so; counts how many started and how many ran at once. */
function gatedJob(): { job: () => Promise<void>; starts: number[]; maxConcurrent: () => number; finish: () => void } {
  const starts: number[] = [];
  const gates: Array<() => void> = [];
  let active = 0;
  let max = 0;
  return {
    starts,
    maxConcurrent: () => max,
    finish: () => gates.shift()?.(),
    job: () => {
      starts.push(Date.now());
      active++;
      max = Math.max(max, active);
      return new Promise<void>((resolve) =>
        gates.push(() => {
          active--;
          resolve();
        }),
      );
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Coalescer', () => {
  it('debounces: a burst of requests is one run, delayMs after the last', async () => {
    const job = vi.fn();
    const c = new Coalescer(job, { delayMs: 500 });
    c.request();
    await vi.advanceTimersByTimeAsync(400);
    c.request();
    await vi.advanceTimersByTimeAsync(400);
    c.request();
    expect(job).not.toHaveBeenCalled();
    expect(c.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(job).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBe(1300);
    expect(c.pending).toBe(false);
  });

  it('throttles with restartWait false: the first request’s wait stands', async () => {
    const job = vi.fn();
    const c = new Coalescer(job, { delayMs: 500, restartWait: false });
    c.request();
    await vi.advanceTimersByTimeAsync(400);
    c.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(job).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(job).toHaveBeenCalledTimes(1);
  });

  it('never runs twice at once; any number of requests during a run make exactly one more run', async () => {
    const g = gatedJob();
    const c = new Coalescer(g.job, { delayMs: 100 });
    c.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(g.starts).toHaveLength(1);
    expect(c.busy).toBe(true);
    for (let i = 0; i < 10; i++) c.request();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(g.starts).toHaveLength(1);
    g.finish();
    await vi.advanceTimersByTimeAsync(99);
    expect(g.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.starts).toHaveLength(2);
    g.finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(g.starts).toHaveLength(2);
    expect(g.maxConcurrent()).toBe(1);
  });

  it('runNow starts at once, resolves only when the extra run requested meanwhile is done', async () => {
    const g = gatedJob();
    const c = new Coalescer(g.job);
    let done = false;
    const p = c.runNow().then(() => (done = true));
    expect(g.starts).toHaveLength(1);
    const q = c.runNow();
    c.runNow();
    g.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(g.starts).toHaveLength(2);
    expect(done).toBe(false);
    g.finish();
    await vi.advanceTimersByTimeAsync(0);
    await p;
    await q;
    expect(done).toBe(true);
    expect(g.starts).toHaveLength(2);
  });

  it('brings a waiting request forward with runNow (one run, not two)', async () => {
    const job = vi.fn();
    const c = new Coalescer(job, { delayMs: 1000 });
    c.request();
    await c.runNow();
    expect(job).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(job).toHaveBeenCalledTimes(1);
  });

  it('waits gapAfterMs(last cost) before a run requested during a slow run', async () => {
    const starts: number[] = [];
    const spy = vi.fn(() => starts.push(Date.now()));
    const c2 = new Coalescer(
      async () => {
        spy();
        await new Promise((r) => setTimeout(r, 2000));
      },
      { gapAfterMs: (cost) => Math.max(300, cost) },
    );
    void c2.runNow();
    await vi.advanceTimersByTimeAsync(500);
    void c2.runNow();
    await vi.advanceTimersByTimeAsync(1500); // first run ends at 2000
    expect(starts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1999);
    expect(starts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([0, 4000]);
    expect(c2.lastCostMs).toBe(2000);
  });

  it('the first run of an idle coalescer has no gap', async () => {
    const job = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 1000));
    });
    const c = new Coalescer(job, { gapAfterMs: () => 60_000 });
    await vi.advanceTimersByTimeAsync(0);
    const p = c.runNow();
    await vi.advanceTimersByTimeAsync(1000);
    await p;
    void c.runNow();
    expect(job).toHaveBeenCalledTimes(2);
  });

  it('a request during a run uses the latest requested delay for the run after it', async () => {
    const g = gatedJob();
    const c = new Coalescer(g.job, { delayMs: 750 });
    void c.runNow();
    c.request(5000);
    c.request(10);
    g.finish();
    await vi.advanceTimersByTimeAsync(10);
    expect(g.starts).toEqual([0, 10]);
  });

  it('a longer request during a run does not push back a sooner one (a catch-up in minutes vs a change now)', async () => {
    const g = gatedJob();
    const c = new Coalescer(g.job, { delayMs: 750 });
    void c.runNow();
    c.request(10);
    c.request(300_000);
    g.finish();
    await vi.advanceTimersByTimeAsync(10);
    expect(g.starts).toEqual([0, 10]);
  });

  it('a failing run is reported and does not stop the next', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const c = new Coalescer(
      () => {
        if (++n === 1) throw new Error('boom');
      },
      { onError: (e) => errors.push(e) },
    );
    await c.runNow();
    await c.runNow();
    expect(n).toBe(2);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('boom');
  });

  it('dispose cancels a waiting run and the run that would follow, and releases waiters', async () => {
    const g = gatedJob();
    const c = new Coalescer(g.job, { delayMs: 100 });
    const idle = c.runNow();
    c.request();
    c.dispose();
    await idle;
    g.finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(g.starts).toHaveLength(1);

    const job = vi.fn();
    const d = new Coalescer(job, { delayMs: 100 });
    d.request();
    d.dispose();
    d.request();
    await d.runNow();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(job).not.toHaveBeenCalled();
  });

  it('whenIdle resolves at once when idle, after the waiting run otherwise', async () => {
    const job = vi.fn();
    const c = new Coalescer(job, { delayMs: 100 });
    await c.whenIdle();
    c.request();
    let idle = false;
    void c.whenIdle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(job).toHaveBeenCalledTimes(1);
    expect(idle).toBe(true);
  });
});
