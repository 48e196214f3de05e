/**
 * A column of texts for search: distinct texts (names, errors, `key=value` attribute pairs)
 * stored once, or one per document (ids), all concatenated into one lower-cased string that
 * a term is found in with indexOf. Big tables keep a trigram filter of blocks, so a rare
 * term reads only the blocks that can hold it.
 */
import { nextTurn, throwIfAborted } from '../../sources/scanTurn';
import { fold } from './rank';

const SEP = '\u0000';

/** Tables with more entries than this get a trigram block filter, and ignore terms under 3 characters. */
export const BIG_TABLE = 100_000;
/** Entries per block of the trigram filter. */
const BLOCK = 64;
const BUCKET_BITS = 12;

/** Entries whose trigrams are recorded between turns of the event loop (~50 ms of work). */
const GRAM_CHUNK = 1 << 17;
/** Entries joined into the table's text between turns of the event loop (~10 ms of work). */
const JOIN_CHUNK = 1 << 16;

function gram(a: number, b: number, c: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35)) >>> (32 - BUCKET_BITS);
}

/** Distinct (or, for ids, per-document) texts concatenated: text(i) and a search over all of them. */
export class TextTable {
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

  /** Makes the table searchable; a big one gives the event loop turns while it builds its filter. */
  async freeze(signal?: AbortSignal): Promise<void> {
    const offs = new Int32Array(this.parts.length + 1);
    let o = 0;
    for (let i = 0; i < this.parts.length; i++) {
      offs[i] = o;
      o += this.parts[i]!.length + 1;
    }
    offs[this.parts.length] = o;
    this.offs = offs;
    // Joined (and lower-cased) a slice of entries at a time: a million ids in one join would
    // hold the event loop for a tenth of a second or more.
    const texts: string[] = [];
    const lowers: string[] = [];
    let same = true;
    for (let i = 0; i < this.parts.length; i += JOIN_CHUNK) {
      if (i > 0) {
        await nextTurn();
        throwIfAborted(signal);
      }
      const piece = this.parts.slice(i, i + JOIN_CHUNK).join(SEP) + SEP;
      const low = fold(piece);
      if (low !== piece) same = false;
      texts.push(piece);
      lowers.push(low);
    }
    this.text = texts.join('');
    this.lower = same ? this.text : lowers.join('');
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
    if (this.big) await this.buildGrams(signal);
  }

  private async buildGrams(signal?: AbortSignal): Promise<void> {
    const n = this.size;
    const blocks = Math.ceil(n / BLOCK);
    this.words = Math.ceil(blocks / 32);
    const g = new Uint32Array((1 << BUCKET_BITS) * this.words);
    const t = this.lower;
    const words = this.words;
    for (let e = 0; e < n; e++) {
      if (e % GRAM_CHUNK === 0 && e > 0) {
        await nextTurn();
        throwIfAborted(signal);
      }
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
