import { describe, expect, it } from 'vitest';
import { WorkspaceIndex, mapToWorkspace, normalizeRecordedPath, workspaceCandidates } from '../../../src/resolve/pathMapping';

const WS = [
  'pipelines/enrich.py',
  'pipelines/__init__.py',
  'legacy/enrich.py',
  'src/x.ts',
  'src/pipelines/score.js',
  'src/enrich.js',
  'packages/web/src/index.ts',
  'packages/api/src/index.ts',
  'services/billing/handlers/invoice.py',
  'README.md',
  'setup.py',
];

describe('mapToWorkspace', () => {
  it('maps a CI path by the longest matching suffix', () => {
    expect(mapToWorkspace('/home/ci/project/pipelines/enrich.py', WS)).toEqual({ path: 'pipelines/enrich.py', score: 2 });
    expect(mapToWorkspace('/app/src/x.ts', WS)).toEqual({ path: 'src/x.ts', score: 2 });
    expect(mapToWorkspace('/srv/build/services/billing/handlers/invoice.py', WS)).toEqual({
      path: 'services/billing/handlers/invoice.py',
      score: 4,
    });
  });

  it('tells two files with the same name in different folders apart by their folders', () => {
    expect(mapToWorkspace('/home/ci/project/legacy/enrich.py', WS)?.path).toBe('legacy/enrich.py');
    expect(mapToWorkspace('/home/ci/project/pipelines/enrich.py', WS)?.path).toBe('pipelines/enrich.py');
  });

  it('prefers the longer match when both share the basename and more', () => {
    const ws = ['a/pipelines/enrich.py', 'b/x/pipelines/enrich.py'];
    expect(mapToWorkspace('/ci/x/pipelines/enrich.py', ws)).toEqual({ path: 'b/x/pipelines/enrich.py', score: 3 });
  });

  it('refuses a tie: ambiguous is undefined, and the candidates are listed for the user to choose', () => {
    expect(mapToWorkspace('/app/src/index.ts', WS)).toBeUndefined();
    expect(workspaceCandidates('/app/src/index.ts', WS)).toEqual([
      { path: 'packages/api/src/index.ts', score: 2 },
      { path: 'packages/web/src/index.ts', score: 2 },
    ]);
    // A bare basename shared by two files: a tie as well.
    expect(mapToWorkspace('enrich.py', WS)).toBeUndefined();
    expect(workspaceCandidates('enrich.py', WS).map((c) => c.path)).toEqual(['legacy/enrich.py', 'pipelines/enrich.py']);
  });

  it('refuses a basename-only match whose folders disagree', () => {
    // The recorded file lives in `jobs/`; the only `enrich.py`s are in other folders.
    expect(mapToWorkspace('/home/ci/project/jobs/enrich.py', ['pipelines/enrich.py'])).toBeUndefined();
    // …unless the workspace file is at the workspace root (the workspace is that folder) …
    expect(mapToWorkspace('/home/ci/project/pipelines/enrich.py', ['enrich.py', 'util.py'])).toEqual({ path: 'enrich.py', score: 1 });
    // …or the recorded path is a bare basename (nothing to disagree with), or the option allows it.
    expect(mapToWorkspace('invoice.py', WS)).toEqual({ path: 'services/billing/handlers/invoice.py', score: 1 });
    expect(mapToWorkspace('/x/jobs/enrich.py', ['pipelines/enrich.py'], { minSegments: 1 })?.path).toBe('pipelines/enrich.py');
  });

  it('maps nothing to nothing', () => {
    expect(mapToWorkspace('/home/ci/project/pipelines/geocode.py', WS)).toBeUndefined();
    expect(mapToWorkspace('/usr/lib/python3.11/json/decoder.py', WS)).toBeUndefined();
    expect(mapToWorkspace('', WS)).toBeUndefined();
    expect(mapToWorkspace('<anonymous>', WS)).toBeUndefined();
    expect(mapToWorkspace('node:internal/modules/cjs/loader', WS)).toBeUndefined();
    expect(mapToWorkspace('/app/src/x.ts', [])).toBeUndefined();
  });

  it('normalizes Windows paths (ignoring case), file:// URLs and bundler URLs', () => {
    expect(mapToWorkspace('C:\\app\\src\\x.ts', WS)?.path).toBe('src/x.ts');
    expect(mapToWorkspace('C:\\App\\SRC\\X.ts', WS)?.path).toBe('src/x.ts');
    expect(mapToWorkspace('/APP/SRC/X.TS', WS)).toBeUndefined(); // POSIX paths keep their case
    expect(mapToWorkspace('/APP/SRC/X.TS', WS, { ignoreCase: true })?.path).toBe('src/x.ts');
    expect(mapToWorkspace('\\\\build01\\share\\app\\src\\x.ts', WS)?.path).toBe('src/x.ts');
    expect(mapToWorkspace('file:///tmp/ci-build.jaji/app/src/pipelines/score.js', WS)?.path).toBe('src/pipelines/score.js');
    expect(mapToWorkspace('file:///C:/app/src/x.ts', WS)?.path).toBe('src/x.ts');
    expect(mapToWorkspace('file:///app/my%20dir/src/x.ts?v=3', WS)?.path).toBe('src/x.ts');
    expect(mapToWorkspace('webpack:///./src/x.ts', WS)).toEqual({ path: 'src/x.ts', score: 2 });
    expect(mapToWorkspace('webpack://my-app/./src/enrich.js', WS)?.path).toBe('src/enrich.js');
    expect(mapToWorkspace('webpack-internal:///./src/x.ts', WS)?.path).toBe('src/x.ts');
    expect(mapToWorkspace('http://localhost:3000/src/x.ts', WS)?.path).toBe('src/x.ts');
  });

  it('takes relative recorded paths as they are, an exact workspace path first', () => {
    expect(mapToWorkspace('pipelines/enrich.py', WS)).toEqual({ path: 'pipelines/enrich.py', score: 2 });
    expect(mapToWorkspace('./pipelines/../pipelines/enrich.py', WS)?.path).toBe('pipelines/enrich.py');
    expect(mapToWorkspace('../project/legacy/enrich.py', WS)?.path).toBe('legacy/enrich.py');
    const ws = ['enrich.py', 'pipelines/enrich.py'];
    expect(mapToWorkspace('enrich.py', ws)?.path).toBe('enrich.py');
    expect(mapToWorkspace('pipelines/enrich.py', ws)?.path).toBe('pipelines/enrich.py');
  });

  it('never returns a path outside the workspace list', () => {
    const ws = ['/etc/passwd', '../outside/enrich.py', 'C:/Windows/win.ini', 'file:///etc/hosts', 'pipelines/enrich.py'];
    expect(mapToWorkspace('/etc/passwd', ws)).toBeUndefined();
    expect(mapToWorkspace('C:\\Windows\\win.ini', ws)).toBeUndefined();
    expect(mapToWorkspace('/home/x/outside/enrich.py', ws)).toBeUndefined();
    expect(mapToWorkspace('../../etc/hosts', ws)).toBeUndefined();
    for (const p of ['/a/pipelines/enrich.py', 'enrich.py', '/etc/passwd', '../outside/enrich.py']) {
      const m = mapToWorkspace(p, ws);
      if (m) expect(ws).toContain(m.path);
    }
  });

  it('returns the list entry as given, and works on a prebuilt index', () => {
    const ws = ['src\\x.ts'];
    expect(mapToWorkspace('/app/src/x.ts', ws)?.path).toBe('src\\x.ts');
    const idx = new WorkspaceIndex(WS);
    expect(idx.size).toBe(WS.length);
    expect(mapToWorkspace('/ci/pipelines/enrich.py', idx)?.path).toBe('pipelines/enrich.py');
  });

  // Speed lives in `npm run bench`; this checks the mapping is right at workspace scale.
  it('maps correctly in a 100,000-file workspace', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `pkg${i % 500}/mod${i}/file${i % 97}.py`);
    big.push('pipelines/enrich.py');
    for (let i = 0; i < 1000; i += 111) {
      expect(mapToWorkspace(`/ci/project/pkg${i % 500}/mod${i}/file${i % 97}.py`, big)?.path).toBe(`pkg${i % 500}/mod${i}/file${i % 97}.py`);
    }
    expect(mapToWorkspace('/home/ci/project/pipelines/enrich.py', big)?.path).toBe('pipelines/enrich.py');
  });
});

describe('normalizeRecordedPath', () => {
  it('splits paths and says what kind they were', () => {
    expect(normalizeRecordedPath('/home/ci/a.py')).toEqual({ segments: ['home', 'ci', 'a.py'], absolute: true, windows: false });
    expect(normalizeRecordedPath('C:\\app\\a.ts')).toEqual({ segments: ['app', 'a.ts'], absolute: true, windows: true });
    expect(normalizeRecordedPath('./src/./a.ts')).toEqual({ segments: ['src', 'a.ts'], absolute: false, windows: false });
    expect(normalizeRecordedPath('node:fs')).toBeUndefined();
    expect(normalizeRecordedPath('<string>')).toBeUndefined();
    expect(normalizeRecordedPath('/')).toBeUndefined();
  });
});
