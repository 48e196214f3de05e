import * as fs from 'fs';
import * as path from 'path';

/**
 * Telling the JSON-lines formats apart by their first lines, for detect.ts: waft spans
 * (`trace_id`, `span_id`, `operation`) and OTLP/JSON requests (`resourceSpans`).
 */

export type JsonStoreFormat = 'waft' | 'otlp';

/** Enough for the first lines of either format; a longer first line is judged by how it starts. */
const HEAD_BYTES = 64 * 1024;
/** A torn or stray line at the top does not hide the format: the first few complete lines are tried. */
const LINES_TRIED = 20;

const OTLP_START = /^\s*\{\s*"(resourceSpans|batches)"\s*:/;
const WAFT_START = /^\s*\{\s*"trace_id"\s*:/;

/** What a file's first complete JSON line (or, for a one-document .json, its start) says it is. */
export async function sniffJsonStore(file: string): Promise<JsonStoreFormat | undefined> {
  const head = await readHead(file, HEAD_BYTES);
  if (head.text.trim() === '') return undefined;
  const lines = head.text.split('\n');
  // The last piece is complete only when the whole file fit.
  if (!head.whole) lines.pop();
  let tried = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (++tried > LINES_TRIED) break;
    const kind = kindOf(parse(line));
    if (kind !== 'unparsed') return kind;
  }
  // No complete line parsed: a pretty-printed document, or a first line longer than the head.
  const text = head.text.trimStart();
  if (OTLP_START.test(text)) return 'otlp';
  if (WAFT_START.test(text) && text.includes('"span_id"') && text.includes('"operation"')) return 'waft';
  if (head.whole) return kindOrUndefined(parse(head.text));
  return undefined;
}

function kindOf(v: unknown): JsonStoreFormat | undefined | 'unparsed' {
  if (v === undefined) return 'unparsed';
  return kindOrUndefined(v);
}

function kindOrUndefined(v: unknown): JsonStoreFormat | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o['resourceSpans'])) return 'otlp';
  if ('trace_id' in o && 'span_id' in o && 'operation' in o) return 'waft';
  return undefined;
}

function parse(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether a folder is a waft store: it holds `_pyrite/analytics/traces`, is that folder,
 * or holds `.jsonl` files whose lines are waft spans.
 */
export async function isWaftFolder(dir: string): Promise<boolean> {
  const nested = path.join(dir, '_pyrite', 'analytics', 'traces');
  try {
    if ((await fs.promises.stat(nested)).isDirectory()) return true;
  } catch {
    // no nested traces folder: look at the folder's own files
  }
  if (path.resolve(dir).split(path.sep).slice(-3).join('/') === '_pyrite/analytics/traces') return true;
  return (await jsonlFolderFormat(dir)) === 'waft';
}

/**
 * What the `.jsonl` files of a folder hold, judged by the newest few (by name): waft spans, or
 * OTLP/JSON requests (a folder `spanlens receive` writes, or the Collector's rotated files).
 */
export async function jsonlFolderFormat(dir: string): Promise<JsonStoreFormat | undefined> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return undefined;
  }
  const jsonl = names.filter((n) => n.toLowerCase().endsWith('.jsonl')).sort().reverse();
  for (const n of jsonl.slice(0, 5)) {
    try {
      const kind = await sniffJsonStore(path.join(dir, n));
      if (kind) return kind;
    } catch {
      // an unreadable file says nothing about the others
    }
  }
  return undefined;
}

async function readHead(file: string, n: number): Promise<{ text: string; whole: boolean }> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    let text = buf.subarray(0, bytesRead).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text, whole: bytesRead < n };
  } finally {
    await fh.close();
  }
}
