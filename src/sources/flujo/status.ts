import type { Status } from '../../model/types';

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
