/**
 * Where received spans are kept: OTLP/JSON lines appended to `traces-YYYY-MM-DD-NNN.jsonl` in one
 * folder, a new file each day (local time) and whenever one reaches `maxFileBytes`. Name order is
 * time order, so the OTLP reader, reading the folder as one store, reads them oldest first.
 *
 * Each line is written whole before the next starts (one queue), with a single positioned write
 * loop on a file opened for appending: a reader never sees two requests interleaved, and a stop
 * waits for the queue, so nothing acknowledged is lost. Files are only ever appended to.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface SpoolOptions {
  dir: string;
  /** Start a new file past this size (default 64 MiB). */
  maxFileBytes?: number;
  /** The clock that names files; tests move it across midnight. */
  now?: () => Date;
}

const FILE_RE = /^traces-(\d{4}-\d{2}-\d{2})-(\d{3,})\.jsonl$/;

export class Spool {
  private fd: number | undefined;
  private file: string | undefined;
  private day = '';
  private seq = 0;
  private size = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  readonly maxFileBytes: number;
  private readonly now: () => Date;

  constructor(readonly dir: string, options: Omit<SpoolOptions, 'dir'> = {}) {
    this.maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
    this.now = options.now ?? (() => new Date());
  }

  /** The file lines go to now (undefined before the first write). */
  get currentFile(): string | undefined {
    return this.file;
  }

  /** Appends one line (no newline in it); resolves once it is in the file. */
  append(line: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the receiver is stopping'));
    const data = Buffer.from(`${line}\n`, 'utf8');
    const done = this.queue.then(() => this.write(data));
    // The queue goes on after a failed write (a full disk may free up); the caller sees the error.
    this.queue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** Waits for every queued line, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    this.closeFile();
  }

  private async write(data: Buffer): Promise<string> {
    const fd = await this.target(data.length);
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await new Promise<{ bytesWritten: number }>((resolve, reject) =>
        fs.write(fd, data, off, data.length - off, null, (err, n) => (err ? reject(err) : resolve({ bytesWritten: n }))),
      );
      off += bytesWritten;
    }
    this.size += data.length;
    return this.file!;
  }

  /** The open file for a line of `bytes`, opening the next one at a new day or past the size. */
  private async target(bytes: number): Promise<number> {
    const day = localDay(this.now());
    if (this.fd !== undefined && day === this.day && (this.size === 0 || this.size + bytes <= this.maxFileBytes)) return this.fd;
    await fs.promises.mkdir(this.dir, { recursive: true });
    if (day !== this.day) {
      this.day = day;
      this.seq = await this.lastSeq(day);
      this.closeFile();
      // Carry on in today's newest file if it has room (a restarted receiver appends, never truncates).
      if (this.seq > 0) {
        const existing = this.fileName(day, this.seq);
        const st = await fs.promises.stat(existing).catch(() => undefined);
        if (st?.isFile() && st.size + bytes <= this.maxFileBytes) return this.openFile(existing, st.size);
      }
    } else {
      this.closeFile();
    }
    this.seq++;
    return this.openFile(this.fileName(day, this.seq), 0);
  }

  private openFile(file: string, size: number): number {
    this.fd = fs.openSync(file, 'a');
    this.file = file;
    this.size = size;
    return this.fd;
  }

  private closeFile(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private fileName(day: string, seq: number): string {
    return path.join(this.dir, `traces-${day}-${String(seq).padStart(3, '0')}.jsonl`);
  }

  private async lastSeq(day: string): Promise<number> {
    let max = 0;
    for (const name of await fs.promises.readdir(this.dir).catch(() => [] as string[])) {
      const m = FILE_RE.exec(name);
      if (m && m[1] === day) max = Math.max(max, Number(m[2]));
    }
    return max;
  }
}

function localDay(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
