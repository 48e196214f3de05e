/**
 * The in-memory search index of one store, queried per keystroke.
 *
 * An index is a list of segments. A segment is columnar and immutable: a few typed arrays
 * per document (columns.ts) and texts concatenated for indexOf (textTable.ts). The first
 * segment comes from a bulk scan of the store; when the store changes, only the runs whose
 * version moved are read again into a small new segment, and their documents in older
 * segments are marked dead (per run, so a run is never half old, half new).
 *
 * A query scans each segment's texts once per term (the distinct ones are small), marks
 * what matched, then walks the columns once, keeping the best `limit` across segments.
 */
import type { Run } from '../../model/types';
import { STATUSES } from '../../model/types';
import type { SearchDoc } from '../../sources/types';
import { nextTurn, throwIfAborted } from '../../sources/scanTurn';
import { DocTable, STATUS_CODE, type RunTable } from './columns';
import { attrNumberTest, attrTest, durOk, parseQuery, textMatcher, type ParsedQuery, type SearchFilter } from './query';
import { FIELD_SCORE, fold, pairSnippet, snippetOf, type MatchField, type SearchHit } from './rank';
import { BIG_TABLE } from './textTable';
import { TopK } from './topK';

export { BIG_TABLE };

export interface SearchOptions {
  /** Results per group (runs, spans); default 50. */
  limit?: number;
  /** For `since:`; default Date.now(). */
  now?: number;
  /** Stops a stale query between chunks (it then rejects with an AbortError). */
  signal?: AbortSignal;
}

export interface SearchResult {
  runs: SearchHit[];
  spans: SearchHit[];
  /** Matches before the limit. */
  totalRuns: number;
  totalSpans: number;
  hints: string[];
}

/** Documents walked between checks for cancellation. */
const CHUNK = 1 << 17;

/** Runs and spans indexed together; never changed once built. */
export class Segment {
  constructor(
    readonly runs: RunTable,
    /** run id → its row in `runs`. */
    readonly runIndex: ReadonlyMap<string, number>,
    readonly runDocs: DocTable,
    readonly spanDocs: DocTable,
  ) {}

  docs(kind: 'run' | 'span'): DocTable {
    return kind === 'run' ? this.runDocs : this.spanDocs;
  }
}

/** Documents of `t` whose run is not dead. */
function liveCount(t: DocTable, dead: Uint8Array | undefined): number {
  if (!dead) return t.n;
  let n = 0;
  const run = t.run;
  for (let d = 0; d < t.n; d++) if (dead[run[d]!] === 0) n++;
  return n;
}

/** A store's search index. Build with `IndexBuilder` (search.ts: buildIndex, updateIndex); query with `search`. */
export class SearchIndex {
  readonly spanCount: number;
  readonly runCount: number;
  /** Documents kept in segments but replaced by newer ones (or gone from the store). */
  readonly deadDocs: number;

  constructor(
    readonly store: string,
    readonly format: string,
    private readonly segments: readonly Segment[],
    /** Per segment, 1 for each run (row of its RunTable) whose documents no longer count. */
    private readonly dead: ReadonlyArray<Uint8Array | undefined>,
    /** The store's run versions this index reflects (TraceStore.runVersions), when it has them. */
    readonly versions?: ReadonlyMap<string, string>,
  ) {
    let spans = 0;
    let runs = 0;
    let all = 0;
    segments.forEach((s, i) => {
      spans += liveCount(s.spanDocs, dead[i]);
      runs += liveCount(s.runDocs, dead[i]);
      all += s.spanDocs.n + s.runDocs.n;
    });
    this.spanCount = spans;
    this.runCount = runs;
    this.deadDocs = all - spans - runs;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Approximate bytes the index holds (typed arrays and texts). */
  bytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.runDocs.bytes() + s.spanDocs.bytes();
    return n;
  }

