import * as os from 'os';
import type { PoolConfig } from 'pg';
import { StoreError } from '../types';

/**
 * Where a claude-flow store lives, read from a `postgres://` URL:
 *
 *   postgres://user[:password]@host[:port]/database?schema=S
 *
 * `schema=S` (or `search_path=a,b`, as libpq spells it in `options`) selects where
 * `execution_traces` is looked up; `sslmode=disable|prefer|require|verify-ca|verify-full`
 * and `host=/path/to/socket/dir` are understood as libpq does. A password in the URL
 * (or `?password=`) is accepted for the CLI but never shown: `redactedUrl` drops it.
 */
export interface PgTarget {
  scheme: 'postgres' | 'postgresql';
  /** Host name, IP, or a socket directory (starts with '/'). */
  host: string;
  port: number;
  database: string;
  /** Undefined: pg's default (PGUSER, else the OS user). */
  user?: string;
  /** From the URL only; `openClaudeFlowStore`'s `password` option wins over it. */
  password?: string;
  /** `schema=` as given (unquoted name). */
  schema?: string;
  /** `search_path=` as given (a libpq list, quoted names allowed). */
  searchPath?: string;
  sslmode?: string;
  /** The URL without its password: the store id and what every message names. */
  redactedUrl: string;
}

const SCHEMES = /^(postgres|postgresql):\/\//i;

/** True for `postgres://…` and `postgresql://…` (any case). */
export function isPostgresUrl(target: string): boolean {
  return SCHEMES.test(target.trim());
}

/** Query parameters that are ours or libpq's; any other is kept in the id and otherwise ignored. */
const PASSWORD_PARAMS = new Set(['password']);

export function parsePgUrl(raw: string): PgTarget {
  const text = raw.trim();
  const m = SCHEMES.exec(text);
  if (!m) throw new StoreError(`${redactPgUrl(text)}: not a postgres:// URL`, redactPgUrl(text));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const id = redactPgUrl(text);
    throw new StoreError(
      `${id}: not a valid PostgreSQL URL — write postgres://user@host:5432/database (add ?schema=name for another schema)`,
      id,
    );
  }
  const scheme = m[1]!.toLowerCase() as PgTarget['scheme'];
  const params = url.searchParams;
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const user = url.username !== '' ? decode(url.username) : (params.get('user') ?? undefined);
  const password = url.password !== '' ? decode(url.password) : (params.get('password') ?? undefined);
  let host = url.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = decode(host);
  const socketHost = params.get('host');
  if (socketHost) host = socketHost;
  if (host === '') host = 'localhost';
  const portText = url.port !== '' ? url.port : params.get('port');
  const port = portText ? Number(portText) : 5432;
  const path = decode(url.pathname.replace(/^\//, ''));
  const database = path !== '' ? path : (params.get('dbname') ?? user ?? 'postgres');
  const schema = params.get('schema') ?? params.get('currentSchema') ?? undefined;
  const searchPath = params.get('search_path') ?? undefined;
  const sslmode = params.get('sslmode') ?? undefined;
  const target: PgTarget = { scheme, host, port, database, redactedUrl: redactPgUrl(text) };
  if (user !== undefined && user !== '') target.user = user;
  if (password !== undefined && password !== '') target.password = password;
  if (schema !== undefined && schema !== '') target.schema = schema;
  if (searchPath !== undefined && searchPath !== '') target.searchPath = searchPath;
  if (sslmode !== undefined && sslmode !== '') target.sslmode = sslmode;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new StoreError(`${target.redactedUrl}: bad port '${portText ?? ''}' — a number from 1 to 65535`, target.redactedUrl);
  }
  return target;
}

/**
 * The URL with any password removed (userinfo and `?password=`); other text is
 * returned as it is. Used for every store id and message, so a password typed
 * into the CLI never reaches a terminal, a log or the sidebar.
 */
