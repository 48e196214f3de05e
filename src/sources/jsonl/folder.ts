/**
 * Files of JSON lines read as one store, incrementally — waft's daily files, a folder of OTLP
 * files such as `spanlens receive` writes. Each file is a JsonLinesFile that reads only what was
 * appended; files that appear are read, files that go away (or are rewritten) make the store
 * rebuild from what the others still hold. Name order is read order (daily / numbered files: time
 * order). Files are read a few at a time; records come back in file order whatever the timing.
 */
import { JsonLinesFile } from './lines';

/** Takes one JSON object of a file; pushes the records it holds; false when it is not one of the format's. */
export type RecordParser<T> = (value: Record<string, unknown>, push: (record: T) => void) => boolean;

export interface FolderUpdate<T> {
  /** Records read by this update, in file order. */
  added: T[];
  /** A file went away or was rewritten: the caller rebuilds from `records()`. */
  rebuild: boolean;
}

interface FileState<T> {
  lines: JsonLinesFile;
  records: T[];
}

type FileRead<T> = { kind: 'bad'; dropped: boolean } | { kind: 'ok'; state: FileState<T>; fresh: T[]; reset: boolean; gone: boolean };

/** Files read at once: enough to keep libuv's four threads busy, few enough to leave file descriptors. */
const READ_CONCURRENCY = 8;

export class JsonLinesFolder<T> {
  private readonly files = new Map<string, FileState<T>>();
  /** Files that could not be read, with why: left out, never fatal to the folder. */
  private readonly badFiles = new Map<string, string>();

  /**
   * @param list the files, full paths in read order (the folder's .jsonl files, or one file)
   */
  constructor(
    private readonly list: () => Promise<string[]>,
    private readonly parse: RecordParser<T>,
    private readonly resyncMarker?: string,
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

  get leftOut(): string[] {
    return [...this.badFiles.values()];
  }

  get fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** Every record held, file by file in read order. */
  *records(): Iterable<T> {
    for (const f of this.files.values()) yield* f.records;
  }

  clear(): void {
    this.files.clear();
    this.badFiles.clear();
  }

  /**
   * Reads what was appended to each file since the last update. A file that cannot be read is
   * handed to `onFileError`, which throws to fail the store or returns why to leave that file
   * out (named in `leftOut`; what it held is dropped).
   */
  async update(onFileError: (e: unknown, file: string) => string): Promise<FolderUpdate<T>> {
    const names = await this.list();
    const present = new Set(names); // a Set: a folder of 10,000 daily files made names.includes() 10^8 compares
    let rebuild = false;
    for (const bad of [...this.badFiles.keys()]) if (!present.has(bad)) this.badFiles.delete(bad);
    for (const known of [...this.files.keys()]) {
      if (!present.has(known)) {
        this.files.delete(known);
        rebuild = true;
      }
    }
    const newFile = names.some((n) => !this.files.has(n));
    const updates = await mapLimited(names, READ_CONCURRENCY, (file) => this.readFile(file, onFileError));
    const added: T[] = [];
    for (const u of updates) {
      if (u.kind === 'bad') {
        if (u.dropped) rebuild = true;
        continue;
      }
      if (u.reset) rebuild = true;
      if (u.gone) {
        rebuild = true;
        continue;
      }
      for (const r of u.fresh) {
        u.state.records.push(r);
        added.push(r);
      }
    }
    // A file that sorts before the ones already known takes its place in the read order.
    if (newFile) {
      const ordered = names.filter((n) => this.files.has(n)).map((n) => [n, this.files.get(n)!] as const);
      this.files.clear();
      for (const [k, v] of ordered) this.files.set(k, v);
    }
    return { added, rebuild };
  }

  /** What was appended to one file since the last read; a file that cannot be read is left out and named. */
  private async readFile(file: string, onFileError: (e: unknown, file: string) => string): Promise<FileRead<T>> {
    let state = this.files.get(file);
    if (!state) {
      state = { lines: new JsonLinesFile(file, this.resyncMarker), records: [] };
      this.files.set(file, state);
    }
    const s = state;
    const fresh: T[] = [];
    let reset = false;
    let update;
    try {
      update = await s.lines.update(
        (o) => this.parse(o, (r) => fresh.push(r)),
        () => {
          if (s.records.length > 0) reset = true;
          s.records = [];
        },
      );
    } catch (e) {
      this.badFiles.set(file, onFileError(e, file));
      const dropped = this.files.delete(file) && s.records.length > 0;
      return { kind: 'bad', dropped };
    }
    this.badFiles.delete(file);
    if (update.gone) this.files.delete(file);
    return { kind: 'ok', state: s, fresh, reset, gone: update.gone };
  }
}

/** `fn` over `items`, at most `limit` at a time; results in the items' order. The first error ends it. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
