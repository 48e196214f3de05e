import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, detailsHtml, makeNonce } from '../../../src/extension/details/html';
import { isHostMessage, isPageMessage } from '../../../src/webview/protocol';
import { forSpan, initialState, loadState, toggleSection, toggleValue } from '../../../src/webview/state';

describe('protocol guards', () => {
  it('accepts the page messages and rejects anything else', () => {
    expect(isPageMessage({ type: 'ready' })).toBe(true);
    expect(isPageMessage({ type: 'copy', text: 'x' })).toBe(true);
    expect(isPageMessage({ type: 'openSource', spanId: 's' })).toBe(true);
    expect(isPageMessage({ type: 'findSimilar', spanId: 's' })).toBe(true);
    expect(isPageMessage({ type: 'openRun', runId: 'r' })).toBe(true);
    expect(isPageMessage({ type: 'copy' })).toBe(false);
    expect(isPageMessage({ type: 'openSource' })).toBe(false);
    expect(isPageMessage({ type: 'eval', code: '1' })).toBe(false);
    expect(isPageMessage(null)).toBe(false);
    expect(isPageMessage('ready')).toBe(false);
  });

  it('accepts the host messages', () => {
    expect(isHostMessage({ type: 'empty' })).toBe(true);
    expect(isHostMessage({ type: 'empty', message: 'm' })).toBe(true);
    expect(isHostMessage({ type: 'show', data: { span: {}, attributes: [] } })).toBe(true);
    expect(isHostMessage({ type: 'show', data: null })).toBe(false);
    expect(isHostMessage({ type: 'html', html: '<b>' })).toBe(false);
  });
});

describe('UI state', () => {
  it('loads defensively from whatever getState returns', () => {
    expect(loadState(undefined)).toEqual({ folded: {}, expanded: {} });
    expect(loadState({ folded: { error: true, x: 'yes' }, expanded: 3, spanId: 's' })).toEqual({
      folded: { error: true },
      expanded: {},
      spanId: 's',
    });
  });

  it('keeps folds across spans but resets expansions', () => {
    let s = toggleValue(toggleSection(forSpan(initialState(), 'a'), 'events'), 'attr:k');
    expect(s).toEqual({ folded: { events: true }, expanded: { 'attr:k': true }, spanId: 'a' });
    expect(forSpan(s, 'a')).toBe(s);
    s = forSpan(s, 'b');
    expect(s).toEqual({ folded: { events: true }, expanded: {}, spanId: 'b' });
    expect(toggleSection(s, 'events').folded).toEqual({});
  });
});

describe('details HTML shell', () => {
  it('has a strict CSP with a nonce and loads only the bundled script and css', () => {
    const nonce = makeNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(makeNonce()).not.toBe(nonce);
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
    expect(csp).toBe(
      `default-src 'none'; style-src https://x.vscode-cdn.net; script-src 'nonce-${nonce}'; img-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net`,
    );
    const html = detailsHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce,
      scriptUri: 'https://x.vscode-cdn.net/ext/dist/webview.js',
      styleUri: 'https://x.vscode-cdn.net/ext/media/details.css',
    });
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp}">`);
    expect(html).toContain(`<script nonce="${nonce}" src="https://x.vscode-cdn.net/ext/dist/webview.js"></script>`);
    expect(html).toContain('<link rel="stylesheet" href="https://x.vscode-cdn.net/ext/media/details.css">');
    expect(html).toContain('<main id="root"></main>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/style=/);
  });

  it('escapes the URIs it is given', () => {
    const html = detailsHtml({ cspSource: 'c', nonce: 'n', scriptUri: 'a"><x>', styleUri: 's' });
    expect(html).toContain('src="a&quot;&gt;&lt;x&gt;"');
  });
});
