/** The engine in a worker thread: the transport the extension host uses (client.ts). */
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { inProcessTransport, type Transport } from './client';
import type { FromWorker } from './protocol';

/**
 * A worker running `file` (dist/engineWorker.js). Where that bundle is missing (running from
 * sources under vitest), the engine runs in this thread instead, through the same messages.
 */
export function workerTransport(file: string): Transport {
  if (!fs.existsSync(file)) return inProcessTransport();
  let worker: Worker | undefined;
  return {
    start(onMessage, onExit) {
      const w = new Worker(file);
      worker = w;
      let gone = false;
      const exit = (why: string): void => {
        if (gone) return;
        gone = true;
        onExit(why);
      };
      w.on('message', (m: FromWorker) => onMessage(m));
      w.on('error', (e) => exit(e instanceof Error ? e.message : String(e)));
      w.on('exit', (code) => exit(`exit code ${code}`));
      // A message that cannot be read cannot be matched to its request: the engine is restarted.
      w.on('messageerror', () => {
        exit('a message from it could not be read');
        void w.terminate();
      });
      // An idle engine must not keep a process alive (client.ts holds it while requests wait).
      w.unref();
    },
    hold(on) {
      if (on) worker?.ref();
      else worker?.unref();
    },
    post(m) {
      worker?.postMessage(m);
    },
    async terminate() {
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
