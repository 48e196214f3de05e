/**
 * The columns of a search index: per document (run or span) typed arrays of status,
 * duration, start, run, name and error, and its attribute pairs; texts in TextTables.
 */
import type { Status } from '../../model/types';
import { STATUSES } from '../../model/types';
import type { SearchDoc } from '../../sources/types';
import { nextTurn } from '../../sources/scanTurn';
import { fold, visitAttributes } from './rank';
import { TextTable } from './textTable';

type Numbers = Int32Array | Float64Array;

/** A typed array that grows as values are pushed (doubling), cut to length when done. */
class Grower<A extends Numbers> {
  n = 0;
  constructor(
    private a: A,
    private readonly make: (length: number) => A,
  ) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): A {
    const out = this.make(this.n);
    out.set(this.a.subarray(0, this.n));
    return out;
  }
}

type IntBuilder = Grower<Int32Array>;
type FloatBuilder = Grower<Float64Array>;
const ints = (): IntBuilder => new Grower(new Int32Array(1024), (n) => new Int32Array(n));
const floats = (): FloatBuilder => new Grower(new Float64Array(1024), (n) => new Float64Array(n));

export const STATUS_CODE = new Map<Status, number>(STATUSES.map((s, i) => [s, i]));

/** One numeric attribute of a table: the documents that have it and their values, in document order. */
export interface NumberColumn {
  /** The key as first spelled (the column's map key is lower-cased). */
  key: string;
  docs: Int32Array;
  values: Float64Array;
}

/** The run a document belongs to: runs are few, kept as plain arrays. */
export interface RunTable {
  ids: string[];
  names: string[];
  lowerNames: string[];
  lowerIds: string[];
  starts: number[];
}

/** One columnar table: the spans of a store, or its runs. */
export class DocTable {
  n = 0;
  ids = new TextTable(false);
  names = new TextTable(true);
  errors = new TextTable(true);
  attrs = new TextTable(true);
  private b = {
    run: ints(),
    status: ints(),
    dur: floats(),
    start: floats(),
    name: ints(),
    err: ints(),
    attrStart: ints(),
    attrIds: ints(),
  };
  run: Int32Array = new Int32Array(0);
  status: Uint8Array = new Uint8Array(0);
  dur: Float64Array = new Float64Array(0);
  start: Float64Array = new Float64Array(0);
  name: Int32Array = new Int32Array(0);
  err: Int32Array = new Int32Array(0);
  attrStart: Int32Array = new Int32Array(1);
  attrIds: Int32Array = new Int32Array(0);
  /** Numeric attributes per lower-cased key: which documents, which values (`attr.key>100`). */
  numbers = new Map<string, NumberColumn>();
  private numberBuilders = new Map<string, { key: string; docs: IntBuilder; values: FloatBuilder }>();
  private readonly lowerKeys = new Map<string, string>();
  private readonly visit = (k: string, v: string): void => this.b.attrIds.push(this.attrs.addPair(k, v));
  private readonly visitNumber = (k: string, v: number): void => {
    let lk = this.lowerKeys.get(k);
    if (lk === undefined) this.lowerKeys.set(k, (lk = fold(k)));
    let nb = this.numberBuilders.get(lk);
    if (!nb) this.numberBuilders.set(lk, (nb = { key: k, docs: ints(), values: floats() }));
    nb.docs.push(this.n);
    nb.values.push(v);
  };

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
    visitAttributes(d.attributes, this.visit, this.visitNumber);
    this.n++;
  }

  async freeze(signal?: AbortSignal): Promise<void> {
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
    for (const [k, nb] of this.numberBuilders) this.numbers.set(k, { key: nb.key, docs: nb.docs.done(), values: nb.values.done() });
    this.numberBuilders = new Map();
    for (const t of [this.ids, this.names, this.errors, this.attrs]) {
      await nextTurn();
      await t.freeze(signal);
    }
    this.b = undefined as unknown as DocTable['b'];
  }

  bytes(): number {
    return (
      this.run.byteLength + this.status.byteLength + this.dur.byteLength + this.start.byteLength + this.name.byteLength +
      this.err.byteLength + this.attrStart.byteLength + this.attrIds.byteLength +
      this.ids.bytes() + this.names.bytes() + this.errors.bytes() + this.attrs.bytes() +
      [...this.numbers.values()].reduce((n, c) => n + c.docs.byteLength + c.values.byteLength, 0)
    );
  }
}
