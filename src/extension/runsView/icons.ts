/** Status → codicon + theme color, as the Testing view colors pass/fail, so users read it at a glance. */
import * as vscode from 'vscode';
import type { Status } from '../../model/types';

/** Status → codicon: the tree's icons and the `$(…)` of labels (search picker) alike. */
export const STATUS_CODICON: Record<Status, string> = {
  ok: 'pass',
  error: 'error',
  running: 'sync~spin',
  paused: 'debug-pause',
  unset: 'circle-outline',
};

const STATUS_COLOR: Record<Status, string> = {
  ok: 'testing.iconPassed',
  error: 'testing.iconFailed',
  running: 'charts.yellow',
  paused: 'charts.yellow',
  unset: 'testing.iconUnset',
};

export function statusIcon(status: Status): vscode.ThemeIcon {
  const s = Object.prototype.hasOwnProperty.call(STATUS_CODICON, status) ? status : 'unset';
  return new vscode.ThemeIcon(STATUS_CODICON[s], new vscode.ThemeColor(STATUS_COLOR[s]));
}

/** Status → the views' word (the Testing view's passed/failed). */
export const STATUS_WORD: Record<Status, string> = {
  ok: 'passed',
  error: 'failed',
  running: 'running',
  paused: 'paused',
  unset: 'no status',
};
