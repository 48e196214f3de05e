import * as os from 'os';
import * as path from 'path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePgUrl, poolConfig } from '../../../src/sources/claudeflow/connection';
import { toStoreError } from '../../../src/sources/claudeflow/errors';
import { openClaudeFlowStore } from '../../../src/sources/claudeflow/reader';
import { openStore } from '../../../src/sources/open';
import { StoreError, type TraceStore } from '../../../src/sources/types';
import {
  adminQuery,
  createClaudeFlowDatabase,
  createEmptyDatabase,
  SERVER_TIMEZONE,
  type ClaudeFlowFixture,
} from '../../fixtures/claudeflow';
import { fakePasswordServer, silentServer, tcpProxy } from './fake-pg';

/**
 * Bad input, each one clear StoreError line naming the store (password removed) and
 * what to do; the store recovers when the server does; other stores are unaffected.
 */
let fx: ClaudeFlowFixture;
let empty: { url: string; database: string; drop(): Promise<void> };
const SECRET = 'S3cret-Pa55word';

beforeAll(async () => {
  // No password from the environment or a ~/.pgpass may leak into these tests.
  delete process.env.PGPASSWORD;
  process.env.PGPASSFILE = path.join(os.tmpdir(), 'spanlens-no-such-pgpass');
  [fx, empty] = await Promise.all([createClaudeFlowDatabase(), createEmptyDatabase()]);
});

afterAll(async () => {
  await Promise.all([fx?.drop(), empty?.drop()]);
});

async function openError(url: string, options: Parameters<typeof openClaudeFlowStore>[2] = {}): Promise<StoreError> {
  const e = await openClaudeFlowStore(url, url, options).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreError);
  const err = e as StoreError;
  expect(err.message).not.toContain(SECRET);
  expect(err.message).not.toContain('\n');
  expect(err.store).not.toContain(SECRET);
  return err;
}

describe('an unreachable server', () => {
  it('says it cannot reach host:port, names the URL without its password, and says Refresh retries', async () => {
    const err = await openError(`postgres://cfn:${SECRET}@127.0.0.1:1/cfn?schema=x`);
    expect(err.message).toBe(
      'postgres://cfn@127.0.0.1:1/cfn?schema=x: cannot reach PostgreSQL at 127.0.0.1:1 (connection refused) — is the server running? Refresh to retry',
    );
    expect(err.store).toBe('postgres://cfn@127.0.0.1:1/cfn?schema=x');
    // The same through openStore (detection), with the password as an option.
    const viaOpen = await openStore('postgresql://cfn@127.0.0.1:1/cfn', { password: SECRET }).catch((e: unknown) => e);
    expect((viaOpen as Error).message).toMatch(/^postgresql:\/\/cfn@127\.0\.0\.1:1\/cfn: cannot reach PostgreSQL at 127\.0\.0\.1:1/);
  });

  it('gives up after connectTimeoutMs on a server that never answers', async () => {
    const srv = await silentServer();
    try {
      const t0 = Date.now();
      const err = await openError(`postgres://cfn@127.0.0.1:${srv.port}/cfn`, { connectTimeoutMs: 300, password: SECRET });
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(err.message).toBe(
        `postgres://cfn@127.0.0.1:${srv.port}/cfn: cannot reach PostgreSQL at 127.0.0.1:${srv.port} (no answer in time) — is the server running and reachable? Refresh to retry`,
      );
    } finally {
      await srv.close();
    }
  });

  it('names a host that does not resolve', async () => {
    const err = await openError('postgres://cfn@no-such-host.invalid:5432/cfn', { connectTimeoutMs: 3000 });
    expect(err.message).toMatch(/cannot reach PostgreSQL at no-such-host\.invalid:5432: host 'no-such-host\.invalid' not found/);
  });
});

