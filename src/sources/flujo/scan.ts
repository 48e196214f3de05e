/**
 * Flujo's bulk span scan for search (TraceStore.scanSpans): the `spans` table read in pages
 * by rowid (the event loop breathes between pages; a signal stops it), then the spans of
 * runs stored without span rows (trace tree or steps).
 */
import type { Attributes, Span } from '../../model/types';
import type { SqliteSnapshot } from '../../sqlite/snapshot';
import type { SearchDoc } from '../types';
import { errorOf } from './spans';
import { statusCache } from './status';
import { parseAttributes, secondsToMs } from './values';

const PAGE = 20_000;

function abortError(): Error {
  const e = new Error('scan cancelled');
  e.name = 'AbortError';
  return e;
}

export async function scanFlujoSpans(
  snap: SqliteSnapshot,
  hasSpans: boolean,
  spanless: () => Iterable<Span>,
  onBatch: (docs: SearchDoc[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  const status = statusCache();
  if (hasSpans) {
    let after = -Infinity;
    for (;;) {
      if (signal?.aborted) throw abortError();
      const batch: SearchDoc[] = [];
      let last = after;
      snap.each(
        'SELECT s.rowid, s.span_id, s.run_id, s.name, s.status, s.end_time - s.start_time, s.attributes FROM spans s ' +
          'WHERE s.rowid > ? ORDER BY s.rowid LIMIT ?',
        [after === -Infinity ? -9007199254740991 : after, PAGE],
        (row) => {
          last = Number(row[0]);
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
            if (err) doc.error = err.type ? `${err.type}: ${err.message}` : err.message;
          }
          batch.push(doc);
        },
      );
      if (batch.length > 0) onBatch(batch);
      if (batch.length < PAGE) break;
      after = last;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  const rest: SearchDoc[] = [];
  for (const s of spanless()) {
    const doc: SearchDoc = { runId: s.runId, spanId: s.id, name: s.name, status: s.status, attributes: s.attributes };
    if (s.durationMs !== undefined) doc.durationMs = s.durationMs;
    if (s.error) doc.error = s.error.type ? `${s.error.type}: ${s.error.message}` : s.error.message;
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
