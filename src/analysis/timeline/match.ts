/**
 * The timeline's filter box: the search language (analysis/search/query.ts) applied to the
 * spans of one run. Free text matches a span's id, name, error or attribute values; filters
 * `status:`, `name:`, `dur>`, `attr.k=v` (and `pipeline:`/`run:`, which the whole run passes
 * or fails) narrow it. `since:`, `store:` and `is:` mean nothing inside one run and say so.
 */
import type { Span } from '../../model/types';
import { attrNumberTest, attrTest, durOk, parseQuery, textMatcher, type SearchFilter } from '../search/query';
import { fold, visitAttributes } from '../search/rank';
import { errorFirstLine } from './encode';

export interface TimelineMatches {
  /** Matching rows, ascending. */
  rows: Uint32Array;
  hints: string[];
  /** True when the query had nothing to match on (empty box): no row is marked. */
  empty: boolean;
}

type AttrFilter = Extract<SearchFilter, { kind: 'attr' }>;

export function matchRows(spans: readonly Span[], runName: string, runId: string, query: string): TimelineMatches {
  const q = parseQuery(query);
  const hints = [...q.hints];
  const filters: SearchFilter[] = [];
  let runFails = false;
  for (const f of q.filters) {
    if (f.kind === 'since' || f.kind === 'store') {
      hints.push(`${f.kind}: is about runs and stores; inside one run's timeline it is ignored`);
    } else if (f.kind === 'is') {
      if (f.value === 'run') runFails = true;
    } else if (f.kind === 'pipeline') {
      if (!textMatcher(f.pattern)(fold(runName))) runFails = true;
    } else if (f.kind === 'run') {
      if (!textMatcher(f.pattern)(fold(runId))) runFails = true;
    } else {
      filters.push(f);
    }
  }
  const terms = q.terms;
  const empty = terms.length === 0 && filters.length === 0 && !runFails && q.filters.length === 0;
  if (empty || runFails) return { rows: new Uint32Array(0), hints, empty };

  const nameTests = filters.filter((f): f is Extract<SearchFilter, { kind: 'name' }> => f.kind === 'name').map((f) => textMatcher(f.pattern));
  const attrs = filters
    .filter((f): f is AttrFilter => f.kind === 'attr')
    .map((f) => ({ key: f.key, text: attrTest(f), num: attrNumberTest(f) }));
  const out: number[] = [];
  for (let row = 0; row < spans.length; row++) {
    const s = spans[row]!;
    let ok = true;
    for (const f of filters) {
      if (f.kind === 'status' && !f.values.includes(s.status)) ok = false;
      else if (f.kind === 'dur' && !durOk(f.op, f.ms, s.durationMs ?? Number.NaN)) ok = false;
      if (!ok) break;
    }
    if (!ok) continue;
    const name = fold(s.name);
    if (nameTests.some((t) => !t(name))) continue;
    if (attrs.length > 0) {
      const hit = attrs.map(() => false);
      visitAttributes(
        s.attributes,
        (k, v) => {
          const fk = fold(k);
          attrs.forEach((a, i) => {
            if (!hit[i] && fk === a.key && a.text(fold(v))) hit[i] = true;
          });
        },
        (k, v) => {
          const fk = fold(k);
          attrs.forEach((a, i) => {
            if (!hit[i] && fk === a.key && a.num(v)) hit[i] = true;
          });
        },
      );
      if (hit.some((h) => !h)) continue;
    }
    if (terms.length > 0) {
      const id = fold(s.id);
      const error = s.error ? fold(errorFirstLine(s.error) + '\n' + s.error.message) : '';
      let values: string[] | undefined;
      let all = true;
      for (const t of terms) {
        if (id.includes(t) || name.includes(t) || error.includes(t)) continue;
        if (values === undefined) {
          const vs: string[] = [];
          visitAttributes(s.attributes, (_k, v) => vs.push(fold(v)));
          values = vs;
        }
        if (!values.some((v) => v.includes(t))) {
          all = false;
          break;
        }
      }
      if (!all) continue;
    }
    out.push(row);
  }
  return { rows: Uint32Array.from(out), hints, empty: false };
}
