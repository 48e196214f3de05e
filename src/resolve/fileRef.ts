/**
 * `path/to/file.py:24` and `file.ts:10:5` references in attribute values (waft writes
 * these into its metadata; pytest and linters print them).
 *
 * A reference needs a basename with a known source extension, so times (`12:30`), hosts and
 * ports (`example.com:8080`, `http://x:8080`) and IPs (`10.0.0.1:443`) are not taken for
 * files. It must stand on its own (start of text, after a space, quote, bracket, `=` …):
 * the middle of a URL is not a reference. `file://` URLs are.
 */
import type { AttributeValue, Attributes } from '../model/types';
import { isUserPath } from './stack/userCode';

export interface FileRef {
  path: string;
  line: number;
  column?: number;
  /** Where it was found: the attribute's key path, e.g. `metadata.source` or `steps[2]`. */
  key: string;
}

const EXTENSIONS = [
  'py', 'pyi', 'pyx', 'ipynb', 'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'vue', 'svelte',
  'java', 'kt', 'kts', 'scala', 'groovy', 'go', 'rs', 'rb', 'php', 'cs', 'fs', 'vb', 'c', 'h', 'cc',
  'cpp', 'cxx', 'hpp', 'hh', 'swift', 'dart', 'lua', 'ex', 'exs', 'erl', 'clj', 'cljs', 'sql', 'sh',
  'bash', 'ps1', 'yaml', 'yml', 'json', 'toml', 'r', 'jl', 'pl', 'pm', 'hs', 'ml', 'zig', 'sol', 'tf',
  'proto', 'graphql',
].join('|');

// Delimiters a reference may stand between; `:` is not one, so `http://host:8080/x` yields nothing.
const D = `\\s"'\`()\\[\\]{}<>,;=|`;
const REF = new RegExp(
  `(?<=^|[${D}])((?:file:\\/\\/)?(?:[A-Za-z]:)?[^${D}:]*[^${D}:/\\\\.]\\.(?:${EXTENSIONS})):(\\d{1,7})(?::(\\d{1,5}))?(?=$|[${D}.:])`,
  'gi',
);

/** Longer strings are read only this far: prompts and documents can be megabytes. */
const MAX_TEXT = 64 * 1024;
const MAX_DEPTH = 8;

/** References in one text, in order of appearance (library paths included). */
export function fileRefsInText(text: string): Array<Omit<FileRef, 'key'>> {
  const out: Array<Omit<FileRef, 'key'>> = [];
  const s = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  for (const m of s.matchAll(REF)) {
    const line = Number(m[2]);
    if (!(line > 0)) continue;
    const ref: Omit<FileRef, 'key'> = { path: m[1]!, line };
    if (m[3] !== undefined && Number(m[3]) > 0) ref.column = Number(m[3]);
    out.push(ref);
  }
  return out;
}

// Keys that name a location get read first: `source`, `metadata.location`, `caller_file` …
const LOCATION_KEY = /(^|[._\-\s])(source|src|location|loc|caller|callsite|call_site|origin|file|filepath|file_path|defined_at|definition|where)([._\-\s]|$)/i;

export interface FileRefOptions {
  /** Keys (top level) not to read, e.g. ones already parsed as stacks. */
  skipKeys?: ReadonlySet<string>;
  /** Keep references into packages and runtimes too (default: user code only). */
  includeLibraries?: boolean;
}

/**
 * Every reference in the attributes (strings in nested objects and arrays too): values under
 * location-like keys first, then the rest in key order; references into libraries dropped.
 */
export function findFileRefs(attributes: Attributes, options: FileRefOptions = {}): FileRef[] {
  const found: Array<{ ref: FileRef; rank: number }> = [];
  const visit = (v: AttributeValue, key: string, located: boolean, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof v === 'string') {
      for (const r of fileRefsInText(v)) {
        if (!options.includeLibraries && !isUserPath(r.path)) continue;
        found.push({ ref: { ...r, key }, rank: located ? 0 : 1 });
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${key}[${i}]`, located, depth + 1));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, `${key}.${k}`, located || LOCATION_KEY.test(k), depth + 1);
    }
  };
  for (const [k, v] of Object.entries(attributes)) {
    if (options.skipKeys?.has(k)) continue;
    visit(v, k, LOCATION_KEY.test(k), 0);
  }
  // Array.prototype.sort is stable: within a rank, the order of appearance stays.
  return found.sort((a, b) => a.rank - b.rank).map((f) => f.ref);
}
