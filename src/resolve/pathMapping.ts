/**
 * Paths recorded on another machine (`/home/ci/project/pipelines/enrich.py`, `C:\app\src\x.ts`,
 * `file:///app/src/x.ts`, `webpack:///./src/x.ts`) → a file of the open workspace, by the
 * longest matching path suffix counted in whole segments.
 *
 * Decisions:
 * - The answer is always an element of the workspace list, never a path built here, so a
 *   recorded path can never lead outside the workspace.
 * - A relative recorded path equal to a workspace path is that file (waft writes paths
 *   relative to the project root).
 * - A match on the basename alone counts only when there is nothing to contradict it: the
 *   recorded path is a bare basename, or the workspace file sits at the workspace root.
 *   `/ci/pipelines/enrich.py` is not `web/enrich.py`: the folders disagree.
 * - Two files matching equally well are ambiguous: `mapToWorkspace` returns undefined rather
 *   than guess, and `workspaceCandidates` lists them so a UI can ask.
 */

export interface PathMatch {
  /** The workspace file, exactly as it appears in the list given. */
  path: string;
  /** Trailing path segments the recorded path and the file have in common. */
  score: number;
}

export interface MapOptions {
  /**
   * Compare segments ignoring case. Default: only when the recorded path is a Windows path
   * (a drive letter or backslashes), whose file system ignores case.
   */
  ignoreCase?: boolean;
  /**
   * Fewest common trailing segments for a match whose other segments disagree. Default 2:
   * the basename and its folder. A bare basename or a root-level workspace file is exempt.
   */
  minSegments?: number;
}

interface IndexedFile {
  path: string;
  segments: string[];
  lower: string[];
}

/** The workspace list, indexed by basename: build it once per list, map many paths against it. */
export class WorkspaceIndex {
  // Basename (lower case) → its paths; split into segments on the bucket's first lookup,
  // as most buckets are never looked at.
  private readonly byBase = new Map<string, { paths: string[]; files?: IndexedFile[] }>();
  /** Entries given (unusable ones, absolute or climbing out with `..`, included). */
  readonly size: number;

  constructor(files: readonly string[]) {
    for (const path of files) {
      const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
      if (base === '') continue;
      const bucket = this.byBase.get(base);
      if (bucket) bucket.paths.push(path);
      else this.byBase.set(base, { paths: [path] });
    }
    this.size = files.length;
  }

  /** Usable files whose basename equals `base` without case (the caller narrows). */
  filesNamed(base: string): readonly IndexedFile[] {
    const bucket = this.byBase.get(base.toLowerCase());
    if (!bucket) return [];
    if (!bucket.files) {
      bucket.files = [];
      for (const path of bucket.paths) {
        const segments = workspaceSegments(path);
        if (segments) bucket.files.push({ path, segments, lower: segments.map((x) => x.toLowerCase()) });
      }
    }
    return bucket.files;
  }
}

// The same array passed again (the usual case: one list per workspace state) reuses its index.
const indexCache = new WeakMap<readonly string[], WorkspaceIndex>();

export function workspaceIndex(files: readonly string[] | WorkspaceIndex): WorkspaceIndex {
  if (files instanceof WorkspaceIndex) return files;
  let idx = indexCache.get(files);
  if (!idx) indexCache.set(files, (idx = new WorkspaceIndex(files)));
  return idx;
}

/** A recorded path taken apart: its segments, and what kind of path it was. */
export interface NormalizedPath {
  segments: string[];
  /** Rooted (`/x`, `C:\x`, a URL's path): only suffixes of it can be meaningful here. */
  absolute: boolean;
  /** Written with a drive letter or backslashes. */
  windows: boolean;
}

/**
 * Recorded path text → segments. Understands `file://` URLs (percent-decoded), bundler URLs
 * (`webpack:///./src/x.ts`, `webpack://app/./src/x.ts`, `webpack-internal:///./src/x.ts`),
 * http(s) URLs' paths (browser stacks), Windows drive and UNC paths, `.` and `..`.
 * Returns undefined for text that names no file (empty, `<anonymous>`, `node:fs`).
 */
