/** The "Spanlens" output channel: where details of every user-visible error go. */
import * as vscode from 'vscode';
import { errorMessage } from './errorMessage';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Spanlens', { log: true });
  return channel;
}

/** One line for the UI; the stack (when there is one) goes to the log. */
export { errorMessage };

export function logError(what: string, e: unknown): void {
  log().error(`${what}: ${e instanceof Error && e.stack ? e.stack : errorMessage(e)}`);
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
