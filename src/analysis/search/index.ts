/**
 * The in-memory search index of one store: columnar, built once from a bulk scan, then
 * queried per keystroke.
 *
 * A million spans are a few typed arrays (status, duration, start, run, name id, error id)
 * and four texts: span ids, and the distinct names, errors and `key=value` attribute texts
 * (each distinct text stored once), every text concatenated into one lower-cased string
 * scanned with indexOf. A query scans those texts once per term (the distinct ones are
 * small), marks what matched, then walks the columns once, keeping the best `limit`.
 */
import type { Run, Status } from '../../model/types';
import { STATUSES } from '../../model/types';
import type { SearchDoc } from '../../sources/types';
import { durOk, parseQuery, textMatcher, type ParsedQuery, type SearchFilter } from './query';
import { better, FIELD_SCORE, fold, snippetOf, visitAttributes, type MatchField, type SearchHit } from './rank';

const SEP = '\u0000';

/** Tables with more entries than this get a trigram block filter, and ignore terms under 3 characters. */
export const BIG_TABLE = 100_000;
/** Entries per block of the trigram filter. */
const BLOCK = 64;
const BUCKET_BITS = 12;

function gram(a: number, b: number, c: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35)) >>> (32 - BUCKET_BITS);
}

/** Distinct (or, for ids, per-document) texts concatenated: text(i) and a search over all of them. */
class TextTable {
  private map: Map<string, number> | undefined;
  private pairMap: Map<string, Map<string, number>> | undefined;
  private parts: string[] = [];
  private text = '';
  private lower = '';
  private offs: Int32Array = new Int32Array(1);
  /** Per hashed trigram, a bitset of blocks (BLOCK entries) whose text has it; big tables only. */
  private grams: Uint32Array | undefined;
  private words = 0;
  /** Pair tables: the entries of each (lower-cased) key. */
  private keys: Map<string, Int32Array> | undefined;

  constructor(distinct: boolean) {
    if (distinct) {
      this.map = new Map();
      this.pairMap = new Map();
    }
  }

  get size(): number {
    return this.offs.length - 1;
  }

  get big(): boolean {
    return this.size > BIG_TABLE;
  }

  add(s: string): number {
    if (this.map) {
      const hit = this.map.get(s);
      if (hit !== undefined) return hit;
      this.map.set(s, this.parts.length);
    }
    this.parts.push(s);
    return this.parts.length - 1;
  }

  /** `key=value`, deduplicated by key then value: no string is built for a pair seen before. */
  addPair(key: string, value: string): number {
    const pm = this.pairMap!;
    let m = pm.get(key);
    if (m === undefined) {
      m = new Map();
      pm.set(key, m);
    }
    let id = m.get(value);
    if (id === undefined) {
      id = this.parts.length;
      m.set(value, id);
      this.parts.push(`${key}=${value}`);
    }
    return id;
  }

  freeze(): void {
    const offs = new Int32Array(this.parts.length + 1);
    let o = 0;
    for (let i = 0; i < this.parts.length; i++) {
      offs[i] = o;
      o += this.parts[i]!.length + 1;
    }
    offs[this.parts.length] = o;
    this.offs = offs;
    this.text = this.parts.length > 0 ? this.parts.join(SEP) + SEP : '';
    const lower = fold(this.text);
    this.lower = lower === this.text ? this.text : lower;
    this.parts = [];
    this.map = undefined;
    if (this.pairMap && this.pairMap.size > 0) {
      const byKey = new Map<string, number[]>();
      for (const [k, m] of this.pairMap) {
        const lk = fold(k);
        let ids = byKey.get(lk);
        if (!ids) byKey.set(lk, (ids = []));
        for (const id of m.values()) ids.push(id);
      }
      this.keys = new Map([...byKey].map(([k, ids]) => [k, Int32Array.from(ids)]));
    }
    this.pairMap = undefined;
    if (this.big) this.buildGrams();
  }

  private buildGrams(): void {
    const n = this.size;
    const blocks = Math.ceil(n / BLOCK);
    this.words = Math.ceil(blocks / 32);
    const g = new Uint32Array((1 << BUCKET_BITS) * this.words);
    const t = this.lower;
    const words = this.words;
    for (let e = 0; e < n; e++) {
      const blk = (e / BLOCK) | 0;
      const w = blk >>> 5;
      const bit = 1 << (blk & 31);
      const end = this.offs[e + 1]! - 1;
      let a = -1;
      let b = -1;
      for (let i = this.offs[e]!; i < end; i++) {
        const c = t.charCodeAt(i);
        if (a >= 0) g[gram(a, b, c) * words + w]! |= bit;
        a = b;
        b = c;
      }
    }
    this.grams = g;
  }