describe('passwords', () => {
  // The test server trusts 127.0.0.1, so it never asks for one: a stand-in that does
  // (test/unit/claudeflow/fake-pg.ts) answers as PostgreSQL answers a wrong password.
  it('a wrong password: one line naming the user and the Set PostgreSQL Password command', async () => {
    const srv = await fakePasswordServer('cleartext');
    try {
      const url = `postgres://cfn_reader:url-password@127.0.0.1:${srv.port}/cfn`;
      const e = await openClaudeFlowStore(url, url, { password: SECRET }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StoreError);
      const msg = (e as Error).message;
      expect(msg).toBe(
        `postgres://cfn_reader@127.0.0.1:${srv.port}/cfn: password authentication failed for user cfn_reader — ` +
          `set the password with 'Spanlens: Set PostgreSQL Password' (CLI: PGPASSWORD or ~/.pgpass)`,
      );
      expect(msg).not.toContain(SECRET);
      expect(msg).not.toContain('url-password');
      // The password option (SecretStorage) wins over one in the URL, and reaches the server.
      expect(srv.received).toEqual([SECRET]);
      expect(srv.users).toEqual(['cfn_reader']);
    } finally {
      await srv.close();
    }
  });

  it('the URL\'s password is used when no option gives one (the CLI)', async () => {
    const srv = await fakePasswordServer('cleartext');
    try {
      const err = await openError(`postgres://cfn:${SECRET}@127.0.0.1:${srv.port}/cfn`);
      expect(err.message).toMatch(/password authentication failed for user cfn/);
      expect(srv.received).toEqual([SECRET]);
    } finally {
      await srv.close();
    }
  });

  it('the same for SCRAM-SHA-256 (PostgreSQL 15\'s default)', async () => {
    const srv = await fakePasswordServer('scram');
    try {
      const err = await openError(`postgres://cfn@127.0.0.1:${srv.port}/cfn`, { password: SECRET });
      expect(err.message).toMatch(/: password authentication failed for user cfn — set the password with 'Spanlens: Set PostgreSQL Password'/);
      expect(srv.received).toEqual(['SCRAM-SHA-256']);
    } finally {
      await srv.close();
    }
  });

  it('no password at all where the server asks for one', async () => {
    // Cleartext: pg sends an empty password, which the server rejects.
    const clear = await fakePasswordServer('cleartext');
    try {
      const err = await openError(`postgres://cfn@127.0.0.1:${clear.port}/cfn`);
      expect(err.message).toMatch(/: password authentication failed for user cfn — set the password with 'Spanlens: Set PostgreSQL Password'/);
      expect(clear.received).toEqual(['']);
    } finally {
      await clear.close();
    }
    // SCRAM: pg itself stops at the server's first message ("client password must be a string").
    const scram = await fakePasswordServer('scram');
    try {
      const err = await openError(`postgres://cfn@127.0.0.1:${scram.port}/cfn`);
      expect(err.message).toBe(
        `postgres://cfn@127.0.0.1:${scram.port}/cfn: PostgreSQL at 127.0.0.1:${scram.port} asks for a password for user cfn and none is set — ` +
          `set it with 'Spanlens: Set PostgreSQL Password' (CLI: PGPASSWORD or ~/.pgpass)`,
      );
    } finally {
      await scram.close();
    }
  });
});

