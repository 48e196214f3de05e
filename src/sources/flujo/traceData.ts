import type { SpanEvent } from '../../model/types';
import type { RawSpan } from './spans';
import { isPlainObject, toAttributes, toAttributeValue, toNumber } from './values';

// Marks spans rebuilt from a trace tree or steps rows rather than read from `spans`.
export { SOURCE_KEY } from '../../model/origin';
import { SOURCE_KEY } from '../../model/origin';

/** Flujo stops extracting a tree deeper than this (sqlite_trace._extract_spans_from_tree). */
const MAX_DEPTH = 100;

/**
 * A `traces.trace_data` / `trace_json` text → raw spans. The tree is what
 * StateManager._convert_trace_to_dict writes: {span_id, name, start_time, end_time,
 * status, attributes, events, children}. The parent is the node holding a child,
 * as Flujo itself reads it. Text that does not parse yields no spans.
 */
export function rawFromTraceText(text: unknown): RawSpan[] {
  if (typeof text !== 'string') return [];
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return [];
  }
  const out: RawSpan[] = [];
  const stack: Array<{ node: unknown; parent: string | null; depth: number }> = [{ node: root, parent: null, depth: 0 }];
  let n = 0;
  while (stack.length > 0) {
    const { node, parent, depth } = stack.pop()!;
    if (!isPlainObject(node) || depth > MAX_DEPTH) continue;
    n++;
    const id = node['span_id'] === undefined || node['span_id'] === null ? `trace-${n}` : String(node['span_id']);
    const start = toNumber(node['start_time']);
    const end = toNumber(node['end_time']);
    const attrs = isPlainObject(node['attributes']) ? toAttributes(node['attributes']) : {};
    out.push({
      id,
      parentId: parent,
      name: typeof node['name'] === 'string' ? node['name'] : String(node['name'] ?? ''),
      rawStatus: typeof node['status'] === 'string' ? node['status'] : '',
      startMs: start === undefined ? undefined : start * 1000,
      endMs: end === undefined ? undefined : end * 1000,
      attributes: { ...attrs, [SOURCE_KEY]: 'traces' },
      events: eventsOf(node['events']),
    });
    const children = Array.isArray(node['children']) ? node['children'] : [];
    // Reversed onto the stack so the tree comes out in preorder, as Flujo stores it.
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], parent: id, depth: depth + 1 });
  }
  return out;
}

/** Trace-tree events carry a name and attributes; Flujo records no time for them. */
function eventsOf(v: unknown): SpanEvent[] {
  if (!Array.isArray(v)) return [];
  const out: SpanEvent[] = [];
  for (const e of v) {
    if (!isPlainObject(e)) continue;
    const ev: SpanEvent = {
      name: String(e['name'] ?? ''),
      attributes: isPlainObject(e['attributes']) ? toAttributes(e['attributes']) : {},
    };
    if (e['attributes'] !== undefined && !isPlainObject(e['attributes'])) ev.attributes = { value: toAttributeValue(e['attributes']) };
    out.push(ev);
  }
  return out;
}
