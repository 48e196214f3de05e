/**
 * The engine's worker thread for this window (src/worker): stores are opened, scanned and indexed
 * there, never on the extension host's own thread. Settings the engine reads are sent to it; if it
 * dies (out of memory on a huge store, say), the stores that were open are read again in a new one.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { EngineClient } from '../worker/client';
import { workerTransport } from '../worker/thread';
import { config } from './config';
import { log } from './log';

export function startEngine(): { engine: EngineClient; disposable: vscode.Disposable } {
  const file = path.join(__dirname, 'engineWorker.js');
  const engine = new EngineClient(() => workerTransport(file));
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
