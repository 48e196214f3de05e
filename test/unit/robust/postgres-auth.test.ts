import { describe, expect, it } from 'vitest';
import { openClaudeFlowStore } from '../../../src/sources/claudeflow/reader';
import { StoreError } from '../../../src/sources/types';
import { fakePasswordServer, type FakeServer } from '../claudeflow/fake-pg';

/** Resolves when `srv` holds no client connection any more; rejects after `ms`. */
async function allClosed(srv: FakeServer, ms: number): Promise<number> {
  const t0 = Date.now();
  while (srv.openSockets() > 0) {
    if (Date.now() - t0 > ms) throw new Error(`${srv.openSockets()} connection(s) still open after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

async function openFails(url: string, password?: string): Promise<StoreError> {
  const e = await openClaudeFlowStore(url, url, password === undefined ? {} : { password }).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

describe('PostgreSQL password exchanges that fail end the attempt at once', () => {
  // pg-pool drops a client whose connect failed without closing its socket: the process then
  // waited for the server to hang up (60 s in the CLI) before it could exit.
  it('SCRAM asked for, no password set: one line, and the connection is closed right away', async () => {
    const srv = await fakePasswordServer('scram');
    try {
      const err = await openFails(`postgres://cfn@127.0.0.1:${srv.port}/cfn`);
      expect(err.message).toMatch(/asks for a password for user cfn and none is set/);
      await allClosed(srv, 1000);
    } finally {
      await srv.close();
    }
  });

  it('a wrong password against a broken SCRAM reply: a clear line naming the exchange, not an internal error', async () => {
    const srv = await fakePasswordServer('scram-bad');
    try {
      const url = `postgres://cfn@127.0.0.1:${srv.port}/cfn`;
      const err = await openFails(url, 'not-the-password');
      expect(err.message).toMatch(new RegExp(`^${url.replace(/[.?*+^$()[\]\\/]/g, '\\$&')}: PostgreSQL at 127\\.0\\.0\\.1:${srv.port} answered the password exchange \\(SASL\\) wrongly`));
      expect(err.message).not.toContain('not-the-password');
      expect(err.message.split('\n')).toHaveLength(1);
      await allClosed(srv, 1000);
    } finally {
      await srv.close();
    }
  });

  it('a wrong password (server says 28P01): the connection does not linger either', async () => {
    const srv = await fakePasswordServer('cleartext');
    try {
      const err = await openFails(`postgres://cfn@127.0.0.1:${srv.port}/cfn`, 'nope-nope');
      expect(err.message).toMatch(/password authentication failed for user cfn/);
      await allClosed(srv, 1000);
    } finally {
      await srv.close();
    }
  });
});
