import { StoreError } from '../types';
import type { PgTarget } from './connection';
import { defaultUser, serverName, whereName } from './connection';

/** What the extension's command is called: named where a password is missing or wrong. */
export const SET_PASSWORD_COMMAND = 'Spanlens: Set PostgreSQL Password';

/** The parts of a node-postgres error (DatabaseError or a socket error) this module reads. */
interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  errno?: unknown;
  cause?: unknown;
}

function fields(e: unknown): { code: string; message: string } {
  if (typeof e !== 'object' || e === null) return { code: '', message: String(e) };
  const o = e as PgErrorLike;
  let code = typeof o.code === 'string' ? o.code : '';
  const message = typeof o.message === 'string' ? o.message : String(e);
  // pg-pool wraps a timed-out connect: the socket's code sits on the cause.
  if (code === '' && typeof o.cause === 'object' && o.cause !== null) {
    const c = (o.cause as PgErrorLike).code;
    if (typeof c === 'string') code = c;
  }
  return { code, message };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'ENOENT', // a socket directory without the socket
]);

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/**
 * True when the connection (not the query) failed: the pool that produced it is
 * dropped and a fresh one made on the next call, so a server that comes back is
 * read again without reopening the store.
 */
export function isConnectionError(e: unknown): boolean {
  const { code, message } = fields(e);
  if (NETWORK_CODES.has(code) || DNS_CODES.has(code)) return true;
  // 08…: connection exceptions; 57P01-03: the server shut down or is starting.
  if (/^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (code === '') {
    return /timeout expired|timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|socket hang up/i.test(
      message,
    );
  }
  return false;
}

/** A connection that was fine and then was cut (server restart): worth one immediate retry. */
export function isStaleConnectionError(e: unknown): boolean {
  const { code, message } = fields(e);
  if (code === '57P01' || code === '57P02' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return code === '' && /Connection terminated unexpectedly/i.test(message);
}

/** pg's "column … does not exist" (42703) for the named column. */
export function isMissingColumn(e: unknown, column: string): boolean {
  const { code, message } = fields(e);
  return code === '42703' && message.includes(`"${column}"`);
}

/** The user a message names: the one in the server's own words, else the configured one. */
function userOf(message: string, t: PgTarget): string {
  const m = /for user "([^"]*)"/.exec(message);
  return m?.[1] ?? t.user ?? defaultUser() ?? 'the default user';
}

/** Removes a password from text that came from elsewhere (a driver or server message). */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 3) continue; // a one- or two-character password would mangle every word
    out = out.split(s).join('***');
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join('***');
  }
  return out.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * An error from pg → one StoreError line: the (redacted) store URL, what went wrong
 * in the user's terms, and what to do. Never the password. Undefined for errors the
 * user cannot cause (a syntax error in our own SQL): those stay bugs.
 */
export function toStoreError(e: unknown, t: PgTarget, secrets: readonly string[] = []): StoreError | undefined {
  if (e instanceof StoreError) return e;
  const id = t.redactedUrl;
  const { code, message } = fields(e);
  const server = serverName(t);
  const say = (what: string): StoreError => new StoreError(`${id}: ${scrub(what, secrets)}`, id);

  if (code === 'ECONNREFUSED' || code === 'ENOENT') {
    return say(`cannot reach PostgreSQL at ${server} (connection refused) — is the server running? Refresh to retry`);
  }
  if (DNS_CODES.has(code)) {
    return say(`cannot reach PostgreSQL at ${server}: host '${t.host}' not found — check the host name in the URL. Refresh to retry`);
  }
  if (NETWORK_CODES.has(code) || (code === '' && /timeout expired|timeout exceeded when trying to connect|connection timeout/i.test(message))) {
    return say(`cannot reach PostgreSQL at ${server} (no answer in time) — is the server running and reachable? Refresh to retry`);
  }
  if (code === '' && /Connection terminated|socket hang up/i.test(message)) {
    return say(`the connection to PostgreSQL at ${server} was cut — Refresh to retry`);
  }
  if (code === '' && /Query read timeout/i.test(message)) {
    return say(`PostgreSQL at ${server} stopped answering — Refresh to retry`);
  }
  if (code === '' && /password must be a string|no password supplied|password is not a string/i.test(message)) {
    return say(
      `PostgreSQL at ${server} asks for a password for user ${userOf(message, t)} and none is set — set it with '${SET_PASSWORD_COMMAND}' (CLI: PGPASSWORD or ~/.pgpass)`,
    );
  }
  if (code === '' && /^SASL:|SCRAM/.test(message)) {
    return say(
      `PostgreSQL at ${server} answered the password exchange (SASL) wrongly: ${message.replace(/^SASL:\s*/, '')} — check the server (or what sits between), and the password with '${SET_PASSWORD_COMMAND}'`,
    );
  }
  if (code === '' && /server does not support SSL/i.test(message)) {
    return say(`PostgreSQL at ${server} does not accept TLS — drop sslmode from the URL or set sslmode=disable`);
  }
  switch (code) {
    case '28P01':
      return say(
        `password authentication failed for user ${userOf(message, t)} — set the password with '${SET_PASSWORD_COMMAND}' (CLI: PGPASSWORD or ~/.pgpass)`,
      );
    case '28000':
      return say(`PostgreSQL at ${server} refused the connection: ${message} — check the user in the URL and the server's pg_hba.conf`);
    case '3D000':
      return say(`no database '${t.database}' on ${server} — check the database name in the URL`);
    case '42P01':
      return say(`no execution_traces table in ${whereName(t)} — is this claude-flow's database? (add ?schema=name if the table is in another schema)`);
    case '42703':
    case '42883':
      return say(`execution_traces in ${whereName(t)} is not claude-flow's (${message}) — is this claude-flow's database?`);
    case '42501':
      return say(`permission denied: ${message} — grant the user SELECT on execution_traces (Spanlens only reads)`);
    case '57014':
      return say(`the query took too long and was cancelled (statement timeout) — narrow the time window or filters and Refresh`);
    case '57P01':
    case '57P02':
    case '57P03':
      return say(`PostgreSQL at ${server} is shutting down or starting up — Refresh to retry`);
    case '53300':
      return say(`PostgreSQL at ${server} has no free connections — Refresh to retry later`);
    default:
      break;
  }
  if (/^08/.test(code)) return say(`cannot talk to PostgreSQL at ${server}: ${message} — Refresh to retry`);
  // Classes a server, its configuration or its data cause (not 42601-style mistakes in our SQL).
  if (/^(22|28|3D|3F|53|54|55|57|58|XX)/.test(code)) return say(`PostgreSQL error ${code}: ${message}`);
  // Anything else is a bug in this reader: the caller rethrows the original error.
  return undefined;
}
