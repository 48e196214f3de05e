/**
 * The model as JSON, as `spanlens … --json` prints it and the extension exports it.
 */
import type { SpanNode } from './types';
import { JSON_UNSAFE_CHARS } from './unsafeChars';
import { walkTree } from './walk';

// DEL, C1 (U+009B is a CSI to some terminals), line separators and bidi controls are legal
// unescaped in JSON; escaped they mean the same and cannot act on a terminal.

export function escapeUnsafe(json: string): string {
  return json.replace(JSON_UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Pretty JSON for --json. Values are exactly the model's; only the escaping differs. */
export function toJson(value: unknown): string {
  return escapeUnsafe(JSON.stringify(value, null, 2)) + '\n';
}

/** Beyond this nesting, pretty-printing grows quadratically and JSON.stringify overflows the stack. */
const MAX_PRETTY_DEPTH = 200;

/**
 * A span tree as JSON, safe at any depth: pretty up to MAX_PRETTY_DEPTH, compact
 * and built without recursion beyond it (a hostile store can nest 100k spans).
 */
export function treeToJson(value: { run: unknown; root: SpanNode }): string {
  let depth = 0;
  walkTree([value.root], (_n, d) => {
    if (d > depth) depth = d;
  });
  if (depth <= MAX_PRETTY_DEPTH) return toJson(value);
  const parts: string[] = [`{"run":${JSON.stringify(value.run)},"root":`];
  const stack: Array<SpanNode | string> = ['}', value.root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    const { children, ...rest } = item;
    const head = JSON.stringify(rest);
    parts.push(`${head.slice(0, -1)}${head === '{}' ? '' : ','}"children":[`);
    stack.push(']}');
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push(children[i]!);
      if (i > 0) stack.push(',');
    }
  }
  return escapeUnsafe(parts.join('')) + '\n';
}

