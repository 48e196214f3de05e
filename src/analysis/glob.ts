/**
 * The one wildcard matcher (search's `name:`, `pipeline:`, `attr.` and `spans --name`):
 * `*` any run of characters, newlines included, and, where `single` is on, `?` one character.
 * A regex built from a pattern (`^.*a.*a.*a…b$`) backtracks exponentially on text that almost
 * matches; this one does not backtrack at all. The pattern is cut at its stars into pieces;
 * the first must match at the start, the last at the end, and each one between at its leftmost
 * place after the one before (leftmost is never worse: a later place leaves less room).
 * So a test costs O(text × pattern) at worst, one pass over the text per piece.
 */
export function globMatcher(pattern: string, options: { single?: boolean } = {}): (text: string) => boolean {
  const single = options.single === true;
  const pieces = pattern.split('*');
  if (pieces.length === 1) {
    const only = pieces[0]!;
    return (text) => text.length === only.length && matchAt(text, 0, only, single);
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  const fixed = first.length + last.length;
  return (text) => {
    if (text.length < fixed) return false;
    if (!matchAt(text, 0, first, single)) return false;
    const end = text.length - last.length;
    if (!matchAt(text, end, last, single)) return false;
    let at = first.length;
    for (const piece of middle) {
      const found = find(text, piece, at, end, single);
      if (found < 0) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/**
 * A pattern as a test, the rule every filter box shares: a glob over the whole text when it has
 * wildcards (`*`, and `?` where `single`), else the text itself (`exact`) or a substring of it.
 * Case is the caller's: fold the pattern and the text alike.
 */
export function patternMatcher(pattern: string, options: { single?: boolean; exact?: boolean } = {}): (text: string) => boolean {
  if (pattern.includes('*') || (options.single === true && pattern.includes('?'))) return globMatcher(pattern, options);
  return options.exact === true ? (s) => s === pattern : (s) => s.includes(pattern);
}

/** True when `piece` matches `text` at `at` (`?` any one character where `single`). */
function matchAt(text: string, at: number, piece: string, single: boolean): boolean {
  if (!single || !piece.includes('?')) return text.startsWith(piece, at);
  for (let i = 0; i < piece.length; i++) {
    const c = piece[i]!;
    if (c !== '?' && text[at + i] !== c) return false;
  }
  return true;
}

/** The leftmost place ≥ from where `piece` matches and ends by `end`; -1 if none. */
function find(text: string, piece: string, from: number, end: number, single: boolean): number {
  if (!single || !piece.includes('?')) {
    const i = text.indexOf(piece, from);
    return i >= 0 && i + piece.length <= end ? i : -1;
  }
  for (let i = from; i + piece.length <= end; i++) if (matchAt(text, i, piece, true)) return i;
  return -1;
}
