import { durationClockNote } from '../../model/format';
import type { Run } from '../../model/types';
import { formatCount, formatDuration, formatTime } from '../format/duration';
import { statusLabel } from '../format/status';
import { renderFields, renderTable } from '../format/table';
import { clean, oneLine, truncate } from '../format/text';
import { formatValue } from '../format/tree';

/** The runs table of `list` and `get`. Full ids: they are what the user copies into the next command. */
export function runsTable(runs: readonly Run[]): string {
  return renderTable(runs, [
    { header: 'run id', value: (r) => r.id },
    { header: 'pipeline', value: (r) => truncate(clean(r.name), 40) },
    { header: 'status', value: (r) => statusLabel(r.status) },
    { header: 'started', value: (r) => formatTime(r.startMs) },
    { header: 'duration', value: (r) => formatDuration(r.durationMs), align: 'right' },
    { header: 'spans', value: (r) => formatCount(r.spanCount), align: 'right' },
    { header: 'error', value: (r) => (r.error ? oneLine(r.error, 60) : '') },
  ]);
}

/** `1.6s (root span; run record 1.62s)`: the duration and which clock it is read from. */
function durationField(run: Run): string {
  const note = durationClockNote(run, 'compact');
  return note ? `${formatDuration(run.durationMs)} (${note})` : formatDuration(run.durationMs);
}

/** The run summary block of `get`, `show` and `trace`. */
export function runFields(run: Run, opts: { attributes?: boolean } = {}): string {
  const fields: Array<[string, string]> = [
    ['Run', clean(run.id)],
    ['Pipeline', clean(run.name)],
    ['Status', statusLabel(run.status, run.rawStatus, true)],
    ['Started', formatTime(run.startMs)],
    ['Duration', durationField(run)],
    ['Spans', formatCount(run.spanCount)],
  ];
  if (run.error) fields.push(['Error', oneLine(run.error, 120)]);
  if (opts.attributes && Object.keys(run.attributes).length > 0) {
    fields.push(['Attributes', '']);
    for (const [k, v] of Object.entries(run.attributes)) fields.push([`  ${clean(k)}`, truncate(clean(formatValue(v)), 120)]);
  }
  fields.push(['Store', clean(run.store)]);
  return renderFields(fields);
}
