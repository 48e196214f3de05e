/** The worker thread's entry (dist/engineWorker.js): the engine service on the thread's port. */
import { parentPort } from 'worker_threads';
import type { ToWorker } from './protocol';
import { EngineService } from './service';

const port = parentPort;
if (port) {
  const service = new EngineService((m) => port.postMessage(m));
  port.on('message', (m: ToWorker) => service.handle(m));
  port.on('close', () => void service.dispose());
}