  /**
   * This index with the documents of `replaced` runs dropped and `segment` added: what a
   * store change makes of it. This index stays as it was (a query running on it finishes).
   */
  withSegment(segment: Segment, replaced: ReadonlySet<string>, versions: ReadonlyMap<string, string> | undefined): SearchIndex {
    const dead = this.segments.map((seg, i) => {
      let d: Uint8Array | undefined;
      for (const id of replaced) {
        const r = seg.runIndex.get(id);
        if (r === undefined) continue;
        d ??= this.dead[i] ? Uint8Array.from(this.dead[i]!) : new Uint8Array(seg.runs.ids.length);
        d[r] = 1;
      }
      return d ?? this.dead[i];
    });
    return new SearchIndex(this.store, this.format, [...this.segments, segment], [...dead, undefined], versions);
  }

  /** Whether a `store:` filter lets this store through. */
  storeMatches(q: ParsedQuery): boolean {
    for (const f of q.filters) {
      if (f.kind !== 'store') continue;
      const m = textMatcher(f.pattern);
      if (!m(fold(this.store)) && !m(this.format) && !m(fold(baseName(this.store)))) return false;
    }
    return true;
  }

  async search(query: string | ParsedQuery, opts: SearchOptions = {}): Promise<SearchResult> {
    const q = typeof query === 'string' ? parseQuery(query) : query;
    const limit = opts.limit ?? 50;
    const out: SearchResult = { runs: [], spans: [], totalRuns: 0, totalSpans: 0, hints: q.hints };
    if (q.terms.length === 0 && q.filters.length === 0) return out;
    if (!this.storeMatches(q)) return out;
    if (this.spanCount > BIG_TABLE && q.terms.some((t) => t.length < 3)) {
      out.hints = [...q.hints, 'words under 3 characters are ignored in a store this big'];
    }
    const is = q.filters.find((f): f is Extract<SearchFilter, { kind: 'is' }> => f.kind === 'is');
    if (!is || is.value === 'run') {
      const r = await this.run('run', q, limit, opts);
      out.runs = r.hits;
      out.totalRuns = r.total;
    }
    if (!is || is.value === 'span') {
      const r = await this.run('span', q, limit, opts);
      out.spans = r.hits;
      out.totalSpans = r.total;
    }
    return out;
  }

