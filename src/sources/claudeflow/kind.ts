import type { StoreKind } from '../kind';
import { openClaudeFlowStore } from './reader';

/** claude-flow's `execution_traces` in PostgreSQL: named by a postgres:// URL, never found in files. */
export const claudeFlowKind: StoreKind = {
  format: 'claude-flow',
  label: 'claude-flow (PostgreSQL)',
  discovery: { globs: [], names: [], folders: [] },
  changes: 'server',
  incremental: false,
  cost: { spansPerRunQuery: true },
  open: (target, options) => openClaudeFlowStore(target, target, options.password === undefined ? {} : { password: options.password }),
};
