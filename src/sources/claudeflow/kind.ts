import type { StoreKind } from '../kind';
import { openClaudeFlowStore, type ClaudeFlowOptions } from './reader';

/** claude-flow's `execution_traces` in PostgreSQL: named by a postgres:// URL, never found in files. */
export const claudeFlowKind: StoreKind = {
  format: 'claude-flow',
  label: 'claude-flow (PostgreSQL)',
  discovery: { globs: [], names: [], folders: [] },
  changes: 'server',
  incremental: false,
  cost: { spansPerRunQuery: true },
  open: (target, options) => {
    const o: ClaudeFlowOptions = {};
    if (options.password !== undefined) o.password = options.password;
    if (options.sinceMs !== undefined) o.sinceMs = options.sinceMs;
    return openClaudeFlowStore(target, options.id ?? target, o);
  },
};