  private async run(kind: 'run' | 'span', q: ParsedQuery, limit: number, opts: SearchOptions): Promise<{ hits: SearchHit[]; total: number }> {
    throwIfAborted(opts.signal);
    // Terms under 3 characters are ignored on a big store (they match nearly everything).
    const big = (kind === 'run' ? this.runCount : this.spanCount) > BIG_TABLE;
    const terms = big ? q.terms.filter((x) => x.length >= 3) : q.terms;
    if (terms.length === 0 && q.filters.length === 0) return { hits: [], total: 0 };
    const heap = new TopK(limit);
    let total = 0;
    const bases: number[] = [];
    for (let i = 0, b = 0; i < this.segments.length; i++) {
      bases.push(b);
      b += this.segments[i]!.docs(kind).n;
    }
    // Newer segments first, for the same reason the walk goes backwards.
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const seg = this.segments[i]!;
      total += await this.walk(seg, seg.docs(kind), this.dead[i], bases[i]!, q, terms, heap, opts);
    }
    const firstAttr = q.filters.find((f): f is AttrFilter => f.kind === 'attr');
    const hits = heap.sorted().map((e) => {
      let d = e.doc;
      for (const seg of this.segments) {
        const t = seg.docs(kind);
        if (d < t.n) return this.hit(seg, t, kind, d, e.score, e.tag, terms, firstAttr);
        d -= t.n;
      }
      throw new Error(`search: document ${e.doc} is in no segment`);
    });
    return { hits, total };
  }

  /** One segment's documents of one kind: filters and terms → offered to the heap (as base + doc). */
  private async walk(
    seg: Segment,
    t: DocTable,
    dead: Uint8Array | undefined,
    base: number,
    q: ParsedQuery,
    terms: string[],
    heap: TopK,
    opts: SearchOptions,
  ): Promise<number> {
    if (t.n === 0) return 0;
    const now = opts.now ?? Date.now();
    const signal = opts.signal;
    // ---- filters → masks ----
    let statusBits = 0b11111;
    let nameMask: Uint8Array | undefined;
    let runMask: Uint8Array | undefined;
    const durs: Array<Extract<SearchFilter, { kind: 'dur' }>> = [];
    let since = -Infinity;
    /** Per attr filter: the text pairs that pass, and (numeric attributes) the documents that pass. */
    const attrPairs: Array<Uint8Array | null> = [];
    const attrDocs: Uint8Array[] = [];
    const rt = seg.runs;
    for (const f of q.filters) {
      switch (f.kind) {
        case 'status': {
          let bits = 0;
          for (const s of f.values) bits |= 1 << STATUS_CODE.get(s)!;
          statusBits &= bits;
          break;
        }
        case 'name': {
          const m = t.names.filter(textMatcher(f.pattern));
          nameMask = nameMask ? and(nameMask, m) : m;
          break;
        }
        case 'pipeline':
        case 'run': {
          const test = textMatcher(f.pattern);
          const src = f.kind === 'pipeline' ? rt.lowerNames : rt.lowerIds;
          const m = new Uint8Array(src.length);
          for (let i = 0; i < src.length; i++) if (test(src[i]!)) m[i] = 1;
          runMask = runMask ? and(runMask, m) : m;
          break;
        }
        case 'dur':
          durs.push(f);
          break;
        case 'since':
          since = Math.max(since, now - f.ms);
          break;
        case 'attr':
          {
            const pairs = t.attrs.withKey(f.key, attrTest(f));
            // No text value passes (a numeric attribute, say): no document's pairs need a look.
            attrPairs.push(pairs.includes(1) ? pairs : null);
          }
          attrDocs.push(numberMask(t, f) ?? NO_DOCS);
          break;
        case 'store':
        case 'is':
          break;
      }
    }
    // ---- terms → per-document marks: 6 exact id … 1 attribute (FIELDS order reversed) ----
    const docM = terms.map((term) => termMarks(t, term));
    const nt = terms.length;

    // ---- one walk over the columns, offering matches to the heap ----
    let total = 0;
    const { status, run, dur, start, name, attrStart, attrIds } = t;
    // Newest documents last (stores append), so walking backwards offers the likely best first
    // and the heap turns most later ones away without a change. The result is the same.
    for (let c1 = t.n; c1 > 0; c1 -= CHUNK) {
      if (c1 < t.n && signal) {
        await nextTurn();
        throwIfAborted(signal);
      }
      const c0 = Math.max(0, c1 - CHUNK);
      docs: for (let d = c1 - 1; d >= c0; d--) {
        if (((statusBits >> status[d]!) & 1) === 0) continue;
        if (dead && dead[run[d]!] === 1) continue;
        if (nameMask && nameMask[name[d]!] === 0) continue;
        if (runMask && runMask[run[d]!] === 0) continue;
        const st = start[d]!;
        if (since !== -Infinity && !(st >= since)) continue;
        for (const f of durs) if (!durOk(f.op, f.ms, dur[d]!)) continue docs;
        const a0 = attrStart[d]!;
        const a1 = attrStart[d + 1]!;
        for (let f = 0; f < attrPairs.length; f++) {
          if (attrDocs[f]![d] === 1) continue;
          const pairs = attrPairs[f]!;
          if (pairs === null) continue docs;
          let ok = false;
          for (let a = a0; a < a1 && !ok; a++) if (pairs[attrIds[a]!] === 1) ok = true;
          if (!ok) continue docs;
        }
        let score = 0;
        let best = -1;
        let bestScore = -1;
        for (let i = 0; i < nt; i++) {
          const m = docM[i]![d]!;
          if (m === 0) continue docs;
          const s = MARK_SCORE[m]!;
          score += s;
          if (s > bestScore) {
            bestScore = s;
            best = i * 8 + (6 - m);
          }
        }
        total++;
        heap.offer(base + d, score, st, best);
      }
    }
    return total;
  }

  private hit(
    seg: Segment,
    t: DocTable,
    kind: 'run' | 'span',
    d: number,
    score: number,
    tag: number,
    terms: string[],
    attr: AttrFilter | undefined,
  ): SearchHit {
    const rt = seg.runs;
    const ri = t.run[d]!;
    const h: SearchHit = {
      kind,
      store: this.store,
      runId: rt.ids[ri]!,
      runName: rt.names[ri]!,
      name: t.names.get(t.name[d]!),
      status: STATUSES[t.status[d]!]!,
      score,
      field: 'filter',
      snippet: '',
    };
    if (kind === 'span') h.spanId = t.ids.get(d);
    const dur = t.dur[d]!;
    if (!Number.isNaN(dur)) h.durationMs = dur;
    const st = t.start[d]!;
    if (!Number.isNaN(st)) h.startMs = st;
    if (tag < 0) {
      // Filters only: the attribute the (first) attr. filter matched, else the error, else the name.
      const pair = attr ? matchedPair(t, d, attr) : undefined;
      const e = t.err[d]!;
      Object.assign(h, pair !== undefined ? pairSnippet(pair) : snippetOf(e >= 0 ? t.errors.get(e) : h.name, undefined));
      return h;
    }
    const field = FIELDS[tag % 8]!;
    const term = terms[Math.floor(tag / 8)]!;
    h.field = field;
    let text: string;
    if (field === 'id-exact' || field === 'id-prefix' || field === 'id') text = t.ids.get(d);
    else if (field === 'name') text = h.name;
    else if (field === 'error') text = t.errors.get(t.err[d]!);
    else {
      text = '';
      for (let a = t.attrStart[d]!; a < t.attrStart[d + 1]!; a++) {
        const s = t.attrs.get(t.attrIds[a]!);
        const eq = s.indexOf('=');
        if (fold(s).indexOf(term, eq + 1) > eq) {
          text = s;
          break;
        }
      }
    }
    Object.assign(h, snippetOf(text, term));
    return h;
  }
}

