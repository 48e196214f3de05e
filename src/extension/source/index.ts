/**
 * From span to code: the source service (made in activate and handed to the Runs view, Span
 * Details and the search picker) behind Go to Source and click-to-open, and the failure index
 * behind CodeLens, Problems and the gutter.
 */
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import { FailureCodeLensProvider, registerFailurePick } from './codeLensProvider';
import { FailureDiagnostics, FailureGutter } from './diagnostics';
import { FailureIndex } from './failureIndex';
import { registerNavigation } from './navigation';

export function registerSourceFeatures(ctx: CommandContext): vscode.Disposable[] {
  const index = new FailureIndex(ctx.registry, ctx.sources.resolver);
  const lenses = new FailureCodeLensProvider(index);
  return [
    index,
    lenses,
    vscode.languages.registerCodeLensProvider({ pattern: '**' }, lenses),
    registerFailurePick({ ...ctx, index }),
    new FailureDiagnostics(index),
    new FailureGutter(ctx.extension.extensionUri, index),
    ...registerNavigation(ctx),
  ];
}
