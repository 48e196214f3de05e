import { constants as bufferConstants } from 'buffer';
import { notAFileError, oddKind } from '../sources/files';
import * as fs from 'fs';

/** Bytes per positioned read: large enough that syscalls do not matter, small enough to share the work. */
const CHUNK = 16 * 1024 * 1024;
/**
 * Reads in flight at once. Reading a cached file is a memory copy plus first-touch page faults of the
 * destination; two of libuv's four threads do it about twice as fast as one (as fast as one read(2)
 * of the whole file in C), and leave two threads for the rest of the process.
 */
const IN_FLIGHT = 2;

/**
 * Reads `size` bytes from the start of an open file into one preallocated Buffer, with large
 * positioned reads, two at a time. `fs.promises.readFile` reads a big file in small pieces and
 * copies it once more at the end; this reads every byte once, straight into place.
 * A file that shrank meanwhile yields the bytes that were there (a shorter Buffer); bytes a
 * writer appended after the stat are not read. The result is always a Buffer (not a bare
 * Uint8Array): sql.js takes a Buffer over without copying it.
 *
 * `capacity` (≥ size) reserves room past the end in the same ArrayBuffer, owned by the caller
 * alone (`buf.buffer.byteLength === capacity`), for growing the image without a copy
 * (see `mergeWal`'s `capacity`).
 */
export async function readOpenFile(handle: fs.promises.FileHandle, size: number, capacity: number = size): Promise<Buffer> {
  const room = Math.max(size, capacity);
  if (room > bufferConstants.MAX_LENGTH) {
    throw Object.assign(new RangeError(`file is too large to read into memory (${room} bytes)`), {
      code: 'ERR_FS_FILE_TOO_LARGE',
    });
  }
  // Never from Node's shared pool: the caller owns the whole ArrayBuffer (see `capacity`).
  // Unzeroed: every byte up to `size` is overwritten below, or cut off by the subarray; the
  // spare room is the caller's to fill, and costs nothing until it is touched.
  const whole = Buffer.allocUnsafeSlow(room);
  const buf = room === size ? whole : whole.subarray(0, size);
  let next = 0;
  let end = size; // lowered to where the file ended, when it shrank under us
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < end) {
      const start = next;
      const stop = Math.min(start + CHUNK, end);
      next = stop;
      let pos = start;
      while (pos < stop) {
        const { bytesRead } = await handle.read(buf, pos, stop - pos, pos);
        if (bytesRead === 0) {
          end = Math.min(end, pos);
          return;
        }
        pos += bytesRead;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < IN_FLIGHT; i++) {
    workers.push(
      worker().catch((e: unknown) => {
        failure ??= e;
      }),
    );
  }
  await Promise.all(workers);
  if (failure !== undefined) throw failure;
  return end === size ? buf : buf.subarray(0, end);
}

/**
 * The whole file in one Buffer, read the way snapshots read a store (see `readOpenFile`).
 * fs errors (ENOENT, EISDIR, …) are thrown as Node reports them.
 */
export async function readWholeFile(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
    // A FIFO or device never ends (or blocks): refused before the first read.
    const odd = oddKind(st);
    if (odd) throw notAFileError(file, odd);
    return await readOpenFile(handle, st.size);
  } finally {
    await handle.close();
  }
}
