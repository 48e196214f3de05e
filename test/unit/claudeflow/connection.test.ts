import { describe, expect, it } from 'vitest';
import { isPostgresUrl, parsePgUrl, passwordSecretKey, poolConfig, quoteIdent, redactPgUrl } from '../../../src/sources/claudeflow/connection';
import { StoreError } from '../../../src/sources/types';

describe('postgres:// URLs', () => {
  it('recognizes both schemes in any case', () => {
    expect(isPostgresUrl('postgres://h/db')).toBe(true);
    expect(isPostgresUrl(' PostgreSQL://h/db')).toBe(true);
    expect(isPostgresUrl('mysql://h/db')).toBe(false);
    expect(isPostgresUrl('/tmp/postgres://x')).toBe(false);
  });

  it('reads user, password, host, port, database, schema, search_path and sslmode', () => {
    expect(parsePgUrl('postgres://cfn:p%40ss%3Aw0rd@db.example.com:6543/cfn_workflow?schema=traces&sslmode=require')).toEqual({
      scheme: 'postgres',
      host: 'db.example.com',
      port: 6543,
      database: 'cfn_workflow',
      user: 'cfn',
      password: 'p@ss:w0rd',
      schema: 'traces',
      sslmode: 'require',
      redactedUrl: 'postgres://cfn@db.example.com:6543/cfn_workflow?schema=traces&sslmode=require',
    });
    expect(parsePgUrl('postgresql://localhost/x?search_path=a,public')).toMatchObject({
      scheme: 'postgresql',
      host: 'localhost',
      port: 5432,
      database: 'x',
      searchPath: 'a,public',
    });
    expect(parsePgUrl('postgres://u@[::1]:5433/d')).toMatchObject({ host: '::1', port: 5433, user: 'u' });
    expect(parsePgUrl('postgres:///cfn?host=/var/run/postgresql')).toMatchObject({ host: '/var/run/postgresql', database: 'cfn' });
    // No database: libpq's default, the user name.
    expect(parsePgUrl('postgres://alice@h')).toMatchObject({ database: 'alice' });
    expect(parsePgUrl('postgres://h/db?password=from-query')).toMatchObject({ password: 'from-query', redactedUrl: 'postgres://h/db' });
  });

  it('rejects a bad port or a malformed URL with one line that does not show the password', () => {
    expect(() => parsePgUrl('postgres://u:secretpw@h:99999/db')).toThrow(StoreError);
    expect(() => parsePgUrl('postgres://u:secretpw@h:99999/db')).toThrow(/^postgres:\/\/u@h:99999\/db: /);
    try {
      parsePgUrl('postgres://u:secretpw@h:99999/db');
    } catch (e) {
      expect((e as Error).message).not.toContain('secretpw');
    }
    expect(() => parsePgUrl('postgres://u:secretpw@[bad/db')).toThrow(/^postgres:\/\/u@\[bad\/db: not a valid PostgreSQL URL/);
  });

  it('redacts a password wherever a URL carries one, and leaves other text alone', () => {
    expect(redactPgUrl('postgres://u:pw@h:1/db')).toBe('postgres://u@h:1/db');
    expect(redactPgUrl('postgres://u:p@w@h/db')).toBe('postgres://u@h/db');
    expect(redactPgUrl('postgres://u@h/db?sslmode=require&password=pw&schema=s')).toBe('postgres://u@h/db?sslmode=require&schema=s');
    expect(redactPgUrl('postgres://u@h/db?PassWord=pw')).toBe('postgres://u@h/db');
    expect(redactPgUrl('postgres://h/db')).toBe('postgres://h/db');
    expect(redactPgUrl('/some/flujo_ops.db')).toBe('/some/flujo_ops.db');
  });
});

describe('pool settings', () => {
  it('read-only, two connections, timeouts, application_name, the schema as search_path', () => {
    const c = poolConfig(parsePgUrl('postgres://u:url-pw@h:5/db?schema=my schema'), { connectTimeoutMs: 5000, statementTimeoutMs: 30000 });
    expect(c).toMatchObject({
      host: 'h',
      port: 5,
      database: 'db',
      user: 'u',
      password: 'url-pw',
      max: 2,
      connectionTimeoutMillis: 5000,
      statement_timeout: 30000,
      application_name: 'spanlens',
    });
    expect(c.options).toBe('-c default_transaction_read_only=on -c search_path="my\\ schema"');
    expect(c.ssl).toBeUndefined();
  });

  it('the password option wins over the URL; none leaves pg its PGPASSWORD / ~/.pgpass fallback', () => {
    const t = parsePgUrl('postgres://u:url-pw@h/db');
    expect(poolConfig(t, { password: 'secret', connectTimeoutMs: 1, statementTimeoutMs: 1 }).password).toBe('secret');
    expect('password' in poolConfig(parsePgUrl('postgres://u@h/db'), { connectTimeoutMs: 1, statementTimeoutMs: 1 })).toBe(false);
  });

  it('sslmode as libpq means it', () => {
    const ssl = (mode: string) => poolConfig(parsePgUrl(`postgres://h/db?sslmode=${mode}`), { connectTimeoutMs: 1, statementTimeoutMs: 1 }).ssl;
    expect(ssl('require')).toEqual({ rejectUnauthorized: false });
    expect(ssl('verify-full')).toBe(true);
    expect(ssl('verify-ca')).toBe(true);
    expect(ssl('disable')).toBeUndefined();
    expect(ssl('prefer')).toBeUndefined();
  });

  it('quotes identifiers', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});

describe('passwordSecretKey', () => {
  it('one key per user and server, whatever the database, schema or a password in the URL', () => {
    expect(passwordSecretKey('postgres://cfn:pw@db.internal/cfn?schema=a')).toBe('spanlens.postgres.password:cfn@db.internal:5432');
    expect(passwordSecretKey('postgresql://cfn@db.internal:5432/other')).toBe('spanlens.postgres.password:cfn@db.internal:5432');
    expect(passwordSecretKey('postgres://cfn@[::1]:6000/x')).toBe('spanlens.postgres.password:cfn@[::1]:6000');
  });
});
