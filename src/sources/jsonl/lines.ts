import * as fs from 'fs';
import { errCode, fileError, notAFileError, oddKind } from '../files';

/**
 * Incremental reading of one JSON-lines file (waft's daily traces, the OpenTelemetry
 * Collector's file exporter). Shared by the waft and OTLP readers.
 *
 * - Streamed in chunks, never read whole: a trace log can be far larger than memory wants.
 * - Remembers the byte offset after the last complete line, so the next `update()` reads
 *   only what was appended since.
 * - A trailing line without its newline is not consumed: its writer may be mid-write. It is
 *   counted as torn while it does not parse, and read again (from its start) next time.
 * - A complete line that is not a JSON object is skipped and counted, never fatal.
 * - A file that shrank or was replaced (another inode) is read again from the start.
 */

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;
/** Longer lines are skipped and counted, never gathered: 128 MiB, far past any real span, far below V8's longest string. */
export const MAX_LINE_BYTES = 128 << 20;

/** Takes one parsed line; false when it is JSON but not a record of the format. */
export type ValueHandler = (value: Record<string, unknown>) => boolean;

/** Called before values of a re-read file are delivered: drop what was read from it before. */
export type ResetHandler = () => void;

export interface LineUpdate {
  /** The file was re-read from its start (shrunk, replaced, or first read). */
  reset: boolean;
  /** The file no longer exists; what was read from it should be dropped. */
  gone: boolean;
  /** Objects delivered by this update. */
  values: number;
}

export class JsonLinesFile {
  /** Bytes up to the end of the last consumed line. */
  private offset = 0;
  private ino: number | undefined;
  private size = -1;
  private mtimeMs = -1;
  private skippedComplete = 0;
  private tornTail = false;
  /** Total bytes read from disk over this object's life: lets tests see a refresh read only the new part. */
  bytesRead = 0;

  /**
   * @param resyncMarker where a record starts (`{"trace_id"`): a line on which a torn record
   *   was followed by a whole one (a writer that crashed mid-line, then appended) gives up
   *   the torn part only.
   */
  constructor(
    readonly path: string,
    private readonly resyncMarker?: string,
    private readonly maxLineBytes: number = MAX_LINE_BYTES,
  ) {}

  /** Torn or non-JSON lines as of the last update, the unfinished last line included. */
  get skippedLines(): number {
    return this.skippedComplete + (this.tornTail ? 1 : 0);
  }

