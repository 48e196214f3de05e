/**
 * Markdown in LLM messages shown as text structure: paragraphs, headings, lists, quotes, code
 * blocks, `code` and **bold** spans — built as elements with text children, never parsed as
 * HTML (a `<script>` in a message is the text "<script>"). Line-based, no backtracking.
 */
import { h, type VElement, type VNode } from './vdom';

export type MdBlock =
  | { kind: 'p'; text: string }
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'quote'; text: string }
  | { kind: 'code'; lang: string; text: string };

/** `- x`, `* x`, `+ x` → [false, 'x']; `12. x` / `12) x` → [true, 'x']; else undefined. */
function listItem(line: string): [boolean, string] | undefined {
  const t = line.trimStart();
  const c = t[0];
  if ((c === '-' || c === '*' || c === '+') && t[1] === ' ') return [false, t.slice(2)];
  let i = 0;
  while (i < t.length && i < 9 && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  if (i > 0 && (t[i] === '.' || t[i] === ')') && t[i + 1] === ' ') return [true, t.slice(i + 2)];
  return undefined;
}

function heading(line: string): [number, string] | undefined {
  let n = 0;
  while (n < line.length && n < 7 && line[n] === '#') n++;
  if (n === 0 || n > 6 || line[n] !== ' ') return undefined;
  return [n, line.slice(n + 1).trim()];
}

export function parseMarkdown(text: string): MdBlock[] {
  const lines = text.split('\n');
  const out: MdBlock[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) out.push({ kind: 'p', text: para.join('\n') });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trimStart();
    if (trimmed.startsWith('```')) {
      flush();
      const lang = trimmed.slice(3).trim();
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith('```')) body.push(lines[i++]!);
      out.push({ kind: 'code', lang, text: body.join('\n') });
      continue;
    }
    if (trimmed === '') {
      flush();
      continue;
    }
    const hd = heading(trimmed);
    if (hd) {
      flush();
      out.push({ kind: 'heading', level: hd[0], text: hd[1] });
      continue;
    }
    const li = listItem(line);
    if (li) {
      flush();
      const last = out[out.length - 1];
      if (last && last.kind === 'list' && last.ordered === li[0] && (lines[i - 1] ?? '').trim() !== '') last.items.push(li[1]);
      else out.push({ kind: 'list', ordered: li[0], items: [li[1]] });
      continue;
    }
    if (trimmed.startsWith('>')) {
      flush();
      const q = trimmed.slice(1).trimStart();
      const last = out[out.length - 1];
      if (last && last.kind === 'quote') last.text += `\n${q}`;
      else out.push({ kind: 'quote', text: q });
      continue;
    }
    para.push(line);
  }
  flush();
  return out;
}

/** `code` and **bold** spans of one block's text, as elements; the rest as text. */
export function inline(text: string): VNode[] {
  const out: VNode[] = [];
  let i = 0;
  let plain = '';
  while (i < text.length) {
    if (text[i] === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        if (plain) out.push(plain);
        plain = '';
        out.push(h('code', null, text.slice(i + 1, end)));
        i = end + 1;
        continue;
      }
    } else if (text[i] === '*' && text[i + 1] === '*') {
      const end = text.indexOf('**', i + 2);
      if (end > i + 2) {
        if (plain) out.push(plain);
        plain = '';
        out.push(h('strong', null, text.slice(i + 2, end)));
        i = end + 2;
        continue;
      }
    }
    plain += text[i];
    i++;
  }
  if (plain) out.push(plain);
  return out;
}

export function renderMarkdown(text: string): VElement {
  return h(
    'div',
    { class: 'md' },
    parseMarkdown(text).map((b): VElement => {
      switch (b.kind) {
        case 'p':
          return h('p', { class: 'md-p' }, inline(b.text));
        case 'heading':
          return h('p', { class: `md-h md-h${b.level}` }, h('strong', null, inline(b.text)));
        case 'list':
          return h(b.ordered ? 'ol' : 'ul', { class: 'md-list' }, b.items.map((it) => h('li', null, inline(it))));
        case 'quote':
          return h('div', { class: 'md-quote' }, inline(b.text));
        case 'code':
          return h('pre', { class: 'md-code wrap', 'data-lang': b.lang || null }, h('code', null, b.text));
      }
    }),
  );
}