  get(i: number): string {
    return this.text.slice(this.offs[i]!, this.offs[i + 1]! - 1);
  }

  getLower(i: number): string {
    return this.lower.slice(this.offs[i]!, this.offs[i + 1]! - 1);
  }

  /** Entry holding text position p, searching from `lo`. */
  private entryAt(p: number, lo: number): number {
    let hi = this.offs.length - 1;
    // offs[lo] <= p < offs[hi]
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (this.offs[mid]! <= p) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Marks entries containing `term`: 3 exact, 2 prefix, 1 elsewhere. `afterEq`: only in the
   * part after the first '=' (attribute values, not keys). Returns how many were marked.
   */
  search(term: string, mask: Uint8Array, afterEq = false): number {
    const n = this.size;
    if (term === '' || n === 0) return 0;
    if (!this.grams || term.length < 3) return this.scan(term, mask, afterEq, 0, n);
    // Only the blocks that have every trigram of the term.
    const words = this.words;
    const cand = new Uint32Array(words).fill(0xffffffff);
    for (let i = 0; i + 2 < term.length; i++) {
      const row = gram(term.charCodeAt(i), term.charCodeAt(i + 1), term.charCodeAt(i + 2)) * words;
      for (let w = 0; w < words; w++) cand[w]! &= this.grams[row + w]!;
    }
    let count = 0;
    for (let w = 0; w < words; w++) {
      let bits = cand[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        const blk = w * 32 + (31 - Math.clz32(low));
        bits ^= low;
        const e0 = blk * BLOCK;
        if (e0 >= n) break;
        count += this.scan(term, mask, afterEq, e0, Math.min(n, e0 + BLOCK));
      }
    }
    return count;
  }

  /** The plain scan of entries [e0, e1). */
  private scan(term: string, mask: Uint8Array, afterEq: boolean, e0: number, e1: number): number {
    const base = this.offs[e0]!;
    const whole = e0 === 0 && e1 === this.size;
    const t = whole ? this.lower : this.lower.slice(base, this.offs[e1]!);
    const off = whole ? 0 : base;
    let count = 0;
    let e = e0;
    let p = t.indexOf(term);
    while (p !== -1) {
      e = this.entryAt(p + off, e);
      const start = this.offs[e]! - off;
      const end = this.offs[e + 1]! - 1 - off;
      if (afterEq) {
        const eq = t.indexOf('=', start);
        if (eq >= 0 && eq < end && p <= eq) {
          p = t.indexOf(term, eq + 1);
          continue;
        }
      }
      if (mask[e] === 0) count++;
      mask[e] = p === start ? (end - start === term.length ? 3 : 2) : 1;
      p = t.indexOf(term, end + 1);
    }
    return count;
  }

  /** Marks entries whose lower-cased text passes `test`. */
  filter(test: (lower: string) => boolean): Uint8Array {
    const n = this.size;
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (test(this.getLower(i))) mask[i] = 1;
    return mask;
  }

  /** Pair entries of `key` (lower-cased) whose value passes `test` (`attr.key=…`). */
  withKey(key: string, test: (lowerValue: string) => boolean): Uint8Array {
    const mask = new Uint8Array(this.size);
    const ids = this.keys?.get(key);
    if (!ids) return mask;
    for (const id of ids) if (test(this.getLower(id).slice(key.length + 1))) mask[id] = 1;
    return mask;
  }

  /** Approximate bytes held. */
  bytes(): number {
    return this.text.length + (this.lower === this.text ? 0 : this.lower.length) + this.offs.byteLength + (this.grams?.byteLength ?? 0);
  }
}

class IntBuilder {
  a: Int32Array = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

class FloatBuilder {
  a: Float64Array = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

const STATUS_CODE = new Map<Status, number>(STATUSES.map((s, i) => [s, i]));

/** The run a document belongs to: runs are few, kept as plain arrays. */
interface RunTable {
  ids: string[];
  names: string[];
  lowerNames: string[];
  lowerIds: string[];
  starts: number[];
}

/** One columnar table: the spans of a store, or its runs. */
class DocTable {
  n = 0;
  ids = new TextTable(false);
  names = new TextTable(true);
  errors = new TextTable(true);
  attrs = new TextTable(true);
  private b = {
    run: new IntBuilder(),
    status: new IntBuilder(),
    dur: new FloatBuilder(),
    start: new FloatBuilder(),
    name: new IntBuilder(),
    err: new IntBuilder(),
    attrStart: new IntBuilder(),
    attrIds: new IntBuilder(),
  };
  run: Int32Array = new Int32Array(0);
  status: Uint8Array = new Uint8Array(0);
  dur: Float64Array = new Float64Array(0);
  start: Float64Array = new Float64Array(0);
  name: Int32Array = new Int32Array(0);
  err: Int32Array = new Int32Array(0);
  attrStart: Int32Array = new Int32Array(1);
  attrIds: Int32Array = new Int32Array(0);
  private readonly visit = (k: string, v: string): void => this.b.attrIds.push(this.attrs.addPair(k, v));

