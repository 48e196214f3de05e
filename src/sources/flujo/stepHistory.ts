/**
 * A run's `workflow_state.step_history` → spans under their step. Flujo 0.6 writes span rows only
 * for `pipeline_run` and each top-level step; what a LoopStep's iterations did and which branch a
 * ConditionalStep took live only in the step history: a JSON list of StepResult.model_dump()
 * ({name, output, success, attempts, latency_s, token_counts, cost_usd, feedback, branch_context,
 * metadata_, step_history}), where a step's own `step_history` holds its sub-steps — for a loop,
 * every iteration's body results one after another (metadata_ `iterations`, `exit_reason`), for a
 * conditional, the branch's results (metadata_ `executed_branch_key`).
 *
 * Each nested entry becomes a span marked `spanlens.source = step_history`: the entries have no
 * clock, so a step's sub-steps are placed one after another from its start, each as long as its
 * `latency_s` (`spanlens.timing = placed`). A loop's entries are grouped into iterations
 * (`Loop 'name' - Iteration k`, as Flujo names its iteration spans), a branch's under
 * `Branch 'key'`. Iterative, with caps: a hostile history nested thousands deep is cut, and the
 * cut is said on the span where it happened.
 */
import { SOURCE_KEY, TIMING_KEY } from '../../model/origin';
import type { Attributes } from '../../model/types';
import type { RawSpan } from './spans';
import { errorFromFeedback, isPlainObject, toNumber } from './values';

export const STEP_HISTORY = 'step_history';
/** Spans made from one run's history at most; past it the rest is counted, not shown. */
export const MAX_HISTORY_SPANS = 5000;
/** Levels of nesting expanded (a loop in a branch in a loop is 3 or so). */
export const MAX_HISTORY_DEPTH = 32;
/** Set on a span whose history entries were not expanded (caps): how many were left out. */
export const HISTORY_OMITTED_KEY = 'spanlens.step_history.omitted';
/** Longest output text kept on a history span. */
const MAX_OUTPUT_CHARS = 4000;

type Entry = Record<string, unknown>;

/** Whether a step_history text holds any nested entry: most do not, and those are not parsed at all. */
export function hasNestedHistory(text: unknown): text is string {
  return typeof text === 'string' && (text.includes('"step_history":[{') || text.includes('"step_history": [{'));
}

/**
 * Adds to `raws` the spans of `historyText`'s nested entries, each under the span of its step:
 * top-level entries are matched to the run's top-level step spans by name, in order. A step whose
 * span already has children (a store that recorded its iterations as spans) is left as it is.
 */
export function addStepHistorySpans(raws: RawSpan[], historyText: unknown): void {
  if (!hasNestedHistory(historyText)) return;
  let history: unknown;
  try {
    history = JSON.parse(historyText);
  } catch {
    return; // not JSON: the run keeps its recorded spans
  }
  if (!Array.isArray(history)) return;

  const hasChildren = new Set<string>();
  for (const r of raws) if (r.parentId !== null) hasChildren.add(r.parentId);
  const roots = raws.filter((r) => r.parentId === null);
  const root = roots.length === 1 && hasChildren.has(roots[0]!.id) ? roots[0]! : roots.find((r) => r.name === 'pipeline_run');
  const top = (root ? raws.filter((r) => r.parentId === root.id) : roots).slice();
  top.sort((a, b) => (a.startMs ?? Infinity) - (b.startMs ?? Infinity));

  // Each name's top-level spans in start order, and how many of them are behind the cursor:
  // matching walks each list once, however long the history (a hostile one is long).
  const byName = new Map<string, { at: number[]; next: number }>();
  top.forEach((t, i) => {
    const e = byName.get(t.name);
    if (e) e.at.push(i);
    else byName.set(t.name, { at: [i], next: 0 });
  });
  const budget = { left: MAX_HISTORY_SPANS, n: 0 };
  let cursor = 0;
  let lastEnd = root?.startMs;
  for (const item of history) {
    if (!isPlainObject(item)) continue;
    const name = typeof item['name'] === 'string' ? item['name'] : '';
    let span: RawSpan | undefined;
    const same = byName.get(name);
    if (same) {
      while (same.next < same.at.length && same.at[same.next]! < cursor) same.next++;
      if (same.next < same.at.length) {
        cursor = same.at[same.next++]! + 1;
        span = top[cursor - 1];
      }
    }
    const nested = subEntries(item);
    if (span) {
      lastEnd = span.endMs ?? lastEnd;
      if (nested.length > 0 && !hasChildren.has(span.id)) expand(raws, item, span, budget);
    } else if (nested.length > 0 && budget.left > 0) {
      // A step with sub-steps that has no span of its own (tracing off, a run cut short): its history entry stands in.
      const made = historySpan(item, root?.id ?? null, lastEnd, `history-${++budget.n}`);
      budget.left--;
      raws.push(made);
      lastEnd = made.endMs ?? lastEnd;
      expand(raws, item, made, budget);
    }
  }
}

