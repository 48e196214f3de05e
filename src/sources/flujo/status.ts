import { STATUSES, type Status } from '../../model/types';

/**
 * Flujo's own status words (runs, workflow_state, spans) → the model's Status.
 * Flujo writes completed/failed/running/paused (and 'cancelled' in workflow_state,
 * 'error' on its trace_save_error span, 'unknown' on spans it could not read).
 */
const WORDS: Readonly<Record<string, Status>> = {
  completed: 'ok',
  failed: 'error',
  error: 'error',
  running: 'running',
  paused: 'paused',
};

export function normalizeStatus(raw: unknown): Status {
  if (typeof raw !== 'string') return 'unset';
  return WORDS[raw.trim().toLowerCase()] ?? 'unset';
}

/** A cached normalizer for hot loops: a store has a handful of distinct words. */
export function statusCache(): (raw: unknown) => Status {
  const seen = new Map<unknown, Status>();
  return (raw) => {
    let s = seen.get(raw);
    if (s === undefined) {
      s = normalizeStatus(raw);
      seen.set(raw, s);
    }
    return s;
  };
}

/**
 * SQL over `expr` for scans of every span: the status's index in STATUSES when its text is
 * exactly one of Flujo's words (as Flujo writes them), else the text itself (normalized in
 * JavaScript by `statusCodeCache`), NULL when it is not text (unset, as `normalizeStatus`
 * says). A number per row instead of a string to decode.
 */
export function statusCodeSql(expr: string): string {
  const arms = Object.entries(WORDS)
    .map(([word, status]) => `WHEN '${word}' THEN ${STATUSES.indexOf(status)}`)
    .join(' ');
  return `CASE WHEN typeof(${expr}) = 'text' THEN CASE ${expr} COLLATE BINARY ${arms} ELSE ${expr} END END`;
}

/** Reads `statusCodeSql`'s values back as indexes in STATUSES (text normalized once per distinct word). */
export function statusCodeCache(): (v: unknown) => number {
  const status = statusCache();
  return (v) => (typeof v === 'number' ? v : STATUSES.indexOf(status(v)));
}

/**
 * A WHERE clause matching `status` on the SQL expression `expr`, so a status
 * filter runs inside SQLite instead of over every row in JavaScript.
 */
export function statusClause(expr: string, status: Status): { sql: string; params: string[] } {
  const norm = `LOWER(TRIM(${expr}))`;
  if (status === 'unset') {
    const all = Object.keys(WORDS);
    return { sql: `(${expr} IS NULL OR ${norm} NOT IN (${all.map(() => '?').join(', ')}))`, params: all };
  }
  const words = Object.keys(WORDS).filter((w) => WORDS[w] === status);
  return { sql: `${norm} IN (${words.map(() => '?').join(', ')})`, params: words };
}
