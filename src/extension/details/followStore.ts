import * as vscode from 'vscode';
import { storeOp } from '../../worker/client';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';
import { SpanDetailsPanel } from './detailsPanel';

/**
 * Keeps Span Details in step with its store: when the store is re-read (a running pipeline
 * finished the span, say), the panel shows the new reading in place; when the span is gone,
 * it says so. The panel is never brought forward by this.
 */
export function followStoreReloads(registry: StoreRegistry): vscode.Disposable {
  return registry.onDidChangeStore((entry) => void refreshShown(registry, entry));
}

async function refreshShown(registry: StoreRegistry, entry: StoreEntry): Promise<void> {
  const panel = SpanDetailsPanel.current;
  const shown = panel?.shown;
  if (!panel || !shown || shown.storeId !== entry.id || entry.state.kind !== 'open') return;
  const store = entry.state.store;
  try {
    const [run] = (await store.findRuns(shown.run.id)).filter((r) => r.id === shown.run.id);
    // Only that span crosses from the engine, not its run (re-read on every change of a live store).
    const span = run ? await registry.query(entry, (s) => storeOp(s, 'span', [run.id, shown.span.id])) : undefined;
    if (panel.shown !== shown) return; // the user picked another span meanwhile
    if (!run || !span) {
      panel.clear('The span shown here is no longer in its store.');
      return;
    }
    panel.update({ storeId: entry.id, run, span });
  } catch {
    // The store's own error node says what went wrong; keep the last reading on show.
  }
}
