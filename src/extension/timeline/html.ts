/**
 * The Trace Timeline page's HTML shell: Span Details' shell (details/html.ts) with the timeline's
 * script and style — the same CSP (nonce, default-src 'none'). Pure (no 'vscode'); data arrives
 * later by postMessage and is shown as text.
 */
import { detailsHtml, type DetailsHtmlInput } from '../details/html';

export type TimelineHtmlInput = Omit<DetailsHtmlInput, 'title'>;

export function timelineHtml(o: TimelineHtmlInput): string {
  return detailsHtml({ ...o, title: 'Trace Timeline' });
}
