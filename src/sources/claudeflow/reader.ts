import pg from 'pg';
import type { Pool, QueryResultRow } from 'pg';
import type { Run, Span, SpanSummary, Status } from '../../model/types';
import { StoreError } from '../types';
import type { RunQuery, SearchDoc, SpanSummaryQuery, StoreFormat, TraceStore, WindowHidden } from '../types';
import { spanToDoc } from '../searchDoc';
import { throwIfAborted } from '../scanTurn';
import { parsePgUrl, poolConfig, redactPgUrl } from './connection';
import type { PgTarget } from './connection';
import { isConnectionError, isMissingColumn, isStaleConnectionError, toStoreError } from './errors';
import { CONTENT_VERSION, PAGE_KEY_COLUMN, PAGE_ORDER, XMIN_VERSION, afterKey, scanPages, versionMap } from './scan';
import type { KeyedRow, PageKey, VersionRow } from './scan';
import { rawStatusesFor, traceStatus } from './status';
import { buildSpans, metadataAttributes, toMs } from './steps';
import { windowCount } from '../countRuns';

export interface ClaudeFlowOptions {
  /**
   * The password, from wherever the caller keeps it (the extension: SecretStorage).
   * Wins over one in the URL; without either, pg falls back to PGPASSWORD / ~/.pgpass.
   */
  password?: string;
  /**
   * Runs (and span summaries) start at or after this epoch-ms time unless a query says
   * otherwise. Default: the last DEFAULT_WINDOW_DAYS days, counted at each call.
   */
  sinceMs?: number;
  /** How long to wait for a connection. Default 5000. */
  connectTimeoutMs?: number;
  /** The server cancels a statement after this long. Default 30000. */
  statementTimeoutMs?: number;
}

/** claude-flow's own query_by_skill looks back 30 days by default; so does this reader. */
export const DEFAULT_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** findRuns by a part of an id reads at most this many matches (newest first). */
export const MAX_PARTIAL_MATCHES = 1000;

/**
 * A pg Client that closes its socket when connecting fails. pg-pool forgets such a client
 * without ending it, and pg leaves the socket open after an error it raises itself (SCRAM
 * asked for and no password set, a SASL reply it cannot use): the process then waited for
 * the server to hang up, 60 s, before it could exit.
 */
type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

class ClosingClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: ConnectCallback): void;
  override connect(given?: ConnectCallback): Promise<pg.Client> | void {
    const callback = given as ((err: Error | null, c?: pg.Client) => void) | undefined;
    const close = (): void => {
      this.connection.stream.destroy();
    };
    if (!callback) {
      return super.connect().catch((e: unknown) => {
        close();
        throw e;
      });
    }
    super.connect((err: Error | null) => {
      if (err) {
        close();
        callback(err);
      } else {
        callback(null, this);
      }
    });
  }
}

/**
 * Opens claude-flow's `execution_traces` table (PostgreSQL) as a TraceStore.
 *
 * `url` is `postgres://user@host:port/db?schema=S`; `id` is what the store is called
 * (Run.store) — any password in either is dropped from the id and every message.
 * The connection is checked, and the table and its columns with it, before this
 * resolves; a failure is one StoreError line. Every query is read-only, filtered,
 * ordered and limited in the database.
 */