  add(id: string, runIdx: number, d: SearchDoc, startMs: number): void {
    const b = this.b;
    this.ids.add(id);
    b.run.push(runIdx);
    b.status.push(STATUS_CODE.get(d.status) ?? 4);
    b.dur.push(d.durationMs ?? NaN);
    b.start.push(startMs);
    b.name.push(this.names.add(d.name));
    b.err.push(d.error ? this.errors.add(d.error) : -1);
    b.attrStart.push(b.attrIds.n);
    visitAttributes(d.attributes, this.visit);
    this.n++;
  }

  freeze(): void {
    const b = this.b;
    b.attrStart.push(b.attrIds.n);
    this.run = b.run.done();
    this.status = Uint8Array.from(b.status.done());
    this.dur = b.dur.done();
    this.start = b.start.done();
    this.name = b.name.done();
    this.err = b.err.done();
    this.attrStart = b.attrStart.done();
    this.attrIds = b.attrIds.done();
    this.ids.freeze();
    this.names.freeze();
    this.errors.freeze();
    this.attrs.freeze();
    this.b = undefined as unknown as DocTable['b'];
  }

  bytes(): number {
    return (
      this.run.byteLength + this.status.byteLength + this.dur.byteLength + this.start.byteLength + this.name.byteLength +
      this.err.byteLength + this.attrStart.byteLength + this.attrIds.byteLength +
      this.ids.bytes() + this.names.bytes() + this.errors.bytes() + this.attrs.bytes()
    );
  }
}

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

export function abortError(): Error {
  const e = new Error('search cancelled');
  e.name = 'AbortError';
  return e;
}

/** A store's search index. Build with `IndexBuilder`; query with `search`. */
export class SearchIndex {
  constructor(
    readonly store: string,
    readonly format: string,
    private readonly runsTable: RunTable,
    private readonly runDocs: DocTable,
    private readonly spanDocs: DocTable,
  ) {}

  get spanCount(): number {
    return this.spanDocs.n;
  }

  get runCount(): number {
    return this.runDocs.n;
  }

  /** Approximate bytes the index holds (typed arrays and texts). */
  bytes(): number {
    return this.runDocs.bytes() + this.spanDocs.bytes();
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
    if (this.spanDocs.n > BIG_TABLE && q.terms.some((t) => t.length < 3)) {
      out.hints = [...q.hints, 'words under 3 characters are ignored in a store this big'];
    }
    const is = q.filters.find((f): f is Extract<SearchFilter, { kind: 'is' }> => f.kind === 'is');
    if (!is || is.value === 'run') {
      const r = await this.run(this.runDocs, 'run', q, limit, opts);
      out.runs = r.hits;
      out.totalRuns = r.total;
    }
    if (!is || is.value === 'span') {
      const r = await this.run(this.spanDocs, 'span', q, limit, opts);
      out.spans = r.hits;
      out.totalSpans = r.total;
    }
    return out;
  }

  private async run(
    t: DocTable,
    kind: 'run' | 'span',
    q: ParsedQuery,
    limit: number,
    opts: SearchOptions,
  ): Promise<{ hits: SearchHit[]; total: number }> {
    const now = opts.now ?? Date.now();
    const signal = opts.signal;
    if (signal?.aborted) throw abortError();
    // ---- filters → masks ----
    let statusBits = 0b11111;
    let nameMask: Uint8Array | undefined;
    let runMask: Uint8Array | undefined;
    const durs: Array<Extract<SearchFilter, { kind: 'dur' }>> = [];
    let since = -Infinity;
    const attrMasks: Uint8Array[] = [];
    const rt = this.runsTable;
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
        case 'attr': {
          const test = f.op === 'exists' ? () => true : textMatcher(f.pattern, f.op === '=');
          attrMasks.push(t.attrs.withKey(f.key, test));
          break;
        }
        case 'store':
        case 'is':
          break;
      }
    }
    // ---- terms → per-document marks: 6 exact id … 1 attribute (FIELDS order reversed) ----
    // Terms under 3 characters are ignored on a big store (they match nearly everything).
    const terms = t.n > BIG_TABLE ? q.terms.filter((x) => x.length >= 3) : q.terms;
    const docM = terms.map((term) => this.termMarks(t, term));
    const nt = terms.length;
    if (nt === 0 && q.filters.length === 0) return { hits: [], total: 0 };

