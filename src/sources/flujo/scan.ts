/**
 * Flujo's bulk span scan for search (TraceStore.scanSpans): the `spans` table read in pages
 * by rowid (the event loop breathes between pages; a signal stops it), or with `runIds` just
 * those runs' rows, then the spans of runs stored without span rows (trace tree or steps).
 */
import { errorText } from '../../model/errors';
import type { Attributes, Span } from '../../model/types';
import type { SqliteSnapshot } from '../../sqlite/snapshot';
import { nextTurn, throwIfAborted } from '../scanTurn';
import type { SearchDoc } from '../types';
import { errorOf } from './spans';
import { statusCache } from './status';
import { parseAttributes, secondsToMs } from './values';

/** Spans per page: about 50 ms of the extension host's time each. */
const PAGE = 5_000;

const COLUMNS = 'SELECT s.rowid, s.span_id, s.run_id, s.name, s.status, s.end_time - s.start_time, s.attributes FROM spans s ';

/** Ids per `IN (…)` list: well under SQLite's bound-parameter limit. */
const ID_CHUNK = 500;

export async function scanFlujoSpans(
  snap: SqliteSnapshot,
  hasSpans: boolean,
  spanless: (runIds?: readonly string[]) => Iterable<Span>,
  onBatch: (docs: SearchDoc[]) => void,
  signal?: AbortSignal,
  runIds?: ReadonlySet<string>,
): Promise<void> {
  const status = statusCache();
  const toDoc = (row: unknown[]): SearchDoc => {
    const attributes = fastAttributes(row[6]);
    const doc: SearchDoc = {
      runId: String(row[2] ?? ''),
      spanId: String(row[1] ?? ''),
      name: row[3] === null || row[3] === undefined ? '' : String(row[3]),
      status: status(row[4]),
      attributes,
    };
    const d = row[5];
    if (typeof d === 'number') doc.durationMs = secondsToMs(d);
    if (doc.status === 'error') {
      const err = errorOf(attributes);
      if (err) doc.error = errorText(err);
    }
    return doc;
  };
  const ids = runIds ? [...runIds] : undefined;
  if (hasSpans && ids) {
    // A few changed runs (search keeping its index up to date): idx_spans_run_id finds them.
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      throwIfAborted(signal);
      const part = ids.slice(i, i + ID_CHUNK);
      const batch: SearchDoc[] = [];
      snap.each(`${COLUMNS}WHERE s.run_id IN (${part.map(() => '?').join(', ')}) ORDER BY s.rowid`, part, (row) =>
        batch.push(toDoc(row)),
      );
      if (batch.length > 0) onBatch(batch);
      await nextTurn();
    }
  } else if (hasSpans) {
    let after = -Infinity;
    for (;;) {
      throwIfAborted(signal);
      const batch: SearchDoc[] = [];
      let last = after;
      snap.each(
        `${COLUMNS}WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?`,
        [after === -Infinity ? -9007199254740991 : after, PAGE],
        (row) => {
          last = Number(row[0]);
          batch.push(toDoc(row));
        },
      );
      if (batch.length > 0) onBatch(batch);
      if (batch.length < PAGE) break;
      after = last;
      await nextTurn();
    }
  }
  throwIfAborted(signal);
  const rest: SearchDoc[] = [];
  for (const s of spanless(ids)) {
    const doc: SearchDoc = { runId: s.runId, spanId: s.id, name: s.name, status: s.status, attributes: s.attributes };
    if (s.durationMs !== undefined) doc.durationMs = s.durationMs;
    if (s.error) doc.error = errorText(s.error);
    rest.push(doc);
  }
  if (rest.length > 0) onBatch(rest);
}

/** JSON attributes as they are (JSON values are attribute values); anything else as parseAttributes reads it. */
function fastAttributes(v: unknown): Attributes {
  if (typeof v === 'string' && v.charCodeAt(0) === 123 /* { */) {
    try {
      const o: unknown = JSON.parse(v);
      if (typeof o === 'object' && o !== null && !Array.isArray(o)) return o as Attributes;
    } catch {
      // fall through
    }
  }
  return parseAttributes(v);
}