export function redactPgUrl(text: string): string {
  const t = text.trim();
  if (!SCHEMES.test(t)) return text;
  // Not through URL(): it would re-encode what the user wrote. Userinfo ends at the last '@'
  // before the path; the password is what follows the first ':' in it.
  const schemeEnd = t.indexOf('://') + 3;
  const pathStart = (() => {
    const i = t.slice(schemeEnd).search(/[/?#]/);
    return i < 0 ? t.length : schemeEnd + i;
  })();
  let authority = t.slice(schemeEnd, pathStart);
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) authority = `${userinfo.slice(0, colon)}${authority.slice(at)}`;
  }
  let rest = t.slice(pathStart);
  const q = rest.indexOf('?');
  if (q >= 0) {
    const hash = rest.indexOf('#', q);
    const query = rest.slice(q + 1, hash < 0 ? undefined : hash);
    const kept = query
      .split('&')
      .filter((kv) => kv !== '' && !PASSWORD_PARAMS.has(decodeSafe(kv.split('=')[0] ?? '').toLowerCase()));
    rest = rest.slice(0, q) + (kept.length > 0 ? `?${kept.join('&')}` : '') + (hash < 0 ? '' : rest.slice(hash));
  }
  return t.slice(0, schemeEnd) + authority + rest;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * The SecretStorage key under which the extension keeps the password for a URL:
 * one per user and server (a role's password is the server's, whatever the database or
 * schema), so every connection of that user to that server shares it.
 * `spanlens.postgres.password:cfn_reader@db.internal:5432`.
 */
export function passwordSecretKey(url: string | PgTarget): string {
  const t = typeof url === 'string' ? parsePgUrl(url) : url;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `spanlens.postgres.password:${t.user ?? defaultUser() ?? ''}@${host}:${t.port}`;
}

/** `"name"` with inner quotes doubled: an identifier PostgreSQL takes literally. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `host:port` (or the socket directory) as a message names the server. */
export function serverName(t: PgTarget): string {
  return t.host.startsWith('/') ? `${t.host} (socket, port ${t.port})` : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/** `database/schema` as a message names where the table was looked for. */
export function whereName(t: PgTarget): string {
  return `${t.database}/${t.schema ?? t.searchPath ?? 'public'}`;
}

/** A value inside libpq's `options` string: spaces and backslashes escaped. */
function optionValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
}

export interface PoolSettings {
  password?: string;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

/**
 * pg.Pool settings for a read-only reader: two connections at most, every transaction
 * read-only (default_transaction_read_only, set at connection start-up, so no extra
 * round trip and nothing to forget), a statement timeout, and the session named
 * `spanlens` in pg_stat_activity. The session keeps the server's TimeZone: claude-flow's
 * completed_at is the writer's NOW() in that zone (see reader.ts).
 */
export function poolConfig(t: PgTarget, s: PoolSettings): PoolConfig {
  const opts = ['-c default_transaction_read_only=on'];
  const path = t.schema !== undefined ? quoteIdent(t.schema) : t.searchPath;
  if (path !== undefined) opts.push(`-c search_path=${optionValue(path)}`);
  const config: PoolConfig = {
    host: t.host,
    port: t.port,
    database: t.database,
    max: 2,
    connectionTimeoutMillis: s.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    statement_timeout: s.statementTimeoutMs,
    // A server that stops answering mid-query: give up a little after the server would have.
    query_timeout: s.statementTimeoutMs + s.connectTimeoutMs,
    application_name: 'spanlens',
    options: opts.join(' '),
  };
  const user = t.user ?? defaultUser();
  if (user !== undefined) config.user = user;
  const password = s.password ?? t.password;
  if (password !== undefined) config.password = password;
  const sslmode = t.sslmode?.toLowerCase();
  // libpq's require encrypts without checking the certificate; verify-* check it.
  // disable/allow/prefer: plain (pg cannot fall back from TLS the way libpq's prefer does).
  if (sslmode === 'require') config.ssl = { rejectUnauthorized: false };
  else if (sslmode === 'verify-ca' || sslmode === 'verify-full') config.ssl = true;
  return config;
}

/** libpq's default user: PGUSER, else the operating-system user (pg alone reads only $USER). */
export function defaultUser(): string | undefined {
  const env = process.env.PGUSER || process.env.USER || process.env.USERNAME;
  if (env) return env;
  try {
    return os.userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