    // ---- one walk over the columns, keeping the best `limit` in a heap ----
    const heap = new TopK(limit);
    let total = 0;
    const { status, run, dur, start, name, attrStart, attrIds } = t;
    for (let c0 = 0; c0 < t.n; c0 += CHUNK) {
      if (c0 > 0 && signal) {
        await new Promise<void>((r) => setImmediate(r));
        if (signal.aborted) throw abortError();
      }
      const c1 = Math.min(t.n, c0 + CHUNK);
      docs: for (let d = c0; d < c1; d++) {
        if (((statusBits >> status[d]!) & 1) === 0) continue;
        if (nameMask && nameMask[name[d]!] === 0) continue;
        if (runMask && runMask[run[d]!] === 0) continue;
        const st = start[d]!;
        if (since !== -Infinity && !(st >= since)) continue;
        for (const f of durs) if (!durOk(f.op, f.ms, dur[d]!)) continue docs;
        const a0 = attrStart[d]!;
        const a1 = attrStart[d + 1]!;
        for (const m of attrMasks) {
          let ok = false;
          for (let a = a0; a < a1; a++) {
            if (m[attrIds[a]!] === 1) {
              ok = true;
              break;
            }
          }
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
        heap.offer(d, score, st, best);
      }
    }
    return { hits: heap.sorted().map((e) => this.hit(t, kind, e.doc, e.score, e.tag, terms)), total };
  }

  /** Per document, how `term` matches it at best: 6 exact id, 5 id prefix, 4 id, 3 name, 2 error, 1 attribute, 0 not. */
  private termMarks(t: DocTable, term: string): Uint8Array {
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

  private hit(t: DocTable, kind: 'run' | 'span', d: number, score: number, tag: number, terms: string[]): SearchHit {
    const rt = this.runsTable;
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
      const e = t.err[d]!;
      Object.assign(h, snippetOf(e >= 0 ? t.errors.get(e) : h.name, undefined));
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

/** The best `k` documents seen, as a min-heap on (score, start, -doc). */
class TopK {
  private docs: number[] = [];
  private scores: number[] = [];
  private starts: number[] = [];
  private tags: number[] = [];

  constructor(private readonly k: number) {}

  /** True when i ranks below j. */
  private worse(i: number, j: number): boolean {
    return better(this.scores[j]!, this.starts[j]!, this.docs[j]!, this.scores[i]!, this.starts[i]!, this.docs[i]!);
  }

  offer(doc: number, score: number, start: number, tag: number): void {
    if (this.k <= 0) return;
    const n = this.docs.length;
    if (n < this.k) {
      this.docs.push(doc);
      this.scores.push(score);
      this.starts.push(start);
      this.tags.push(tag);
      let i = n;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    // Root is the worst kept: replace it only with something better.
    if (!better(score, start, doc, this.scores[0]!, this.starts[0]!, this.docs[0]!)) return;
    this.docs[0] = doc;
    this.scores[0] = score;
    this.starts[0] = start;
    this.tags[0] = tag;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.worse(l, m)) m = l;
      if (r < n && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    for (const a of [this.docs, this.scores, this.starts, this.tags]) {
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }

  sorted(): Array<{ doc: number; score: number; tag: number }> {
    const idx = this.docs.map((_, i) => i);
    idx.sort((i, j) => (this.worse(j, i) ? -1 : this.worse(i, j) ? 1 : 0));
    return idx.map((i) => ({ doc: this.docs[i]!, score: this.scores[i]!, tag: this.tags[i]! }));
  }
}

/**
 * Builds a SearchIndex: runs first (from listRuns), then span batches as a scan yields them.
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

  finish(): SearchIndex {
    this.runDocs.freeze();
    this.spanDocs.freeze();
    this.runIndex.clear();
    return new SearchIndex(this.store, this.format, this.rt, this.runDocs, this.spanDocs);
  }
}
