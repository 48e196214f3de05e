/**
 * How long the extension host's event loop stalls, logged to Output › Spanlens when the
 * environment asks (SPANLENS_EVENT_LOOP_PROBE=1): what `npm run bench -- exthost` reads to show
 * that opening and indexing a big store never pauses the editor. Off by default: it costs a timer.
 * SPANLENS_CPU_PROFILE=FILE also writes a CPU profile of the first seconds (what paused it).
 */
import * as fs from 'fs';
import * as inspector from 'inspector';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { log } from './log';

const WINDOW_MS = 1000;

export function startEventLoopProbe(env: NodeJS.ProcessEnv = process.env): vscode.Disposable | undefined {
  if (env.SPANLENS_EVENT_LOOP_PROBE !== '1') return undefined;
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // A timer's lateness is the pause it waited through: the histogram's max agrees, this names when.
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 10);
    last = now;
  }, 10);
  // Busy share: how much of the window the thread ran tasks (a pause with a low share was the
  // machine's other work, not this thread's).
  let elu = performance.eventLoopUtilization();
  const report = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, elu).utilization;
    elu = now;
    log().info(
      `event loop: longest pause ${Math.round(Math.max(longest, h.max / 1e6))} ms, p99 ${Math.round(h.percentile(99) / 1e6)} ms, busy ${Math.round(busy * 100)}% in the last ${WINDOW_MS} ms`,
    );
    h.reset();
    longest = 0;
  }, WINDOW_MS);
  const profile = env.SPANLENS_CPU_PROFILE;
  if (profile) {
    // What ran when it paused: a CPU profile of the host's first SPANLENS_CPU_PROFILE_MS (DevTools reads it).
    const session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    setTimeout(() => {
      session.post('Profiler.stop', (err, res) => {
        if (!err) fs.writeFileSync(profile, JSON.stringify(res.profile));
        session.disconnect();
      });
    }, Number(env.SPANLENS_CPU_PROFILE_MS ?? 45000));
  }
  return new vscode.Disposable(() => {
    clearInterval(tick);
    clearInterval(report);
    h.disable();
  });
}
