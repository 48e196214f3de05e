import { detachedParent } from '../../analysis/tree';
import type { Trace } from '../../analysis/trace';
import { errorHeadline } from '../../model/errors';
import { originNote } from '../../model/origin';
import type { AttributeValue, Span, SpanError, SpanNode } from '../../model/types';
import { formatDuration, formatOffset } from './duration';
import { statusMark } from './status';
import { clean, displayWidth, oneLine, truncate } from './text';

/** Deeper levels are drawn at this indent with their depth noted: a 100k-deep chain must not print 100k-column lines. */
export const MAX_DRAWN_DEPTH = 64;

type Line = { cells: [string, string, string, string, string] } | { text: string };

/** `Type: message` on one line, without repeating a type the message already starts with. */
export function errorLine(error: SpanError, max = 80): string {
  return oneLine(errorHeadline(error), max);
}

/** A value as text: strings as they are (not quoted), anything else as JSON. */
export function formatValue(v: AttributeValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Attribute values on one line, `k=v k2=v2`, for event lines. */
export function compactAttributes(attrs: Record<string, AttributeValue>, max = 100): string {
  const parts = Object.entries(attrs).map(([k, v]) => `${k}=${formatValue(v)}`);
  return truncate(clean(parts.join(' ')), max);
}

/**
 * The `trace` view: a box-drawing tree (`├─ `, `└─ `) of the run's spans with
 * status, duration and start offset in aligned columns, the error's one line on
 * failed spans, events under their span, and a note where the data is odd
 * (missing parent, broken cycle) — shown, never hidden or fatal.
 */
export function renderTree(trace: Trace): string {
  const spansById = new Map<string, Span>();
  const all: SpanNode[] = [trace.root];
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    if (!(trace.root.synthetic && n === trace.root) && !spansById.has(n.id)) spansById.set(n.id, n);
    for (const c of n.children) all.push(c); // not push(...): a span may have 100k children
  }

  const lines: Line[] = [];
  // Iterative, parents first: [node, connector for its own line, prefix for its children, depth, parent]
  const stack: Array<[SpanNode, string, string, number, SpanNode | undefined]> = [[trace.root, '', '', 0, undefined]];
  while (stack.length > 0) {
    const [node, lead, childPrefix, depth, parent] = stack.pop()!;
    const isSyntheticRoot = depth === 0 && trace.root.synthetic === true;
    const notes: string[] = [];
    if (isSyntheticRoot) {
      notes.push(`run ${clean(node.id)}: ${node.children.length} top-level spans`);
    } else if (trace.root.synthetic ? depth === 1 : depth === 0) {
      // Only top-level spans can be orphans or cycle breaks; everything below hangs from its real parent.
      const detached = detachedParent(node, spansById);
      if (detached?.reason === 'missing-parent') notes.push(`parent ${clean(detached.parentId)} not in this run`);
      if (detached?.reason === 'cycle') notes.push(`parent cycle broken here (parent ${clean(detached.parentId)})`);
    }
    if (depth > MAX_DRAWN_DEPTH) notes.push(`depth ${depth}`);
    const origin = isSyntheticRoot ? undefined : originNote(node, trace.root.synthetic && parent === trace.root ? undefined : parent);
    if (origin) notes.push(`(${origin})`);
    if (node.error) notes.push(errorLine(node.error, 100));
    lines.push({
      cells: [
        `${lead}${statusMark(node.status)} ${clean(node.name)}`,
        node.status,
        formatDuration(node.durationMs),
        isSyntheticRoot ? '' : formatOffset(node.startOffsetMs),
        notes.join('  '),
      ],
    });
    const bar = node.children.length > 0 ? '│ ' : '  ';
    for (const ev of node.events) {
      const attrs = compactAttributes(ev.attributes);
      const at = ev.offsetMs !== undefined ? ` ${formatOffset(ev.offsetMs)}` : '';
      lines.push({ text: `${childPrefix}${bar}◦ ${clean(ev.name)}${at}${attrs ? `  ${attrs}` : ''}` });
    }
    const deep = depth >= MAX_DRAWN_DEPTH;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const last = i === node.children.length - 1;
      const nextPrefix = deep ? childPrefix : childPrefix + (last ? '   ' : '│  ');
      stack.push([node.children[i]!, childPrefix + (last ? '└─ ' : '├─ '), nextPrefix, depth + 1, node]);
    }
  }

  const widths = [0, 0, 0, 0];
  for (const l of lines) if ('cells' in l) for (let i = 0; i < 4; i++) widths[i] = Math.max(widths[i]!, displayWidth(l.cells[i]!));
  const pad = (s: string, w: number, right = false): string => {
    const gap = ' '.repeat(Math.max(0, w - displayWidth(s)));
    return right ? gap + s : s + gap;
  };
  return (
    lines
      .map((l) =>
        'text' in l
          ? l.text.trimEnd()
          : [pad(l.cells[0], widths[0]!), pad(l.cells[1], widths[1]!), pad(l.cells[2], widths[2]!, true), pad(l.cells[3], widths[3]!, true), l.cells[4]]
              .join('  ')
              .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
