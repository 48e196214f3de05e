/**
 * Terminal safety for data we did not write: names, errors and ids come from
 * the store, which anything may have written. Nothing from the data may move
 * the cursor, recolor the terminal, or reorder text (bidi overrides).
 */

import { headlineOf } from '../../model/errors';
import { UNSAFE_CHARS } from '../../model/unsafeChars';

// CSI / OSC / other ESC sequences first, so their parameters go with them.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])|\u009b[0-?]*[ -/]*[@-~]/g;
// Remaining C0/C1 controls, DEL, bidi marks/embeddings/overrides/isolates, line/paragraph separators.
const CONTROL = UNSAFE_CHARS;

/** One terminal-safe line: escape sequences dropped, newlines/tabs/controls become a space. */
export function clean(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(CONTROL, '');
}

/**
 * The last line of defence, on everything a verb writes to stdout as text: whatever a
 * formatter forgot to clean() loses its escape sequences and unsafe characters here.
 * Newlines and tabs stay (the tables are made of them).
 */
export function terminalText(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, (c) => (c === '\n' || c === '\t' ? c : ''));
}

/** Multi-line text made terminal-safe line by line (a traceback keeps its lines). */
export function cleanLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.replace(ANSI, '').replace(/\t/g, '    ').replace(CONTROL, ''));
}

/** The first non-empty line of a message, cleaned and cut to `max` display columns. */
export function oneLine(text: string, max = 80): string {
  // A Python traceback's useful line is its last ("KeyError: 'x'"): model/errors' headline rule.
  return truncate(headlineOf(cleanLines(text).join('\n')), max);
}

/** Cut to `max` display columns, marking the cut with "…". */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}

/** Columns a code point takes: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function charWidth(cp: number): number {
  if (cp === 0x200d || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Approximate terminal width of a string (good enough to align tables of names). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** A path or id as the user would type it into a shell (hints we print should be copy-pasteable). */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Long ids shortened for tables (`0f0e0d0c…`); the full id is in --json and in `show`'s error details. */
export function shortId(id: string, keep = 8): string {
  return id.length > keep + 2 ? `${id.slice(0, keep)}…` : id;
}
