/**
 * Characters that act on a terminal or reorder what it shows, whatever wrote them: C0 and
 * C1 controls, DEL, the bidi marks, embeddings, overrides and isolates (U+061C ALM, U+200E/F,
 * U+202A–E, U+2066–9) and the line/paragraph separators. One list, so the text output and
 * the JSON output cannot disagree about what is unsafe.
 */
const BIDI_AND_SEPARATORS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029';

/** Every unsafe character (text output drops them after turning newlines and tabs into spaces). */
export const UNSAFE_CHARS = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`, 'g');

/** The unsafe characters JSON.stringify leaves as they are (it escapes C0 itself). */
export const JSON_UNSAFE_CHARS = new RegExp(`[\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`, 'g');