export function normalizeRecordedPath(recorded: string): NormalizedPath | undefined {
  let p = recorded.trim();
  if (p === '' || /^<.*>$/.test(p)) return undefined;
  let absolute = false;
  let windows = false;
  const url = /^([a-zA-Z][\w+.-]*):\/\/([^/]*)(.*)$/.exec(p);
  if (url) {
    const scheme = url[1]!.toLowerCase();
    let rest = url[3]!.replace(/[?#].*$/, '');
    try {
      rest = decodeURIComponent(rest);
    } catch {
      // keep undecodable text as it is
    }
    if (scheme === 'file') {
      p = rest;
      absolute = true;
      if (/^\/[a-zA-Z]:/.test(p)) p = p.slice(1); // file:///C:/x → C:/x
    } else if (scheme.startsWith('webpack')) {
      // The authority is the bundle's name, not a folder; `./src/x.ts` is project-relative.
      p = rest.replace(/^\/+/, '');
    } else {
      p = rest;
      absolute = true;
    }
  } else if (/^[a-zA-Z][\w+.-]*:(?![\\/])/.test(p) && !/^[a-zA-Z]:/.test(p)) {
    return undefined; // node:fs, internal schemes: no file
  }
  if (/^[a-zA-Z]:[\\/]/.test(p) || p.includes('\\')) windows = true;
  p = p.replace(/\\/g, '/');
  const drive = /^[a-zA-Z]:/.exec(p);
  if (drive) {
    p = p.slice(2);
    absolute = true;
  }
  if (p.startsWith('/')) absolute = true;
  const segments: string[] = [];
  for (const s of p.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      // Above the start of a relative path is unknown: only the part below can match.
      segments.pop();
      continue;
    }
    segments.push(s);
  }
  if (segments.length === 0) return undefined;
  return { segments, absolute, windows };
}

/** A workspace list entry → segments; entries that are absolute or climb out with `..` are ignored. */
function workspaceSegments(path: string): string[] | undefined {
  const p = path.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p) || /^[a-zA-Z][\w+.-]*:\/\//.test(p)) return undefined;
  const segments = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.includes('..')) return undefined;
  return segments;
}

/**
 * Every workspace file the recorded path may be, best first: all files sharing the highest
 * accepted score. One element is a match; several are a tie for the user to settle.
 */
export function workspaceCandidates(
  recordedPath: string,
  workspaceFiles: readonly string[] | WorkspaceIndex,
  options: MapOptions = {},
): PathMatch[] {
  const rec = normalizeRecordedPath(recordedPath);
  if (!rec) return [];
  const idx = workspaceIndex(workspaceFiles);
  const ignoreCase = options.ignoreCase ?? rec.windows;
  const minSegments = Math.max(1, options.minSegments ?? 2);
  const recSegs = ignoreCase ? rec.segments.map((s) => s.toLowerCase()) : rec.segments;
  const files = idx.filesNamed(recSegs[recSegs.length - 1]!);

  if (!rec.absolute) {
    const exact = files.filter((f) => sameSegments(ignoreCase ? f.lower : f.segments, recSegs));
    if (exact.length > 0) return exact.map((f) => ({ path: f.path, score: recSegs.length }));
  }

  let best = 0;
  let out: PathMatch[] = [];
  for (const f of files) {
    const segs = ignoreCase ? f.lower : f.segments;
    const score = commonSuffix(segs, recSegs);
    if (score === 0) continue;
    const uncontradicted = score === recSegs.length || score === segs.length;
    if (score < minSegments && !uncontradicted) continue;
    if (score > best) {
      best = score;
      out = [];
    }
    if (score === best) out.push({ path: f.path, score });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The one workspace file the recorded path is, or undefined when none matches or several tie. */
export function mapToWorkspace(
  recordedPath: string,
  workspaceFiles: readonly string[] | WorkspaceIndex,
  options?: MapOptions,
): PathMatch | undefined {
  const c = workspaceCandidates(recordedPath, workspaceFiles, options);
  return c.length === 1 ? c[0] : undefined;
}

function commonSuffix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
