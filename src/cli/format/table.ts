import { maxOf } from '../../model/arrays';
import { clean, displayWidth } from './text';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

/**
 * Aligned columns under an upper-case header, two spaces apart; the last column
 * is not padded (it is usually the long free text: error, name). Cells are
 * cleaned so data cannot break the layout or the terminal.
 */
export function renderTable<T>(rows: readonly T[], columns: Column<T>[], indent = ''): string {
  const cells = rows.map((r) => columns.map((c) => clean(c.value(r))));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => maxOf(cells, (row) => displayWidth(row[i]!), displayWidth(h)));
  const line = (values: string[]): string =>
    indent +
    values
      .map((v, i) => {
        const last = i === values.length - 1;
        const gap = ' '.repeat(Math.max(0, widths[i]! - displayWidth(v)));
        if (columns[i]!.align === 'right') return gap + v;
        return last ? v : v + gap;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

/** `Key   value` lines with keys aligned: the run summary block. */
export function renderFields(fields: Array<[string, string]>, indent = ''): string {
  const w = maxOf(fields, ([k]) => displayWidth(k), 0);
  return fields.map(([k, v]) => `${indent}${k}${' '.repeat(w - displayWidth(k))}  ${v}`.trimEnd()).join('\n') + '\n';
}
