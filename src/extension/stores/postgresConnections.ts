/**
 * claude-flow stores in PostgreSQL, as the user configures them: `spanlens.postgres.connections`
 * (`[{name, url, sinceDays?}]`), each a store in the Runs view. The password is never in settings:
 * it is kept in VS Code's SecretStorage under `passwordSecretKey(url)` (one per user and server),
 * set with "Spanlens: Set PostgreSQL Password…". A URL in settings that carries a password is
 * used without it, and the user is told once.
 */
import * as vscode from 'vscode';
import { isPostgresUrl, parsePgUrl, passwordSecretKey, redactPgUrl } from '../../sources/claudeflow/connection';
import { StoreError, type TraceStore } from '../../sources/types';
import type { OpenSpec } from '../../worker/protocol';
import { log } from '../log';

export const CONNECTIONS_SETTING = 'spanlens.postgres.connections';
export const SET_POSTGRES_PASSWORD_COMMAND = 'spanlens.setPostgresPassword';
export const ADD_POSTGRES_CONNECTION_COMMAND = 'spanlens.addPostgresConnection';
export const OPEN_POSTGRES_SETTINGS_COMMAND = 'spanlens.openPostgresSettings';

const DAY_MS = 86_400_000;

export interface PostgresConnection {
  name: string;
  /** The configured URL without any password: also the store's id. */
  url: string;
  /** Runs of the last this many days (the reader's default: 30). */
  sinceDays?: number;
  /** The setting's URL carried a password, which is ignored. */
  hadPassword: boolean;
  /** Why this entry cannot be used as written; shown on its store node. */
  problem?: string;
}

/** The store id of a connection: its URL without password (or a stand-in when the URL is not one). */
export function connectionStoreId(c: Pick<PostgresConnection, 'name' | 'url' | 'problem'>): string {
  return c.problem === undefined ? c.url : `postgres-setting:${c.name}`;
}

/** The configured connections, in settings order; the first of two with the same URL wins. */
export function readPostgresConnections(): PostgresConnection[] {
  const raw = vscode.workspace.getConfiguration('spanlens').get<unknown>('postgres.connections');
  if (!Array.isArray(raw)) return [];
  const out: PostgresConnection[] = [];
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const o = item as Record<string, unknown>;
    const url = typeof o.url === 'string' ? o.url.trim() : '';
    const given = typeof o.name === 'string' ? o.name.trim() : '';
    const c: PostgresConnection = { name: given, url: '', hadPassword: false };
    if (!isPostgresUrl(url)) {
      c.name = given || `connection ${i + 1}`;
      c.url = url;
      c.problem = `'url' must be a postgres://user@host:5432/database URL${url ? ` (is '${url.replace(/:[^:@/]*@/, ':***@')}')` : ''} — fix it in settings (${CONNECTIONS_SETTING})`;
    } else {
      c.url = redactPgUrl(url);
      try {
        const t = parsePgUrl(url);
        c.hadPassword = t.password !== undefined;
        c.name = given || t.database;
      } catch (e) {
        c.name = given || `connection ${i + 1}`;
        c.problem = e instanceof Error ? e.message.replace(`${c.url}: `, '') : String(e);
      }
    }
    if (typeof o.sinceDays === 'number' && Number.isFinite(o.sinceDays) && o.sinceDays > 0) c.sinceDays = o.sinceDays;
    const id = connectionStoreId(c);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(c);
  });
  return out;
}

const warned = new Set<string>();

/** Tells the user, once per session and connection, that the password in a settings URL is ignored. */
export function warnPasswordInSettings(c: PostgresConnection): void {
  const id = connectionStoreId(c);
  if (!c.hadPassword || warned.has(id)) return;
  warned.add(id);
  log().warn(`The URL of PostgreSQL connection '${c.name}' (${c.url}) in settings contains a password; it is ignored.`);
  void vscode.window
    .showWarningMessage(
      `Spanlens: the URL of PostgreSQL connection '${c.name}' in settings contains a password. Spanlens ignores it: settings are plain text. ` +
        'Remove it from the URL and keep it in VS Code’s Secret Storage instead.',
      'Set Password…',
      'Open Settings',
    )
    .then((pick) => {
      if (pick === 'Set Password…') void vscode.commands.executeCommand(SET_POSTGRES_PASSWORD_COMMAND, id);
      else if (pick === 'Open Settings') void vscode.commands.executeCommand(OPEN_POSTGRES_SETTINGS_COMMAND);
    });
}

/** The SecretStorage key of a connection's password, or undefined when its URL cannot be read. */
export function secretKeyOf(c: PostgresConnection): string | undefined {
  if (c.problem !== undefined) return undefined;
  try {
    return passwordSecretKey(c.url);
  } catch {
    return undefined;
  }
}

/** `cfn_reader@db.internal:5432`: whose password the key holds, for prompts. */
export function passwordOwner(c: PostgresConnection): string {
  const key = secretKeyOf(c);
  return key ? key.slice(key.indexOf(':') + 1) : c.url;
}

/**
 * Opens a connection's store with its password from SecretStorage (never from settings), through
 * `open` (the engine's worker: worker/client.ts), which detects the format from the URL.
 */
export async function openPostgresStore(
  c: PostgresConnection,
  id: string,
  secrets: vscode.SecretStorage | undefined,
  open: (spec: OpenSpec) => Promise<TraceStore>,
): Promise<TraceStore> {
  if (c.problem !== undefined) throw new StoreError(`${id}: ${c.problem}`, id);
  const spec: OpenSpec = { target: c.url, id };
  const key = secretKeyOf(c);
  if (secrets && key) {
    const password = await secrets.get(key);
    if (password) spec.password = password;
  }
  if (c.sinceDays !== undefined) spec.sinceMs = Date.now() - c.sinceDays * DAY_MS;
  return open(spec);
}

/** `127.0.0.1:5432/traces`: where a connection points, for the store node's description. */
export function connectionDescription(c: PostgresConnection): string {
  if (c.problem !== undefined) return 'PostgreSQL';
  try {
    const t = parsePgUrl(c.url);
    const host = t.host.includes(':') ? `[${t.host}]` : t.host;
    return `${host}:${t.port}/${t.database}${t.schema ? `?schema=${t.schema}` : ''}`;
  } catch {
    return c.url;
  }
}

/** Whether a store's error asks for a password (missing or wrong): its node offers to set one. */
export function isPasswordError(message: string): boolean {
  return /password/i.test(message);
}