describe('the wrong database or table', () => {
  it('a missing database', async () => {
    const url = `postgres://postgres:${SECRET}@127.0.0.1:5432/spanlens_no_such_db`;
    const err = await openError(url);
    expect(err.message).toBe(
      `postgres://postgres@127.0.0.1:5432/spanlens_no_such_db: no database 'spanlens_no_such_db' on 127.0.0.1:5432 — check the database name in the URL`,
    );
  });

  it('a database without execution_traces', async () => {
    const err = await openError(empty.url);
    expect(err.message).toBe(
      `${empty.url}: no execution_traces table in ${empty.database}/public — is this claude-flow's database? (add ?schema=name if the table is in another schema)`,
    );
    const inSchema = await openError(`${empty.url}?schema=nowhere`);
    expect(inSchema.message).toMatch(new RegExp(`no execution_traces table in ${empty.database}/nowhere — `));
  });

  it('an execution_traces table that is not claude-flow\'s', async () => {
    // claude-flow-novice's other tracing migration (008) has start_time, not started_at.
    await adminQuery('CREATE SCHEMA other; CREATE TABLE other.execution_traces (trace_id uuid, skill_name text, start_time timestamp)', [], empty.url);
    const err = await openError(`${empty.url}?schema=other`);
    expect(err.message).toMatch(/execution_traces in spanlens_test_\w+\/other is not claude-flow's \(column "\w+" does not exist\) — is this claude-flow's database\?/);
  });

  it('a user without the right to read the table', async () => {
    const role = `spanlens_noread_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    try {
      const url = fx.url.replace('postgres@', `${role}:${SECRET}@`);
      const err = await openError(url);
      expect(err.message).toBe(
        `${fx.url.replace('postgres@', `${role}@`)}: permission denied: permission denied for table execution_traces — grant the user SELECT on execution_traces (Spanlens only reads)`,
      );
    } finally {
      await adminQuery(`DROP ROLE ${role}`);
    }
  });
});

describe('recovery and isolation', () => {
  it('a store whose server goes away says so, and reads again once it is back; other stores are unaffected', async () => {
    const proxy = await tcpProxy('127.0.0.1', 5432);
    const viaProxy = fx.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`);
    let flaky: TraceStore | undefined;
    let direct: TraceStore | undefined;
    try {
      flaky = await openClaudeFlowStore(viaProxy, viaProxy, { connectTimeoutMs: 1000 });
      direct = await openClaudeFlowStore(fx.url);
      const before = await flaky.listRuns({ limit: 5 });
      expect(before.length).toBe(5);

      await proxy.stop();
      const down = await flaky.listRuns({ limit: 5 }).catch((e: unknown) => e);
      expect(down).toBeInstanceOf(StoreError);
      expect((down as Error).message).toMatch(
        new RegExp(`^postgres://postgres@127\\.0\\.0\\.1:${proxy.port}/${fx.database}: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${proxy.port} .*Refresh to retry$`),
      );
      await expect(flaky.getSpans(before[0]!.id)).rejects.toThrow(/cannot reach PostgreSQL/);
      // Another store on the same server is not touched by it.
      expect((await direct.listRuns({ limit: 5 })).map((r) => r.id)).toEqual(before.map((r) => r.id));

      await proxy.start();
      expect((await flaky.listRuns({ limit: 5 })).map((r) => r.id)).toEqual(before.map((r) => r.id));
      expect((await flaky.getSpans(before[0]!.id)).length).toBe(before[0]!.spanCount);
    } finally {
      await flaky?.close();
      await direct?.close();
      await proxy.stop();
    }
  });

  it('a server restart under an idle connection is retried once, unseen', async () => {
    const proxy = await tcpProxy('127.0.0.1', 5432);
    const viaProxy = fx.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`);
    const s = await openClaudeFlowStore(viaProxy);
    try {
      await s.listRuns({ limit: 1 });
      // Cut the pooled connection and come straight back: the next call must just work.
      await proxy.stop();
      await proxy.start();
      expect((await s.listRuns({ limit: 2 })).length).toBe(2);
    } finally {
      await s.close();
      await proxy.stop();
    }
  });

  it('a closed store says so', async () => {
    const s = await openClaudeFlowStore(fx.url);
    await s.close();
    await expect(s.listRuns()).rejects.toThrow(`${fx.url}: this store was closed — open it again`);
  });
});

describe('read-only sessions and errors from a real server', () => {
  it('every session spanlens opens refuses to write', async () => {
    const pool = new pg.Pool(poolConfig(parsePgUrl(fx.url), { connectTimeoutMs: 5000, statementTimeoutMs: 5000 }));
    try {
      const err = await pool.query(`DELETE FROM execution_traces`).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '25006' }); // read_only_sql_transaction
      const count = await adminQuery('SELECT count(*)::int AS n FROM execution_traces', [], fx.url);
      expect(count.rows[0].n).toBe(fx.traces.length);
      const settings = await pool.query(
        `SELECT current_setting('default_transaction_read_only') AS ro, current_setting('TimeZone') AS tz, current_setting('application_name') AS app`,
      );
      // The server's own zone is kept: completed_at is read in it.
      expect(settings.rows[0]).toEqual({ ro: 'on', tz: SERVER_TIMEZONE, app: 'spanlens' });
    } finally {
      await pool.end();
    }
  });

  it('maps a statement timeout, and leaves our own SQL mistakes as bugs', async () => {
    const target = parsePgUrl(fx.url);
    const pool = new pg.Pool(poolConfig(target, { connectTimeoutMs: 5000, statementTimeoutMs: 50 }));
    try {
      const slow = await pool.query('SELECT pg_sleep(2)').catch((e: unknown) => e);
      expect(slow).toMatchObject({ code: '57014' });
      expect(toStoreError(slow, target)?.message).toBe(
        `${fx.url}: the query took too long and was cancelled (statement timeout) — narrow the time window or filters and Refresh`,
      );
      const syntax = await pool.query('SELEC 1').catch((e: unknown) => e);
      expect(syntax).toMatchObject({ code: '42601' });
      expect(toStoreError(syntax, target)).toBeUndefined();
    } finally {
      await pool.end();
    }
  });
});
