/**
 * The workspace file list as the resolvers see it: `/`-separated paths relative to a workspace
 * folder, prefixed with the folder's name when more than one folder is open (so
 * `/ci/api/app.py` can tell `api/app.py` from `web/app.py`), and the way back to a folder and
 * a relative path. Pure (no 'vscode'): unit-tested in test/unit/extension-pure.
 */

/** Folders never listed: dependencies, virtual environments, VCS data, build output, caches. */
export const EXCLUDED_DIRS: readonly string[] = [
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  'site-packages',
  'dist-packages',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'dist',
  '.next',
  '.nuxt',
  '.turbo',
  '.gradle',
  '.idea',
  '.vscode-test',
  '.spanlens-cache',
];

/** The `exclude` glob of workspace.findFiles for EXCLUDED_DIRS. */
export function excludeGlob(dirs: readonly string[] = EXCLUDED_DIRS): string {
  return `**/{${dirs.join(',')}}/**`;
}

/** Whether a relative path lies in an excluded folder (file-system events arrive for those too). */
export function isExcludedPath(rel: string, dirs: readonly string[] = EXCLUDED_DIRS): boolean {
  const set = new Set(dirs);
  const segs = rel.replace(/\\/g, '/').split('/');
  segs.pop(); // the file itself
  return segs.some((s) => set.has(s));
}

/**
 * The prefix of each folder's paths: none with one folder; with several, the folder's name
 * (`/` in it made `_`), a repeated name numbered `name (2)`, so every prefix is unique.
 */
export function folderPrefixes(names: readonly string[]): string[] {
  if (names.length <= 1) return names.map(() => '');
  const used = new Set<string>();
  return names.map((raw) => {
    const base = raw.replace(/[\\/]+/g, '_').trim() || 'folder';
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base} (${n})`;
    used.add(name);
    return name;
  });
}

/** A folder-relative path → the key the resolvers see. */
export function toKey(prefix: string, rel: string): string {
  const r = rel.replace(/\\/g, '/').replace(/^\/+/, '');
  return prefix ? `${prefix}/${r}` : r;
}

/** A key → its folder (index into `prefixes`) and folder-relative path; undefined for a key of no folder. */
export function fromKey(key: string, prefixes: readonly string[]): { folder: number; rel: string } | undefined {
  if (prefixes.length === 0) return undefined;
  if (prefixes.length === 1 && prefixes[0] === '') return key ? { folder: 0, rel: key } : undefined;
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    if (key.startsWith(`${p}/`) && key.length > p.length + 1) return { folder: i, rel: key.slice(p.length + 1) };
  }
  return undefined;
}

/** Files the step-name lookup reads: where steps are declared. */
export const STEP_FILE_EXTENSIONS: readonly string[] = ['py', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'yaml', 'yml'];

export function isStepCandidate(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return false;
  if (/\.d\.[mc]?ts$/i.test(path) || /\.min\.js$/i.test(path)) return false;
  return STEP_FILE_EXTENSIONS.includes(path.slice(dot + 1).toLowerCase());
}

/**
 * Which candidate files to read when there are more than the budget allows: shallow before
 * deep (project code sits near the root; vendored copies and fixtures deeper), tests last.
 */
export function rankStepCandidates(paths: readonly string[]): string[] {
  const isTest = (p: string) => /(^|\/)(tests?|__tests__|spec|fixtures?)\//i.test(p) || /(^|\/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.(test|spec)\.\w+)$/i.test(p);
  return paths
    .map((p) => ({ p, t: isTest(p) ? 1 : 0, d: p.split('/').length }))
    .sort((a, b) => a.t - b.t || a.d - b.d || (a.p < b.p ? -1 : a.p > b.p ? 1 : 0))
    .map((x) => x.p);
}
