/** Registers every Spanlens command; each group lives in its own file. */
import type * as vscode from 'vscode';
import type { CommandContext } from './context';
import { registerFilterCommands } from './filterCommands';
import { ReportDocuments } from './reportDocuments';
import { registerRunCommands } from './runCommands';
import { registerStoreCommands } from './storeCommands';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const reports = new ReportDocuments();
  return [reports, ...registerStoreCommands(ctx), ...registerFilterCommands(ctx), ...registerRunCommands(ctx, reports)];
}
