/**
 * The page's own UI state (what is folded or expanded), kept with the webview's
 * getState/setState so it survives the panel being hidden, moved or restored.
 */

export interface UiState {
  /** Sections the user folded, by section id; kept across spans (a preference, not a position). */
  folded: Record<string, boolean>;
  /** Long values the user expanded, by value id; reset when another span is shown. */
  expanded: Record<string, boolean>;
  /** The span `expanded` belongs to. */
  spanId?: string;
}

export const SECTION_IDS = ['error', 'conversation', 'io', 'usage', 'attributes', 'events'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export function initialState(): UiState {
  return { folded: {}, expanded: {} };
}

/** Whatever getState returned (possibly from an older page), made into a valid UiState. */
export function loadState(raw: unknown): UiState {
  const s = initialState();
  if (typeof raw !== 'object' || raw === null) return s;
  const o = raw as Record<string, unknown>;
  s.folded = boolMap(o.folded);
  s.expanded = boolMap(o.expanded);
  if (typeof o.spanId === 'string') s.spanId = o.spanId;
  return s;
}

function boolMap(v: unknown): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, b] of Object.entries(v as Record<string, unknown>)) if (b === true) out[k] = true;
  return out;
}

/** The state for showing `spanId`: expansions belong to one span, folds are kept. */
export function forSpan(s: UiState, spanId: string): UiState {
  return s.spanId === spanId ? s : { folded: s.folded, expanded: {}, spanId };
}

export function toggleSection(s: UiState, id: string): UiState {
  const folded = { ...s.folded };
  if (folded[id]) delete folded[id];
  else folded[id] = true;
  return { ...s, folded };
}

export function toggleValue(s: UiState, id: string): UiState {
  const expanded = { ...s.expanded };
  if (expanded[id]) delete expanded[id];
  else expanded[id] = true;
  return { ...s, expanded };
}