export async function openClaudeFlowStore(url: string, id: string = url, options: ClaudeFlowOptions = {}): Promise<TraceStore> {
  const target = parsePgUrl(url);
  const store = new ClaudeFlowStore(redactPgUrl(id), target, options);
  try {
    await store.probe();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/**
 * Columns of a run row. `steps` is never read for a list: it is counted in the database.
 *
 * Both times are TIMESTAMP without a zone. started_at is the tracer's
 * `datetime.utcnow().isoformat()`: UTC, so its epoch is read as is. completed_at is the
 * INSERT's NOW() turned into the writing session's zone, which is the server's TimeZone
 * unless the writer changed it: read in the server's zone (this session keeps it). It is
 * only a fallback for the duration; total_duration_ms comes first.
 */
const RUN_COLUMNS = `trace_id::text AS trace_id, skill_name::text AS skill_name, status::text AS status,
  (EXTRACT(EPOCH FROM started_at) * 1000)::float8 AS start_ms,
  (EXTRACT(EPOCH FROM (completed_at AT TIME ZONE current_setting('TimeZone'))) * 1000)::float8 AS end_ms,
  total_duration_ms, error_message::text AS error_message, metadata,
  CASE WHEN jsonb_typeof(steps) = 'array' THEN jsonb_array_length(steps) ELSE 0 END AS step_count,
  CASE WHEN error_message IS NULL AND status IN ('failed', 'timeout') AND jsonb_typeof(steps) = 'array' THEN
    (SELECT e->>'error_message' FROM jsonb_array_elements(steps) AS e
      WHERE jsonb_typeof(e) = 'object' AND jsonb_typeof(e->'error_message') = 'string' LIMIT 1)
  END AS step_error`;

/**
 * A slim copy of the steps for span summaries, built in the database: only the keys
 * that give a step its name, status and times travel, never its other (large) values.
 */
const SLIM_STEPS = `CASE WHEN jsonb_typeof(steps) = 'array' THEN
  (SELECT jsonb_agg(CASE WHEN jsonb_typeof(e) = 'object' THEN jsonb_build_object(
      'name', e->'name', 'step', e->'step', 'step_name', e->'step_name', 'status', e->'status',
      'duration_ms', e->'duration_ms', 'timestamp', e->'timestamp', 'started_at', e->'started_at',
      'completed_at', e->'completed_at', 'ended_at', e->'ended_at')
    ELSE e END ORDER BY n)
   FROM jsonb_array_elements(steps) WITH ORDINALITY AS x(e, n))
END AS steps`;

interface RunRow extends QueryResultRow {
  trace_id: string;
  skill_name: string | null;
  status: string | null;
  start_ms: number | null;
  end_ms: number | null;
  total_duration_ms: number | null;
  error_message: string | null;
  metadata: unknown;
  step_count: number;
  step_error: string | null;
}

interface StepsRow extends RunRow {
  steps: unknown;
}

type ScanRow = StepsRow & KeyedRow;

interface Filter {
  /** Undefined: any age. */
  sinceMs?: number;
  pipeline?: string;
  status?: Status;
}

class ClaudeFlowStore implements TraceStore {
  readonly format: StoreFormat = 'claude-flow';
  private pool: Pool | undefined;
  private closed = false;
  private readonly secrets: string[];
  /** False once the table turned out to have no `xmin` (a view): versions are then read from the row's content. */
  private hasXmin = true;

  constructor(
    readonly id: string,
    private readonly target: PgTarget,
    private readonly options: ClaudeFlowOptions,
  ) {
    this.secrets = [options.password, target.password].filter((s): s is string => typeof s === 'string' && s !== '');
  }

  /** Connects and reads no row: the table, its columns and the right to read them, or a clear error. */
  async probe(): Promise<void> {
    await this.query(
      'SELECT trace_id, skill_name, started_at, completed_at, total_duration_ms, status, steps, error_message, metadata ' +
        'FROM execution_traces LIMIT 0',
      [],
    );
  }

  async listRuns(query: RunQuery = {}): Promise<Run[]> {
    const params: unknown[] = [];
    const where = this.runWhere(query, params);
    let sql = `SELECT ${RUN_COLUMNS} FROM execution_traces WHERE ${where} ORDER BY started_at DESC, trace_id::text DESC`;
    if (query.limit !== undefined) {
      params.push(Math.max(0, Math.floor(query.limit)));
      sql += ` LIMIT $${params.length}`;
    }
    if (query.offset) {
      params.push(Math.max(0, Math.floor(query.offset)));
      sql += ` OFFSET $${params.length}`;
    }
    const rows = await this.query<RunRow>(sql, params);
    return rows.map((r) => this.toRun(r));
  }

  /** listRuns(query).length: the same WHERE, counted by the server. */
  async countRuns(query: RunQuery = {}): Promise<number> {
    const params: unknown[] = [];
    const where = this.runWhere(query, params);
    const rows = await this.query<{ n: string }>(`SELECT COUNT(*) AS n FROM execution_traces WHERE ${where}`, params);
    // As listRuns pages: LIMIT max(0, ⌊limit⌋), OFFSET max(0, ⌊offset⌋).
    const offset = query.offset ? Math.max(0, Math.floor(query.offset)) : 0;
    const limit = query.limit === undefined ? undefined : Math.max(0, Math.floor(query.limit));
    return windowCount(Number(rows[0]?.n ?? 0), offset, limit);
  }

  /** The WHERE of listRuns and countRuns: the default window unless told, the filters, the ids. */
  private runWhere(query: RunQuery, params: unknown[]): string {
    const sinceMs = query.sinceMs ?? (query.anyAge ? undefined : this.defaultSince());
    let where = this.where({ sinceMs, pipeline: query.pipeline, status: query.status }, params);
    if (query.ids) {
      params.push([...query.ids]);
      where += ` AND trace_id::text = ANY($${params.length}::text[])`;
    }
    return where;
  }

  async hiddenByWindow(query: RunQuery = {}): Promise<WindowHidden> {
    const sinceMs = this.defaultSince();
    const params: unknown[] = [];
    let where = this.where({ pipeline: query.pipeline, status: query.status }, params);
    params.push(new Date(sinceMs).toISOString());
    where += ` AND started_at < ($${params.length}::timestamptz AT TIME ZONE 'UTC')`;
    const rows = await this.query<{ n: string; oldest: string | null }>(
      `SELECT COUNT(*) AS n, EXTRACT(EPOCH FROM MIN(started_at) AT TIME ZONE 'UTC') * 1000 AS oldest FROM execution_traces WHERE ${where}`,
      params,
    );
    const days = this.options.sinceMs === undefined ? DEFAULT_WINDOW_DAYS : Math.round(((Date.now() - sinceMs) / DAY_MS) * 10) / 10;
    const out: WindowHidden = { count: Number(rows[0]?.n ?? 0), sinceMs, days };
    const oldest = Number(rows[0]?.oldest ?? NaN);
    if (Number.isFinite(oldest)) out.oldestMs = oldest;
    return out;
  }

  async findRuns(partial: string): Promise<Run[]> {
    const p = partial.trim();
    if (p === '') return [];
    // Any age: an id someone pasted may be older than the list's window.
    const exact = await this.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM execution_traces WHERE trace_id::text = $1 ORDER BY started_at DESC`,
      [p],
    );
    if (exact.length > 0) return exact.map((r) => this.toRun(r));
    // '%' and '_' the user typed are text, not wildcards.
    const pattern = `%${p.replace(/[!%_]/g, (c) => `!${c}`)}%`;
    const rows = await this.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM execution_traces WHERE trace_id::text ILIKE $1 ESCAPE '!' ` +
        `ORDER BY started_at DESC, trace_id::text DESC LIMIT ${MAX_PARTIAL_MATCHES}`,
      [pattern],
    );
    return rows.map((r) => this.toRun(r));
  }

  async getSpans(runId: string): Promise<Span[]> {
    const rows = await this.query<StepsRow>(
      `SELECT ${RUN_COLUMNS}, steps FROM execution_traces WHERE trace_id::text = $1 ORDER BY started_at DESC LIMIT 1`,
      [runId],
    );
    const row = rows[0];
    if (!row) throw new StoreError(`${this.id}: no run with id '${runId}' — list the runs to see which ids exist`, this.id);
    return buildSpans(this.toRun(row), row.steps);
  }

  async spanSummaries(query: SpanSummaryQuery = {}): Promise<SpanSummary[]> {
    const params: unknown[] = [];
    const where = this.where({ sinceMs: query.sinceMs ?? this.defaultSince(), pipeline: query.pipeline }, params);
    const rows = await this.query<StepsRow>(
      `SELECT ${RUN_COLUMNS}, ${SLIM_STEPS} FROM execution_traces WHERE ${where} ORDER BY started_at DESC, trace_id::text DESC`,
      params,
    );
    const out: SpanSummary[] = [];
    for (const row of rows) {
      // The same spans getSpans builds (root included, same durations), without their attributes.
      for (const s of buildSpans(this.toRun(row, false), row.steps)) {
        const summary: SpanSummary = { runId: s.runId, name: s.name, status: s.status };
        if (s.durationMs !== undefined) summary.durationMs = s.durationMs;
        out.push(summary);
      }
    }
    return out;
  }

  /**
   * The spans of the runs listRuns() lists (its default window), as search docs: rows read in
   * primary-key order, a page at a time, each page starting after the last one's key (the
   * key's index serves it; OFFSET would read every earlier row again).
   */
  async scanSpans(onBatch: (docs: SearchDoc[]) => void, signal?: AbortSignal, runIds?: ReadonlySet<string>): Promise<void> {
    // One cut-off for every page: a window sliding during the scan would drop or add rows between pages.
    const sinceMs = this.defaultSince();
    const ids = runIds ? [...runIds] : undefined;
    throwIfAborted(signal);
    if (ids?.length === 0) return;
    const toDocs = (row: ScanRow): SearchDoc[] => {
      const run = this.toRun(row);
      return buildSpans(run, row.steps).map((s) => spanToDoc(run, s));
    };
    await scanPages((after) => this.scanPage(sinceMs, ids, after), toDocs, onBatch, signal);
  }

  private scanPage(sinceMs: number, ids: string[] | undefined, after: PageKey | undefined): Promise<ScanRow[]> {
    const params: unknown[] = [];
    let where = this.where({ sinceMs }, params);
    if (ids) {
      params.push(ids);
      where += ` AND trace_id::text = ANY($${params.length}::text[])`;
    }
    if (after) {
      params.push(after.traceId, after.startedAt);
      where += ` AND ${afterKey(params.length - 1, params.length)}`;
    }
    return this.query<ScanRow>(
      `SELECT ${RUN_COLUMNS}, steps, ${PAGE_KEY_COLUMN} FROM execution_traces WHERE ${where} ${PAGE_ORDER}`,
      params,
    );
  }

  /** Run id → version for the runs listRuns() lists: one query, no steps read (see XMIN_VERSION). */
  async runVersions(): Promise<Map<string, string>> {
    const params: unknown[] = [];
    const where = this.where({ sinceMs: this.defaultSince() }, params);
    const read = (expr: string, keep?: (e: unknown) => boolean): Promise<VersionRow[]> =>
      this.query<VersionRow>(`SELECT trace_id::text AS trace_id, ${expr} AS version FROM execution_traces WHERE ${where}`, params, keep);
    if (this.hasXmin) {
      try {
        return versionMap(await read(XMIN_VERSION, (e) => isMissingColumn(e, 'xmin')));
      } catch (e) {
        if (!isMissingColumn(e, 'xmin')) throw e;
        this.hasXmin = false;
      }
    }
    return versionMap(await read(CONTENT_VERSION));
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.end().catch(() => undefined);
  }

  private defaultSince(): number {
    return this.options.sinceMs ?? Date.now() - DEFAULT_WINDOW_DAYS * DAY_MS;
  }

  /**
   * The WHERE of a run query, its values appended to `params`. `started_at` holds UTC
   * wall-clock time without a zone (claude-flow writes `datetime.utcnow()`), so the
   * cut-off is compared as UTC too; kept a bare column so the partitions are pruned.
   */
  private where(f: Filter, params: unknown[]): string {
    const conds: string[] = [];
    if (f.sinceMs !== undefined) {
      params.push(new Date(f.sinceMs).toISOString());
      conds.push(`started_at >= ($${params.length}::timestamptz AT TIME ZONE 'UTC')`);
    }
    if (f.pipeline !== undefined) {
      params.push(f.pipeline);
      conds.push(`skill_name::text = $${params.length}`);
    }
    if (f.status !== undefined) {
      const words = rawStatusesFor(f.status);
      if (f.status === 'unset') {
        const all = rawStatusesFor('ok').concat(rawStatusesFor('error'), rawStatusesFor('running'));
        params.push(all);
        conds.push(`(status IS NULL OR status::text <> ALL($${params.length}::text[]))`);
      } else if (words.length === 0) {
        conds.push('FALSE');
      } else {
        params.push(words);
        conds.push(`status::text = ANY($${params.length}::text[])`);
      }
    }
    return conds.length > 0 ? conds.join(' AND ') : 'TRUE';
  }

  private toRun(r: RunRow, withAttributes = true): Run {
    const rawStatus = r.status ?? '';
    const status = traceStatus(r.status);
    const run: Run = {
      id: r.trace_id,
      store: this.id,
      name: r.skill_name ?? '',
      status,
      rawStatus,
      // The root span and one per step, as getSpans returns them.
      spanCount: Number(r.step_count ?? 0) + 1,
      attributes: withAttributes ? metadataAttributes(r.metadata) : {},
    };
    if (r.start_ms !== null && Number.isFinite(r.start_ms)) run.startMs = r.start_ms;
    const total = toMs(r.total_duration_ms);
    if (total !== undefined && total >= 0) {
      run.durationMs = total;
    } else if (r.end_ms !== null && run.startMs !== undefined && r.end_ms >= run.startMs) {
      run.durationMs = r.end_ms - run.startMs;
    }
    const error = r.error_message ?? r.step_error ?? (rawStatus === 'timeout' ? 'timed out' : undefined);
    if (error !== undefined && error !== null && status === 'error') run.error = error;
    return run;
  }

  private getPool(): Pool {
    if (this.closed) throw new StoreError(`${this.id}: this store was closed — open it again`, this.id);
    if (!this.pool) {
      const pool = new pg.Pool({
        ...poolConfig(this.target, {
          password: this.options.password,
          connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: this.options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
        }),
        Client: ClosingClient,
      });
      // An idle connection the server drops (restart, idle timeout) is reported here; without a
      // listener it would crash the process. pg-pool discards that client; the next query connects anew.
      pool.on('error', () => undefined);
      this.pool = pool;
    }
    return this.pool;
  }

  /** A pool whose connections failed is ended and forgotten: the next call builds a fresh one. */
  private drop(pool: Pool): void {
    if (this.pool === pool) this.pool = undefined;
    void pool.end().catch(() => undefined);
  }

  /** `raw`: errors the caller handles itself, thrown as pg gave them. */
  private async query<R extends QueryResultRow>(sql: string, params: unknown[], raw?: (e: unknown) => boolean): Promise<R[]> {
    for (let attempt = 0; ; attempt++) {
      const pool = this.getPool();
      try {
        const res = await pool.query<R>(sql, params);
        return res.rows;
      } catch (e) {
        if (isConnectionError(e)) this.drop(pool);
        // A connection cut under us (the server restarted): once more on a fresh one.
        if (attempt === 0 && isStaleConnectionError(e) && !this.closed) continue;
        if (raw?.(e)) throw e;
        throw toStoreError(e, this.target, this.secrets) ?? e;
      }
    }
  }
}
