/** Building page elements as text only (never innerHTML from data): shared by the webview pages. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A toolbar button (type=button, so no form submits) with a tooltip, styled by media/page.css's `.btn`. */
export function button(label: string, title: string, cls?: string): HTMLButtonElement {
  const b = el('button', cls ? `btn ${cls}` : 'btn', label);
  b.type = 'button';
  b.title = title;
  return b;
}