/** Per document, how `term` matches it at best: 6 exact id, 5 id prefix, 4 id, 3 name, 2 error, 1 attribute, 0 not. */
function termMarks(t: DocTable, term: string): Uint8Array {
  const n = t.n;
  const out = new Uint8Array(n);
  const idm = new Uint8Array(n);
  if (t.ids.search(term, idm) > 0) for (let d = 0; d < n; d++) if (idm[d] !== 0) out[d] = idm[d]! + 3;
  const nm = new Uint8Array(t.names.size);
  if (t.names.search(term, nm) > 0) {
    const name = t.name;
    for (let d = 0; d < n; d++) if (out[d] === 0 && nm[name[d]!] !== 0) out[d] = 3;
  }
  const em = new Uint8Array(t.errors.size);
  if (t.errors.search(term, em) > 0) {
    const err = t.err;
    for (let d = 0; d < n; d++) if (out[d] === 0 && err[d]! >= 0 && em[err[d]!] !== 0) out[d] = 2;
  }
  const am = new Uint8Array(t.attrs.size);
  if (t.attrs.search(term, am, true) > 0) {
    const { attrStart, attrIds } = t;
    for (let d = 0; d < n; d++) {
      if (out[d] !== 0) continue;
      for (let a = attrStart[d]!, a1 = attrStart[d + 1]!; a < a1; a++) {
        if (am[attrIds[a]!] !== 0) {
          out[d] = 1;
          break;
        }
      }
    }
  }
  return out;
}

const NO_DOCS = new Uint8Array(0);

type AttrFilter = Extract<SearchFilter, { kind: 'attr' }>;

