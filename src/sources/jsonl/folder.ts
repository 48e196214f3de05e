/**
 * A folder of JSON-lines files read as one store, incrementally: each file is a JsonLinesFile
 * that reads only what was appended; files that appear are read, files that go away (or are
 * rewritten) make the store rebuild from what the others still hold. Name order is read order
 * (daily / numbered files: time order).
 */
import * as fs from 'fs';
import * as path from 'path';
import { JsonLinesFile } from './lines';

/** Takes one JSON object of a file; pushes the records it holds; false when it is not one of the format's. */
export type RecordParser<T> = (value: Record<string, unknown>, push: (record: T) => void) => boolean;

export interface FolderUpdate<T> {
  /** Records read by this update, in read order. */
  added: T[];
  /** A file went away or was rewritten: the caller rebuilds from `records()`. */
  rebuild: boolean;
}

interface FileState<T> {
  lines: JsonLinesFile;
  records: T[];
}

export class JsonLinesFolder<T> {
  private readonly files = new Map<string, FileState<T>>();

  constructor(
    readonly dir: string,
    private readonly parse: RecordParser<T>,
    private readonly resyncMarker?: string,
    private readonly wanted: (name: string) => boolean = (n) => n.toLowerCase().endsWith('.jsonl'),
  ) {}

  get skippedLines(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.lines.skippedLines;
    return n;
  }

  get bytesRead(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.lines.bytesRead;
    return n;
  }

  get fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** Every record held, file by file in name order. */
  *records(): Iterable<T> {
    for (const f of this.files.values()) yield* f.records;
  }

  clear(): void {
    this.files.clear();
  }

  /**
   * Reads what was appended to each file since the last update. A file that cannot be read is
   * handed to `onFileError` (which may throw to fail the store, or return to skip that file).
   */
  async update(onFileError: (e: unknown, file: string) => void): Promise<FolderUpdate<T>> {
    const names = (await fs.promises.readdir(this.dir)).filter(this.wanted).sort().map((n) => path.join(this.dir, n));
    let rebuild = false;
    const present = new Set(names);
    for (const known of [...this.files.keys()]) {
      if (!present.has(known)) {
        this.files.delete(known);
        rebuild = true;
      }
    }
    const added: T[] = [];
    for (const file of names) {
      let state = this.files.get(file);
      if (!state) {
        state = { lines: new JsonLinesFile(file, this.resyncMarker), records: [] };
        this.files.set(file, state);
      }
      const s = state;
      const fresh: T[] = [];
      let update;
      try {
        update = await s.lines.update(
          (o) => this.parse(o, (r) => fresh.push(r)),
          () => {
            if (s.records.length > 0) rebuild = true;
            s.records = [];
          },
        );
      } catch (e) {
        onFileError(e, file);
        continue;
      }
      if (update.gone) {
        this.files.delete(file);
        rebuild = true;
        continue;
      }
      for (const r of fresh) {
        s.records.push(r);
        added.push(r);
      }
    }
    // Keep name order when a new file sorts before the ones already known.
    const ordered = [...this.files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.files.clear();
    for (const [k, v] of ordered) this.files.set(k, v);
    return { added, rebuild };
  }
}