/** The sub-steps of `entry`'s span, iteratively, depth and count capped. */
function expand(raws: RawSpan[], entry: Entry, span: RawSpan, budget: { left: number; n: number }): void {
  const work: Array<{ entry: Entry; span: RawSpan; depth: number }> = [{ entry, span, depth: 1 }];
  while (work.length > 0) {
    const { entry: e, span: parent, depth } = work.pop()!;
    const subs = subEntries(e);
    if (subs.length === 0) continue;
    if (depth > MAX_HISTORY_DEPTH || budget.left <= 0) {
      parent.attributes[HISTORY_OMITTED_KEY] = subs.length;
      continue;
    }
    const md = isPlainObject(e['metadata_']) ? e['metadata_'] : {};
    const groups = groupsOf(e, subs, md);
    let t = parent.startMs;
    for (const g of groups) {
      let holder = parent;
      if (g.label !== undefined) {
        if (budget.left <= 0) break;
        budget.left--;
        holder = {
          id: `${parent.id}/${STEP_HISTORY}-${++budget.n}`,
          parentId: parent.id,
          name: g.label,
          rawStatus: g.entries.some((x) => x['success'] === false) ? 'failed' : 'completed',
          startMs: t,
          attributes: { ...g.attributes, [SOURCE_KEY]: STEP_HISTORY, [TIMING_KEY]: 'placed' },
          events: [],
        };
        raws.push(holder);
      }
      const kids: Array<{ entry: Entry; span: RawSpan; depth: number }> = [];
      for (let i = 0; i < g.entries.length; i++) {
        if (budget.left <= 0) {
          holder.attributes[HISTORY_OMITTED_KEY] = g.entries.length - i;
          break;
        }
        budget.left--;
        const child = historySpan(g.entries[i]!, holder.id, t, `${parent.id}/${STEP_HISTORY}-${++budget.n}`);
        raws.push(child);
        t = child.endMs ?? t;
        kids.push({ entry: g.entries[i]!, span: child, depth: depth + 1 });
      }
      if (holder !== parent) holder.endMs = t;
      // Reversed so siblings are expanded first to last (ids and the budget go in reading order).
      for (let i = kids.length - 1; i >= 0; i--) work.push(kids[i]!);
    }
  }
}

interface Group {
  /** The name of a span grouping these entries (an iteration, a branch); none: under the step itself. */
  label?: string;
  attributes: Attributes;
  entries: Entry[];
}

/** A loop's entries by iteration, a conditional's under its branch, anything else as it is. */
function groupsOf(e: Entry, subs: Entry[], md: Record<string, unknown>): Group[] {
  const name = typeof e['name'] === 'string' ? e['name'] : '';
  const branch = md['executed_branch_key'];
  if (branch !== undefined && branch !== null) {
    // Flujo's keys are strings (or numbers, booleans); anything else is named by its kind, never serialized (it may be deep).
    const key = typeof branch === 'string' || typeof branch === 'number' || typeof branch === 'boolean' ? String(branch) : Array.isArray(branch) ? '[list]' : '{object}';
    return [{ label: `Branch '${key}'`, attributes: { executed_branch_key: key }, entries: subs }];
  }
  const iterations = toNumber(md['iterations']);
  if (iterations === undefined && typeof md['exit_reason'] !== 'string') return [{ attributes: {}, entries: subs }];
  // Equal chunks when the count says so; else a new iteration wherever the body's first step comes round again.
  const chunks: Entry[][] = [];
  if (iterations !== undefined && iterations > 0 && Number.isInteger(iterations) && subs.length % iterations === 0) {
    const size = subs.length / iterations;
    for (let i = 0; i < subs.length; i += size) chunks.push(subs.slice(i, i + size));
  } else {
    const first = subs[0]!['name'];
    for (const s of subs) {
      if (chunks.length === 0 || s['name'] === first) chunks.push([]);
      chunks[chunks.length - 1]!.push(s);
    }
  }
  return chunks.map((entries, k) => ({
    label: `Loop '${name}' - Iteration ${k + 1}`,
    attributes: { 'flujo.loop.iteration': k + 1 },
    entries,
  }));
}

function subEntries(e: Entry): Entry[] {
  const h = e['step_history'];
  return Array.isArray(h) ? h.filter(isPlainObject) : [];
}

/** One StepResult entry as a raw span starting at `startMs`, as long as its latency. */
function historySpan(e: Entry, parentId: string | null, startMs: number | undefined, id: string): RawSpan {
  const latency = toNumber(e['latency_s']);
  const attributes: Attributes = { [SOURCE_KEY]: STEP_HISTORY, [TIMING_KEY]: 'placed' };
  for (const k of ['success', 'attempts', 'latency_s', 'token_counts', 'cost_usd'] as const) {
    const v = e[k];
    if (typeof v === 'number' || typeof v === 'boolean') attributes[k] = Number.isFinite(v as number) || typeof v === 'boolean' ? v : String(v);
  }
  const feedback = e['feedback'];
  if (typeof feedback === 'string' && feedback !== '') attributes['feedback'] = feedback;
  const output = outputText(e['output']);
  if (output !== undefined) attributes['output'] = output;
  const md = e['metadata_'];
  if (isPlainObject(md)) {
    for (const [k, v] of Object.entries(md)) {
      if (k in attributes || k === '__proto__') continue;
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) attributes[k] = v;
    }
  }
  const failed = e['success'] === false;
  const raw: RawSpan = {
    id,
    parentId,
    name: typeof e['name'] === 'string' ? e['name'] : String(e['name'] ?? ''),
    rawStatus: failed ? 'failed' : 'completed',
    startMs,
    endMs: startMs !== undefined && latency !== undefined && latency >= 0 ? startMs + latency * 1000 : startMs,
    attributes,
    events: [],
  };
  if (failed && typeof feedback === 'string' && feedback.trim() !== '') raw.error = errorFromFeedback(feedback);
  return raw;
}

/** An output as text: strings as they are, anything else as compact JSON; cut when long. */
function outputText(v: unknown): string | number | boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return Number.isFinite(v as number) || typeof v === 'boolean' ? v : String(v);
  let s: string;
  if (typeof v === 'string') s = v;
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = '[output not shown: nested too deeply]'; // JSON.stringify recurses
    }
  }
  return s.length > MAX_OUTPUT_CHARS ? `${s.slice(0, MAX_OUTPUT_CHARS)}…` : s;
}
