/**
 * The Span Details page's HTML shell. Pure (no 'vscode'): the host passes the CSP source
 * and the webview URIs, so the policy is unit-tested. Data never goes into this HTML;
 * it arrives later by postMessage and is rendered as text.
 */
import { randomBytes } from 'crypto';

export interface DetailsHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** `asWebviewUri(dist/webview.js)`, as a string. */
  scriptUri: string;
  /** `asWebviewUri(media/details.css)`, as a string. */
  styleUri: string;
  /** The document's title (the Trace Timeline uses this shell too). */
  title?: string;
}

/** A fresh nonce for every page load: 128 random bits, base64 (what CSP's nonce-source expects). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function detailsHtml(o: DetailsHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>${attr(o.title ?? 'Span Details')}</title>
</head>
<body>
<main id="root"></main>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