  /**
   * Reads what was appended since the last call and hands each JSON object to `onValue`,
   * which returns false for an object that is not a record of the format (counted as skipped).
   */
  async update(onValue: ValueHandler, onReset: ResetHandler): Promise<LineUpdate> {
    // Read before: one stat first, as most calls find nothing appended (a folder of 10,000 daily
    // files asks 10,000 times); the open below is for when there is something to read.
    if (this.size >= 0) {
      let seen: fs.Stats;
      try {
        seen = await fs.promises.stat(this.path);
      } catch (e) {
        if (errCode(e) !== 'ENOENT') throw fileError(e, this.path);
        const hadData = this.size > 0;
        this.forget();
        return { reset: false, gone: hadData, values: 0 };
      }
      const odd = oddKind(seen);
      if (odd) throw notAFileError(this.path, odd);
      if (seen.ino === this.ino && seen.size === this.size && seen.mtimeMs === this.mtimeMs && seen.size >= this.offset) {
        return { reset: false, gone: false, values: 0 };
      }
    }
    let handle: fs.promises.FileHandle;
    try {
      // Non-blocking: the path may have become a FIFO since the stat (fstat below refuses it).
      handle = await fs.promises.open(this.path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (e) {
      if (errCode(e) !== 'ENOENT') throw fileError(e, this.path);
      const hadData = this.size > 0;
      this.forget();
      return { reset: false, gone: hadData, values: 0 };
    }
    try {
      const st = await handle.stat();
      const kind = oddKind(st);
      if (kind) throw notAFileError(this.path, kind);
      if (st.isDirectory()) throw fileError(Object.assign(new Error('directory'), { code: 'EISDIR' }), this.path);
      const replaced = this.ino !== undefined && st.ino !== this.ino;
      const shrunk = st.size < this.offset;
      // Same size and time: nothing was appended (an unfinished tail waits for its newline).
      if (!replaced && !shrunk && st.size === this.size && st.mtimeMs === this.mtimeMs) {
        return { reset: false, gone: false, values: 0 };
      }
      let reset = this.size < 0;
      if (replaced || shrunk) {
        this.forget();
        onReset();
        reset = true;
      }
      this.ino = st.ino;
      this.size = st.size;
      this.mtimeMs = st.mtimeMs;
      if (st.size <= this.offset) {
        this.tornTail = false;
        return { reset, gone: false, values: 0 };
      }
      const values = await this.readFrom(handle, this.offset, st.size, onValue);
      return { reset, gone: false, values };
    } catch (e) {
      throw fileError(e, this.path);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  private forget(): void {
    this.offset = 0;
    this.ino = undefined;
    this.size = -1;
    this.mtimeMs = -1;
    this.skippedComplete = 0;
    this.tornTail = false;
  }

  /** Streams [start, end) line by line; advances `offset` past each complete line. */
  private async readFrom(handle: fs.promises.FileHandle, start: number, end: number, onValue: ValueHandler): Promise<number> {
    let delivered = 0;
    let lineStart = start;
    let pending: Buffer[] = [];
    const take = (line: Buffer): void => {
      const r = this.parseLine(line, lineStart === 0);
      if (r === 'blank') return;
      if (r === 'bad') {
        this.skippedComplete++;
        return;
      }
      if (r.torn) this.skippedComplete++;
      if (onValue(r.value)) delivered++;
      else this.skippedComplete++;
    };
    // The handle stays ours (autoClose off): update() closes it.
    const stream = handle.createReadStream({ start, end: end - 1, highWaterMark: CHUNK_BYTES, autoClose: false });
    // A line longer than MAX_LINE_BYTES is never gathered: its bytes are passed over up to its
    // newline and it counts as skipped (a string that long cannot even be made).
    let pendingBytes = 0;
    let oversized = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      this.bytesRead += chunk.length;
      let from = 0;
      for (let nl = chunk.indexOf(NEWLINE, from); nl >= 0; nl = chunk.indexOf(NEWLINE, from)) {
        const piece = chunk.subarray(from, nl);
        let length = piece.length;
        if (oversized || pendingBytes + piece.length > this.maxLineBytes) {
          length += pendingBytes;
          this.skippedComplete++;
        } else {
          const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
          length = line.length;
          take(line);
        }
        pending = [];
        pendingBytes = 0;
        oversized = false;
        lineStart += length + 1;
        this.offset = lineStart;
        from = nl + 1;
      }
      if (from < chunk.length) {
        pendingBytes += chunk.length - from;
        if (oversized || pendingBytes > this.maxLineBytes) {
          oversized = true;
          pending = [];
        } else {
          // Copied: the stream may reuse its buffer for the next chunk.
          pending.push(Buffer.from(chunk.subarray(from)));
        }
      }
    }
    if (oversized) {
      // An unfinished giant last line: torn until its newline comes, then skipped.
      this.tornTail = true;
      return delivered;
    }
    this.tornTail = false;
    if (pending.length > 0) {
      const tail = Buffer.concat(pending);
      const r = this.parseLine(tail, lineStart === 0);
      if (r === 'blank') {
        // Whitespace only: nothing to wait for, nothing lost.
      } else if (r !== 'bad' && !r.torn) {
        // A whole object just short of its newline (a .json without a final newline,
        // or a writer between its two writes): an object cannot grow into another valid one.
        if (onValue(r.value)) delivered++;
        else this.skippedComplete++;
        this.offset = lineStart + tail.length;
      } else {
        this.tornTail = true;
      }
    }
    return delivered;
  }

  private parseLine(buf: Buffer, atFileStart: boolean): 'blank' | 'bad' | { value: Record<string, unknown>; torn: boolean } {
    let text = buf.toString('utf8');
    if (atFileStart && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return 'blank';
    const whole = parseObject(text);
    if (whole) return { value: whole, torn: false };
    if (this.resyncMarker) {
      // A torn record with a whole one appended after it on the same line: keep the whole one.
      for (let i = text.indexOf(this.resyncMarker, 1); i > 0; i = text.indexOf(this.resyncMarker, i + 1)) {
        const rest = parseObject(text.slice(i));
        if (rest) return { value: rest, torn: true };
      }
    }
    return 'bad';
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  const t = text.trimStart();
  if (t[0] !== '{') return undefined;
  const v = tryParse(t) ?? (/NaN|Infinity/.test(t) ? tryParse(quoteNonFinite(t)) : undefined);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function tryParse(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/**
 * Python's json.dump writes float('nan') and infinities as bare NaN / Infinity / -Infinity,
 * which JSON.parse refuses: outside strings they become the strings "NaN", "Infinity", "-Infinity".
 */
export function quoteNonFinite(t: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    for (const word of ['-Infinity', 'Infinity', 'NaN']) {
      if (t.startsWith(word, i)) {
        out += `${t.slice(last, i)}"${word}"`;
        i += word.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  return out + t.slice(last);
}

export { errCode };
