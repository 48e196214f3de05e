import { describe, expect, it } from 'vitest';
import { aggregateFailures, type FailureSample } from '../../../src/analysis/failures';
import { escapeIcons, failureLensTitle, failurePickText, locationLabel, passingLensTitle } from '../../../src/extension/source/labels';
import {
  excludeGlob,
  folderPrefixes,
  fromKey,
  isExcludedPath,
  isStepCandidate,
  rankStepCandidates,
  toKey,
} from '../../../src/extension/source/workspacePaths';
import { mapToWorkspace } from '../../../src/resolve';

describe('workspace keys', () => {
  it('one folder: paths as they are; several: prefixed with unique folder names', () => {
    expect(folderPrefixes(['app'])).toEqual(['']);
    expect(folderPrefixes(['api', 'web', 'api', 'a/b'])).toEqual(['api', 'web', 'api (2)', 'a_b']);
    expect(toKey('', 'pipelines/enrich.py')).toBe('pipelines/enrich.py');
    expect(toKey('api', 'src\\x.py')).toBe('api/src/x.py');
  });

  it('a key finds its way back to its folder', () => {
    expect(fromKey('pipelines/enrich.py', [''])).toEqual({ folder: 0, rel: 'pipelines/enrich.py' });
    const p = folderPrefixes(['api', 'api-v2']);
    expect(fromKey('api-v2/x.py', p)).toEqual({ folder: 1, rel: 'x.py' });
    expect(fromKey('api/x.py', p)).toEqual({ folder: 0, rel: 'x.py' });
    expect(fromKey('other/x.py', p)).toBeUndefined();
    expect(fromKey('x.py', [])).toBeUndefined();
  });

  it('a foreign path maps into the right folder of a multi-root workspace by its suffix', () => {
    const files = [toKey('api', 'app/handlers.py'), toKey('web', 'app/handlers.py'), toKey('web', 'web/app/handlers.py')];
    // The folder name is a segment like any other: /ci/api/app/handlers.py is api's.
    expect(mapToWorkspace('/home/ci/api/app/handlers.py', files)?.path).toBe('api/app/handlers.py');
  });
});

describe('what is listed and read', () => {
  it('dependencies, environments and build output are excluded', () => {
    expect(excludeGlob(['node_modules', '.git'])).toBe('**/{node_modules,.git}/**');
    expect(isExcludedPath('node_modules/x/a.js')).toBe(true);
    expect(isExcludedPath('app/.venv/lib/python3.12/site-packages/flujo/x.py')).toBe(true);
    expect(isExcludedPath('pipelines/enrich.py')).toBe(false);
    expect(isExcludedPath('dist')).toBe(false); // a file named dist
  });

  it('step lookup reads source and YAML, not declarations or minified bundles; shallow and non-test first', () => {
    expect(['a.py', 'b.ts', 'c.yaml', 'x/d.mjs'].every(isStepCandidate)).toBe(true);
    expect(['a.d.ts', 'b.min.js', 'c.db', 'Makefile', 'dir.py/file'].some(isStepCandidate)).toBe(false);
    expect(rankStepCandidates(['tests/test_a.py', 'src/deep/x.py', 'a.py', 'src/b.py'])).toEqual(['a.py', 'src/b.py', 'src/deep/x.py', 'tests/test_a.py']);
  });
});

describe('labels', () => {
  const sample = (over: Partial<FailureSample> = {}): FailureSample => ({
    storeId: '/w/flujo_ops.db',
    runId: 'run_70503308ba4e477a9330ca45f2e1eecd',
    runName: 'enrich_customers',
    runStartMs: Date.UTC(2025, 0, 1, 10),
    timeMs: Date.UTC(2025, 0, 1, 10, 0, 2),
    spanId: 's',
    spanName: 'score_risk',
    error: "KeyError: 'income'",
    source: { path: 'pipelines/enrich.py', line: 24 },
    ...over,
  });

  it('locations', () => {
    expect(locationLabel({ path: 'pipelines/enrich.py', line: 24 })).toBe('pipelines/enrich.py:24');
    expect(locationLabel({ path: 'src/a.ts', line: 3, column: 7 })).toBe('src/a.ts:3:7');
    expect(locationLabel({ path: 'steps.py', line: 10, column: 5, guess: true })).toBe('steps.py:10:5 (guess)');
  });

  it('data never turns into icons', () => {
    expect(escapeIcons('boom $(error) and $(sync~spin)')).toBe('boom \\$(error) and \\$(sync~spin)');
    expect(escapeIcons('already \\$(x)')).toBe('already \\$(x)');
    expect(escapeIcons('$ (not) an icon')).toBe('$ (not) an icon');
  });

  it('the lens title starts with the error icon, the data escaped', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 2);
    const g = aggregateFailures([sample({ error: 'bad $(x)' })], new Map([['score_risk', 40]]))[0]!;
    expect(failureLensTitle(g, now)).toBe('$(error) score_risk failed in 1 of 40 runs · last: bad \\$(x) · 2 h ago');
    expect(passingLensTitle({ name: 'score_risk', runs: 40, spans: 40, failedRuns: 0, p95Ms: 1200 }, true)).toBe('score_risk · 40 runs · p95 1.20 s (guess)');
  });

  it('a failed run in the QuickPick: pipeline, short id, when, error', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 2);
    const t = failurePickText(sample(), now);
    expect(t.label).toBe('$(error) enrich_customers');
    expect(t.description).toMatch(/^run_70503308ba4e… · .+ \(2 h ago\)$/);
    expect(t.detail).toBe("score_risk: KeyError: 'income'");
    expect(failurePickText(sample({ runId: 'short', timeMs: undefined, runStartMs: undefined }), now).description).toBe('short');
    expect(failurePickText(sample({ error: '' }), now).detail).toBe('score_risk failed (no error recorded)');
  });
});
