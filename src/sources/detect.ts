import * as fs from 'fs';
import { StoreError } from './types';
import { isWaftFolder, jsonlFolderFormat, sniffJsonStore } from './waft/sniff';
import type { StoreFormat } from './types';

const SQLITE_MAGIC = 'SQLite format 3\0';
const FILE_HINT = 'a Flujo flujo_ops.db, a waft .jsonl, an OpenTelemetry OTLP/JSON .jsonl or .json';
const WAFT_HINT = '_pyrite/analytics/traces';

/**
 * What a target names, before any reader opens it. Each store format is found here
 * by its look (a URL scheme, a folder's files, a file's first bytes); a new reader
 * adds a case, `open.ts` adds its opener.
 */
export type Detected =
  | { kind: 'store'; format: StoreFormat }
  | { kind: 'unsupported'; why: string };

export async function detectFormat(target: string): Promise<Detected> {
  // claude-flow keeps its execution_traces in PostgreSQL.
  if (/^postgres(ql)?:\/\//i.test(target.trim())) return { kind: 'store', format: 'claude-flow' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const scheme = target.slice(0, target.indexOf(':')).toLowerCase();
    return { kind: 'unsupported', why: `${scheme}:// stores are not supported yet` };
  }
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(target);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StoreError(`${target}: not found — check the path`, target);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new StoreError(`${target}: permission denied — make it readable by this user`, target);
    }
    throw e;
  }
  if (st.isDirectory()) {
    if (await isWaftFolder(target)) return { kind: 'store', format: 'waft' };
    // A folder of OTLP/JSON lines files: what `spanlens receive` writes, or a Collector's rotated output.
    if ((await jsonlFolderFormat(target)) === 'otlp') return { kind: 'store', format: 'otlp' };
    return {
      kind: 'unsupported',
      why: `is a folder with no trace store spanlens knows — expected waft's ${WAFT_HINT} or OTLP .jsonl files; point spanlens at a store file (${FILE_HINT})`,
    };
  }
  const head = await readHead(target, SQLITE_MAGIC.length);
  if (head === SQLITE_MAGIC) return { kind: 'store', format: 'flujo' };
  // A store whose writes all still sit in the -wal has an empty main file.
  if (head.length === 0 && fs.existsSync(`${target}-wal`)) return { kind: 'store', format: 'flujo' };
  // JSON lines (waft spans, OTLP requests) or one OTLP/JSON document.
  const json = await sniffJsonStore(target);
  if (json) return { kind: 'store', format: json };
  if (st.size === 0) {
    return { kind: 'unsupported', why: 'is empty — if a waft or OTLP file is just being started, name its format with --format' };
  }
  return {
    kind: 'unsupported',
    why: `is not a store spanlens can read (supported: ${FILE_HINT}; a folder with ${WAFT_HINT})`,
  };
}

async function readHead(file: string, n: number): Promise<string> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await fh.close();
  }
}
