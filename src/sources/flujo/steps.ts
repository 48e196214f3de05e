import type { Attributes } from '../../model/types';
import type { SqliteSnapshot } from '../../sqlite/snapshot';
import type { StepsShape } from './schema';
import type { RawSpan } from './spans';
import { SOURCE_KEY } from './traceData';
import { errorFromFeedback, parseJsonLoose, parseWallClock, toAttributeValue, toNumber } from './values';

/**
 * A run's `steps` rows → flat raw spans (one per step, no parents), for runs Flujo
 * stored without a trace. Current rows only have `created_at` (written when the step
 * finished) and, in practice, no duration (Flujo passes `duration_ms` where the
 * column is `execution_time_ms`): a step is taken to start when the one before it
 * ended, the first when the run started. Legacy rows have start/end/duration.
 */
export function readStepSpans(snap: SqliteSnapshot, shape: StepsShape, runId: string, runStartMs?: number): RawSpan[] {
  const c = shape.columns;
  const pick = (name: string): string => (c.has(name) ? name : 'NULL');
  const cols = [
    c.has('id') ? 'id' : c.has('step_run_id') ? 'step_run_id' : 'rowid',
    'step_name',
    pick('step_index'),
    pick('status'),
    pick('start_time'),
    pick('end_time'),
    c.has('execution_time_ms') ? 'execution_time_ms' : pick('duration_ms'),
    pick('created_at'),
    c.has('cost_usd') ? 'cost_usd' : pick('cost'),
    c.has('token_counts') ? 'token_counts' : pick('tokens'),
    c.has('output') ? 'output' : pick('output_blob'),
    pick('error_blob'),
  ];
  const rows: unknown[][] = [];
  snap.each(
    `SELECT ${cols.join(', ')} FROM steps WHERE run_id = ? ORDER BY ${c.has('step_index') ? 'step_index, ' : ''}rowid`,
    [runId],
    (row) => rows.push(row),
  );
  const out: RawSpan[] = [];
  let prevEnd = runStartMs;
  const used = new Set<string>();
  for (const [rowId, name, index, status, startText, endText, durMs, createdAt, cost, tokens, output, errorBlob] of rows) {
    const duration = toNumber(durMs);
    let end = parseWallClock(shape.legacy ? endText : createdAt) ?? parseWallClock(createdAt);
    let start = parseWallClock(startText);
    if (start === undefined && end !== undefined) start = duration !== undefined ? end - duration : (prevEnd ?? end);
    if (end === undefined && start !== undefined && duration !== undefined) end = start + duration;
    if (end !== undefined) prevEnd = end;

    const attributes: Attributes = { [SOURCE_KEY]: 'steps' };
    if (index !== null && index !== undefined) attributes['step_index'] = toAttributeValue(index);
    if (cost !== null && cost !== undefined) attributes['cost_usd'] = toAttributeValue(cost);
    if (tokens !== null && tokens !== undefined) attributes['token_counts'] = toAttributeValue(tokens);
    if (output !== null && output !== undefined) attributes['output'] = parseJsonLoose(output);
    const errValue = errorBlob === null || errorBlob === undefined ? undefined : parseJsonLoose(errorBlob);
    if (errValue !== undefined && errValue !== null) attributes['feedback'] = errValue;

    let id = `step-${index ?? rowId}`;
    if (used.has(id)) id = `step-${index ?? ''}-${String(rowId)}`;
    used.add(id);
    const raw: RawSpan = {
      id,
      parentId: null,
      name: String(name ?? ''),
      rawStatus: String(status ?? ''),
      startMs: start,
      endMs: end,
      attributes,
      events: [],
    };
    if (typeof errValue === 'string' && errValue.trim() !== '') raw.error = errorFromFeedback(errValue);
    out.push(raw);
  }
  return out;
}
