/**
 * The engine's worker thread for this window (src/worker): stores are opened, scanned and indexed
 * there, never on the extension host's own thread. Settings the engine reads are sent to it; if it
 * dies (out of memory on a huge store, say), the stores that were open are read again in a new one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EngineClient, inProcessTransport } from '../worker/client';
import { workerTransport } from '../worker/thread';
import { config } from './config';
import { log } from './log';

export function startEngine(env: NodeJS.ProcessEnv = process.env): { engine: EngineClient; disposable: vscode.Disposable } {
  const file = path.join(__dirname, 'engineWorker.js');
  // SPANLENS_ENGINE_IN_PROCESS=1: the engine on this thread, as before the worker (what the bench compares against).
  const inProcess = env.SPANLENS_ENGINE_IN_PROCESS === '1';
  const engine = new EngineClient(() => (inProcess ? inProcessTransport() : workerTransport(file)));
  if (inProcess) log().info('The engine runs in the extension host (SPANLENS_ENGINE_IN_PROCESS=1)');
  else if (!fs.existsSync(file)) log().warn(`${file} is missing: the engine runs in the extension host (rebuild or reinstall Spanlens)`);
  engine.setHideLlmContent(config.llmHideContent());
  const subs = [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('spanlens.llm.hideContent')) engine.setHideLlmContent(config.llmHideContent());
    }),
    engine.onDidStop((why) => log().warn(`The Spanlens engine stopped (${why}); open stores are read again in a new one`)),
  ];
  return {
    engine,
    disposable: new vscode.Disposable(() => {
      for (const s of subs) s.dispose();
      void engine.dispose();
    }),
  };
}
