import * as fs from 'fs';
import { StoreError } from './types';

/**
 * Opening and naming the files a store is made of, for every reader. A store path can name
 * anything: a FIFO (opening it blocks until a writer comes, reading it never ends), a socket,
 * a device, /proc/self/mem, a symlink loop, a name too long. Each becomes one line naming the
 * path; nothing waits on a file that is not a regular file.
 */

export function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

/** A path as an error message shows it: whole when short, its two ends around '…' when not. */
export function shownPath(p: string): string {
  return p.length <= 160 ? p : `${p.slice(0, 100)}…${p.slice(-50)}`;
}

/** What a non-regular file is, for the message refusing it; undefined for a regular file or folder. */
export function oddKind(st: fs.Stats): string | undefined {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return undefined;
}

/** The refusal of a path that is not a regular file. */
export function notAFileError(p: string, kind: string, id: string = p): StoreError {
  return new StoreError(`${where(p, id)}: is ${kind}, not a file — spanlens reads store files only`, id);
}

/**
 * An fs error the user's path can cause → one StoreError line naming it and what to do. Anything
 * else (a bug, a full disk) is returned as it is.
 */
export function fileError(e: unknown, p: string, id: string = p): unknown {
  const at = where(p, id);
  switch (errCode(e)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new StoreError(`${at}: not found — check the path`, id);
    case 'EACCES':
    case 'EPERM':
      return new StoreError(`${at}: permission denied — make it readable by this user`, id);
    case 'EISDIR':
      return new StoreError(`${at}: is a folder, expected a file`, id);
    case 'ELOOP':
      return new StoreError(`${at}: a loop of symbolic links — check where the link points`, id);
    case 'ENAMETOOLONG':
      return new StoreError(`${at}: the path is too long for this system — check the path`, id);
    case 'ENXIO':
      return new StoreError(`${at}: is a socket or a device without a reader, not a file — spanlens reads store files only`, id);
    case 'EIO':
    case 'EINVAL':
      return new StoreError(`${at}: cannot be read as a file (${errCode(e)}) — spanlens reads store files only`, id);
    case 'EMFILE':
    case 'ENFILE':
      return new StoreError(`${at}: too many open files on this system — close some and try again`, id);
    case 'ERR_FS_FILE_TOO_LARGE':
      return new StoreError(`${at}: too large to read into memory — open a smaller copy`, id);
    default:
      return e;
  }
}

function where(p: string, id: string): string {
  return p === id ? shownPath(id) : `${shownPath(id)} (${shownPath(p)})`;
}

/**
 * Opens a regular file for reading, never blocking: O_NONBLOCK makes opening a FIFO return at
 * once (a blocking open waits for a writer forever), and the fstat of the open handle (not of
 * the path, which may change) refuses anything that is not a regular file. fs errors are
 * thrown as fileError maps them.
 */
export async function openRegularFile(p: string, id: string = p): Promise<{ handle: fs.promises.FileHandle; stat: fs.Stats }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(p, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw fileError(e, p, id);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new StoreError(`${where(p, id)}: is a folder, expected a file`, id);
    const kind = oddKind(stat);
    if (kind) throw notAFileError(p, kind, id);
    return { handle, stat };
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw fileError(e, p, id);
  }
}