/** Document `d`'s first attribute that passes `f`, as `key=value` (text pairs first, then numbers). */
function matchedPair(t: DocTable, d: number, f: AttrFilter): string | undefined {
  const test = attrTest(f);
  for (let a = t.attrStart[d]!; a < t.attrStart[d + 1]!; a++) {
    const s = t.attrs.get(t.attrIds[a]!);
    const eq = s.indexOf('=');
    const low = fold(s);
    if (low.slice(0, eq) === f.key && test(low.slice(eq + 1))) return s;
  }
  const col = t.numbers.get(f.key);
  if (!col) return undefined;
  const testNumber = attrNumberTest(f);
  // Documents are in order in the column: the first entry of d by binary search.
  let lo = 0;
  let hi = col.docs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (col.docs[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < col.docs.length && col.docs[i] === d; i++) {
    if (testNumber(col.values[i]!)) return `${col.key}=${String(col.values[i]!)}`;
  }
  return undefined;
}

/** Documents whose numeric attribute `f.key` passes the filter; undefined when no document has it as a number. */
function numberMask(t: DocTable, f: Extract<SearchFilter, { kind: 'attr' }>): Uint8Array | undefined {
  const col = t.numbers.get(f.key);
  if (!col) return undefined;
  const test = attrNumberTest(f);
  const mask = new Uint8Array(t.n);
  const { docs, values } = col;
  for (let i = 0; i < docs.length; i++) if (test(values[i]!)) mask[docs[i]!] = 1;
  return mask;
}

const FIELDS: MatchField[] = ['id-exact', 'id-prefix', 'id', 'name', 'error', 'attr'];
/** Score of a per-document mark (index: the mark). */
const MARK_SCORE = [0, ...[...FIELDS].reverse().map((f) => FIELD_SCORE[f])];

function and(a: Uint8Array, b: Uint8Array): Uint8Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! & b[i]!;
  return a;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] ?? p;
}

/**
 * Builds one segment: runs first (from listRuns), then span batches as a scan yields them.
 * Spans of runs listRuns did not return get a run entry of their own.
 */
export class IndexBuilder {
  private readonly rt: RunTable = { ids: [], names: [], lowerNames: [], lowerIds: [], starts: [] };
  private readonly runIndex = new Map<string, number>();
  private readonly runDocs = new DocTable();
  private readonly spanDocs = new DocTable();

  constructor(
    readonly store: string,
    readonly format: string,
  ) {}

  private runIdx(id: string, name: string, startMs: number): number {
    let i = this.runIndex.get(id);
    if (i === undefined) {
      i = this.rt.ids.length;
      this.runIndex.set(id, i);
      this.rt.ids.push(id);
      this.rt.names.push(name);
      this.rt.lowerIds.push(fold(id));
      this.rt.lowerNames.push(fold(name));
      this.rt.starts.push(startMs);
    }
    return i;
  }

  addRuns(runs: readonly Run[]): void {
    for (const r of runs) {
      if (this.runIndex.has(r.id)) continue;
      const start = r.startMs ?? NaN;
      const i = this.runIdx(r.id, r.name, start);
      const doc: SearchDoc = { runId: r.id, spanId: r.id, name: r.name, status: r.status, attributes: r.attributes };
      if (r.durationMs !== undefined) doc.durationMs = r.durationMs;
      if (r.error) doc.error = r.error;
      this.runDocs.add(r.id, i, doc, start);
    }
  }

  addSpans(docs: readonly SearchDoc[]): void {
    for (const d of docs) {
      const i = this.runIdx(d.runId, d.runName ?? '', NaN);
      this.spanDocs.add(d.spanId, i, d, d.startMs ?? this.rt.starts[i]!);
    }
  }

  /** The segment; freezing a big one gives the event loop a turn between its steps. */
  async segment(signal?: AbortSignal): Promise<Segment> {
    await this.runDocs.freeze(signal);
    await this.spanDocs.freeze(signal);
    return new Segment(this.rt, this.runIndex, this.runDocs, this.spanDocs);
  }

  /** An index of this one segment. */
  async finish(versions?: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<SearchIndex> {
    return new SearchIndex(this.store, this.format, [await this.segment(signal)], [undefined], versions);
  }
}
