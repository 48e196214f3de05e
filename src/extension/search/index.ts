/** Search Traces: the background indexes and the picker (src/analysis/search is the engine). */
import type * as vscode from 'vscode';
import { SearchIndexManager } from './indexManager';
import { registerSearch, type SearchContext } from './searchPicker';

export function registerSearchFeatures(ctx: Omit<SearchContext, 'indexes'>): vscode.Disposable[] {
  const indexes = new SearchIndexManager(ctx.registry);
  return [indexes, ...registerSearch({ ...ctx, indexes })];
}
