/** The Runs view's title-bar filters (status, pipeline, time window), "Clear Filters" and paging. */
import * as vscode from 'vscode';
import { STATUS_FILTERS, TIME_WINDOWS, type StatusFilter, type TimeWindow } from '../filters';
import { errorMessage, logError } from '../log';
import type { CommandContext } from './context';

/** Newest runs per store looked at for the pipeline list: enough to name every active pipeline, cheap on huge stores. */
const PIPELINE_SCAN_RUNS = 5000;

export function registerFilterCommands(ctx: CommandContext): vscode.Disposable[] {
  const { provider, registry } = ctx;
  return [
    vscode.commands.registerCommand('spanlens.filterStatus', async () => {
      const current = provider.filter().status;
      const pick = await vscode.window.showQuickPick(
        STATUS_FILTERS.map((s) => ({ label: s.label, description: s.value === current ? '(current)' : undefined, value: s.value })),
        { title: 'Filter Runs by Status', placeHolder: 'Show which runs?' },
      );
      if (pick) await provider.setFilter({ ...provider.filter(), status: pick.value as StatusFilter });
    }),

    vscode.commands.registerCommand('spanlens.filterTime', async () => {
      const current = provider.filter().window;
      const pick = await vscode.window.showQuickPick(
        TIME_WINDOWS.map((w) => ({ label: w.label, description: w.value === current ? '(current)' : undefined, value: w.value })),
        { title: 'Filter Runs by Start Time', placeHolder: 'Show runs that started…' },
      );
      if (pick) await provider.setFilter({ ...provider.filter(), window: pick.value as TimeWindow });
    }),

    vscode.commands.registerCommand('spanlens.filterPipeline', async () => {
      // A busy QuickPick at once, filled when the stores answer: the user sees something happen.
      type Item = vscode.QuickPickItem & { pipeline?: string };
      const qp = vscode.window.createQuickPick<Item>();
      qp.title = 'Filter Runs by Pipeline';
      qp.placeholder = 'Reading pipeline names…';
      qp.busy = true;
      qp.matchOnDescription = true;
      qp.show();
      const done = new Promise<Item | undefined>((resolve) => {
        qp.onDidAccept(() => resolve(qp.selectedItems[0]));
        qp.onDidHide(() => resolve(undefined));
      });
      const counts = new Map<string, number>();
      try {
        await registry.whenDiscovered();
        for (const e of registry.list()) {
          await registry.ensureOpen(e, 'window');
          if (!e.store) continue;
          try {
            const runs = await registry.query(e, (s) => s.listRuns({ limit: PIPELINE_SCAN_RUNS }));
            for (const r of runs) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
          } catch (err) {
            logError(`Listing pipelines of ${e.id} failed`, err);
          }
        }
      } catch (err) {
        logError('Listing pipelines failed', err);
        void vscode.window.showErrorMessage(`Spanlens: could not list pipelines: ${errorMessage(err)}`);
      }
      const current = provider.filter().pipeline;
      const names = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      qp.items = [
        { label: '$(list-flat) All pipelines', description: current === undefined ? '(current)' : undefined },
        ...names.map(([name, n]) => ({
          label: name,
          description: `${n} run${n === 1 ? '' : 's'}${name === current ? ' (current)' : ''}`,
          pipeline: name,
        })),
      ];
      qp.placeholder = names.length ? 'Show runs of which pipeline?' : 'No runs in the open stores yet';
      qp.busy = false;
      const pick = await done;
      qp.dispose();
      if (!pick) return;
      const next = { ...provider.filter() };
      if (pick.pipeline === undefined) delete next.pipeline;
      else next.pipeline = pick.pipeline;
      await provider.setFilter(next);
    }),

    vscode.commands.registerCommand('spanlens.clearFilters', () => provider.clearFilter()),

    vscode.commands.registerCommand('spanlens.loadMore', (storeId?: unknown) => {
      if (typeof storeId === 'string') provider.loadMore(storeId);
    }),
  ];
}
