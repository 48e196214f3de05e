/** Status → codicon + theme color, as the Testing view colors pass/fail, so users read it at a glance. */
import * as vscode from 'vscode';
import type { Status } from '../../model/types';

export function statusIcon(status: Status): vscode.ThemeIcon {
  switch (status) {
    case 'ok':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'running':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.yellow'));
    case 'paused':
      return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow'));
    default:
      return new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('testing.iconUnset'));
  }
}

export const STATUS_WORD: Record<Status, string> = {
  ok: 'passed',
  error: 'failed',
  running: 'running',
  paused: 'paused',
  unset: 'no status',
};
