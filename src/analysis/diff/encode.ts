/** A RunDiff → the comparison page's columns (model/compare.ts), and one row's whole difference. */
import { COMPARE_CHANGES, type CompareRowDetail, type CompareRunHead, type CompareWire } from '../../model/compare';
import { STATUSES, type AttributeValue, type Run } from '../../model/types';
import { DEFAULT_MIN_DELTA_MS, DEFAULT_THRESHOLD_PCT, isRunIdPair, type DiffOptions, type DiffRow, type RunDiff } from './align';

/** A value shown in the page: text as is, the rest as JSON, both cut (the page shows text only). */
const MAX_VALUE_CHARS = 20_000;

function valueText(v: AttributeValue | null): string {
  if (v === null) return '';
  let s: string;
  if (typeof v === 'string') s = v;
  else {
    try {
      s = JSON.stringify(v, null, 2);
    } catch {
      s = String(v);
    }
  }
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}… (${s.length - MAX_VALUE_CHARS} more characters)` : s;
}

function head(r: Run, store: string): CompareRunHead {
  const h: CompareRunHead = { id: r.id, name: r.name, status: r.status, rawStatus: r.rawStatus, store, storeId: r.store };
  if (r.durationMs !== undefined) h.durationMs = r.durationMs;
  if (r.startMs !== undefined) h.startMs = r.startMs;
  if (r.error !== undefined) h.error = r.error;
  return h;
}

export function encodeCompare(d: RunDiff, stores: { a: string; b: string }, options: DiffOptions = {}): CompareWire {
  const n = d.rows.length;
  const w: CompareWire = {
    a: head(d.a, stores.a),
    b: head(d.b, stores.b),
    thresholdPct: options.thresholdPct ?? DEFAULT_THRESHOLD_PCT,
    minDeltaMs: options.minDeltaMs ?? DEFAULT_MIN_DELTA_MS,
    names: new Array<string>(n),
    depth: new Array<number>(n),
    occurrence: new Array<number>(n),
    change: new Array<number>(n),
    errorChanged: new Array<number>(n),
    aStatus: new Array<number>(n),
    bStatus: new Array<number>(n),
    aStart: new Array<number>(n),
    aDur: new Array<number>(n),
    bStart: new Array<number>(n),
    bDur: new Array<number>(n),
    error: new Array<string>(n),
    attrChanges: new Array<number>(n),
    counts: d.summary.counts,
    firstDivergence: d.summary.firstDivergence ? d.rows.indexOf(d.summary.firstDivergence) : -1,
  };
  const num = (v: number | undefined): number => (v === undefined || !Number.isFinite(v) ? -1 : v);
  d.rows.forEach((r, i) => {
    w.names[i] = r.name;
    w.depth[i] = r.depth;
    w.occurrence[i] = r.occurrence;
    w.change[i] = COMPARE_CHANGES.indexOf(r.change);
    w.errorChanged[i] = r.errorChanged ? 1 : 0;
    w.aStatus[i] = r.a ? STATUSES.indexOf(r.a.status) : -1;
    w.bStatus[i] = r.b ? STATUSES.indexOf(r.b.status) : -1;
    w.aStart[i] = r.a ? num(r.a.startOffsetMs) : -1;
    w.aDur[i] = num(r.a?.durationMs);
    w.bStart[i] = r.b ? num(r.b.startOffsetMs) : -1;
    w.bDur[i] = num(r.b?.durationMs);
    w.error[i] = r.b?.error ?? r.a?.error ?? '';
    w.attrChanges[i] = r.attributes ? Object.keys(r.attributes.changed).length : 0;
  });
  return w;
}

export function rowDetail(d: RunDiff, index: number): CompareRowDetail | undefined {
  const r: DiffRow | undefined = d.rows[index];
  if (!r) return undefined;
  const side = (s: DiffRow['a']): CompareRowDetail['a'] | undefined => {
    if (!s) return undefined;
    const o: NonNullable<CompareRowDetail['a']> = { spanId: s.spanId, status: s.status };
    if (s.durationMs !== undefined) o.durationMs = s.durationMs;
    if (s.error !== undefined) o.error = s.error;
    return o;
  };
  const out: CompareRowDetail = {
    row: index,
    path: r.path,
    attributes: Object.entries(r.attributes?.changed ?? {})
      .filter(([, [a, b]]) => !isRunIdPair(d, a, b))
      .map(([k, [a, b]]) => [k, valueText(a), valueText(b)]),
  };
  const a = side(r.a);
  const b = side(r.b);
  if (a) out.a = a;
  if (b) out.b = b;
  return out;
}
