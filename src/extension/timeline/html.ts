/**
 * The Trace Timeline page's HTML shell. Pure (no 'vscode'): the same CSP as Span Details
 * (nonce, default-src 'none'); data arrives later by postMessage and is shown as text.
 */
import { attr, contentSecurityPolicy } from '../details/html';

export interface TimelineHtmlInput {
  cspSource: string;
  nonce: string;
  /** `asWebviewUri(dist/timeline.js)`. */
  scriptUri: string;
  /** `asWebviewUri(media/timeline.css)`. */
  styleUri: string;
}

export function timelineHtml(o: TimelineHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Trace Timeline</title>
</head>
<body>
<main id="root"></main>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
