/**
 * A tiny element tree: render code builds plain objects (testable without a DOM), and
 * `toDom` turns them into real nodes with createElement / setAttribute / createTextNode only.
 * Data can only ever become text or an attribute value — never markup, never a handler.
 */

export interface VElement {
  tag: Tag;
  attrs: Record<string, string>;
  children: VNode[];
}

/** A string child is text (a Text node), whatever characters it holds. */
export type VNode = VElement | string;

/** The tags the page uses; anything else is refused, so a typo can't become a script or iframe. */
export const TAGS = [
  'div', 'span', 'section', 'header', 'h1', 'h2', 'h3', 'p', 'pre', 'code', 'button', 'table',
  'thead', 'tbody', 'tr', 'th', 'td', 'dl', 'dt', 'dd', 'ol', 'ul', 'li', 'strong', 'small', 'time',
] as const;
export type Tag = (typeof TAGS)[number];
const TAG_SET: ReadonlySet<string> = new Set(TAGS);

/** Lower-case names; `on…` handlers, `style` (CSP forbids it) and URL-bearing attributes refused. */
const ATTR_NAME = /^[a-z][a-z0-9-]*$/;
const FORBIDDEN_ATTRS: ReadonlySet<string> = new Set(['style', 'href', 'src', 'srcdoc', 'action', 'formaction', 'xlink:href']);

export function isSafeAttrName(name: string): boolean {
  return ATTR_NAME.test(name) && !name.startsWith('on') && !FORBIDDEN_ATTRS.has(name);
}

export type Child = VNode | null | undefined | false | readonly Child[];
type Attrs = Record<string, string | number | boolean | null | undefined>;

/** `h('td', { class: 'value' }, text)`; boolean attrs are present when true; null/undefined/false dropped. */
export function h(tag: Tag, attrs?: Attrs | null, ...children: Child[]): VElement {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    out[k] = v === true ? '' : String(v);
  }
  const flat: VNode[] = [];
  const push = (c: Child): void => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) {
      for (const x of c as readonly Child[]) push(x);
      return;
    }
    flat.push(c as VNode);
  };
  for (const c of children) push(c);
  return { tag, attrs: out, children: flat };
}

/** The minimal slice of `Document` that toDom needs: real DOM in the page, a fake in tests. */
export interface DomFactory {
  createElement(tag: string): Element;
  createTextNode(text: string): Text;
}

export function toDom(doc: DomFactory, node: VNode): Node {
  if (typeof node === 'string') return doc.createTextNode(node);
  if (!TAG_SET.has(node.tag)) throw new Error(`vdom: tag not allowed: ${node.tag}`);
  const el = doc.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (!isSafeAttrName(name)) throw new Error(`vdom: attribute not allowed: ${name}`);
    el.setAttribute(name, value);
  }
  for (const child of node.children) el.appendChild(toDom(doc, child));
  return el;
}

// ---- helpers for tests and focus restoring (walk the tree, no DOM) ----

export function textContent(node: VNode): string {
  return typeof node === 'string' ? node : node.children.map(textContent).join('');
}

export function findAll(node: VNode, pred: (el: VElement) => boolean): VElement[] {
  if (typeof node === 'string') return [];
  const out: VElement[] = pred(node) ? [node] : [];
  for (const c of node.children) for (const found of findAll(c, pred)) out.push(found);
  return out;
}

export function find(node: VNode, pred: (el: VElement) => boolean): VElement | undefined {
  return findAll(node, pred)[0];
}
