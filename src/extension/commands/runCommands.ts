/** Commands on one run (its context menu) and on a span (clicking it). */
import * as path from 'path';
import * as vscode from 'vscode';
import { computeStats } from '../../analysis/stats';
// The CLI's serializer, so an export is byte-for-byte what `spanlens show --json` prints.
import { toJson } from '../../model/json';
import type { Run, Span } from '../../model/types';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { statsMarkdown } from '../format';
import { errorMessage, logError } from '../log';
import { SpanItemNode } from '../runsView/nodes';
import { withoutChildren } from '../runsView/treeHelpers';
import { runArg, type CommandContext } from './context';
import type { ReportDocuments } from './reportDocuments';

export function registerRunCommands(ctx: CommandContext, reports: ReportDocuments): vscode.Disposable[] {
  const { registry } = ctx;
  return [
    vscode.commands.registerCommand('spanlens.showSpan', (arg?: unknown) => {
      const node = arg ?? ctx.view.selection[0];
      if (!(node instanceof SpanItemNode)) return;
      SpanDetailsPanel.show(ctx, { storeId: node.entry.id, run: node.run, span: withoutChildren(node.span) });
    }),

    vscode.commands.registerCommand('spanlens.copyRunId', async (arg?: unknown) => {
      const target = runArg(ctx, arg);
      if (!target) return;
      await vscode.env.clipboard.writeText(target.run.id);
      vscode.window.setStatusBarMessage(`Spanlens: copied run ID ${target.run.id}`, 3000);
    }),

    vscode.commands.registerCommand('spanlens.exportRun', async (arg?: unknown) => {
      const target = runArg(ctx, arg);
      if (!target) return;
      const { entry } = target;
      let run: Run = target.run;
      let spans: Span[];
      try {
        // Fresh from the store (the node may be a refresh behind), exactly what `spanlens show --json` prints.
        const found = await registry.query(entry, (s) => s.findRuns(run.id));
        run = found.find((r) => r.id === run.id) ?? run;
        spans = await registry.query(entry, (s) => s.getSpans(run.id));
      } catch (e) {
        logError(`Exporting run ${run.id} from ${entry.id} failed`, e);
        void vscode.window.showErrorMessage(`Spanlens: could not read run ${run.id}: ${errorMessage(e)}`);
        return;
      }
      const folder = vscode.workspace.getWorkspaceFolder(entry.uri)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
      const fileName = `run-${run.id.replace(/[^\w.-]+/g, '_').slice(0, 80)}.json`;
      const uri = await vscode.window.showSaveDialog({
        title: 'Export Run as JSON',
        saveLabel: 'Export',
        defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : vscode.Uri.file(path.join(path.dirname(entry.id), fileName)),
        filters: { JSON: ['json'] },
      });
      if (!uri) return;
      try {
        await vscode.workspace.fs.writeFile(uri, Buffer.from(toJson({ run, spans }), 'utf8'));
      } catch (e) {
        logError(`Writing ${uri.toString()} failed`, e);
        void vscode.window.showErrorMessage(`Spanlens: could not write ${uri.fsPath}: ${errorMessage(e)}`);
        return;
      }
      const open = await vscode.window.showInformationMessage(
        `Spanlens: exported run ${run.id} (${spans.length} spans) to ${path.basename(uri.fsPath)}`,
        'Open',
      );
      if (open) await vscode.window.showTextDocument(uri);
    }),

    vscode.commands.registerCommand('spanlens.showPipelineStats', async (arg?: unknown) => {
      const target = runArg(ctx, arg);
      if (!target) return;
      const { entry, run } = target;
      const pipeline = run.name;
      try {
        const text = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: `Spanlens: computing stats of ${pipeline}` },
          async () => {
            const summaries = await registry.query(entry, (s) => s.spanSummaries({ pipeline }));
            const runIds = new Set<string>();
            for (const s of summaries) runIds.add(s.runId);
            return statsMarkdown({ pipeline, store: entry.id, stats: computeStats(summaries), runCount: runIds.size, generatedMs: Date.now() });
          },
        );
        await reports.open(`${pipeline} stats.md`, text);
      } catch (e) {
        logError(`Stats of ${pipeline} in ${entry.id} failed`, e);
        void vscode.window.showErrorMessage(`Spanlens: could not compute stats of ${pipeline}: ${errorMessage(e)}`);
      }
    }),
  ];
}
