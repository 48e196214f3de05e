import { describe, expect, it } from 'vitest';
import {
  collectFailureCandidates,
  failureText,
  findSimilarFailures,
  jaccard,
  normalizeFailureText,
  runCandidates,
  runFailureText,
  similarityPercent,
  wordSet,
} from '../../../src/analysis/similar';
import { ownFailures } from '../../../src/analysis/failures';
import type { Span } from '../../../src/model/types';
import { memStore } from '../cli/mem-store';
import { run, span } from './helpers';

describe('normalizeFailureText', () => {
  it('makes the issue’s two timeouts the same failure', () => {
    const a = normalizeFailureText('timeout after 30s on run 8f3a…');
    const b = normalizeFailureText('timeout after 45s on run 91c2…');
    expect(a).toBe('timeout after <num> on run <id> …');
    expect(b).toBe(a);
    expect(jaccard(wordSet('timeout after 30s on run 8f3a…'), wordSet('timeout after 45s on run 91c2…'))).toBe(1);
  });

  it.each([
    ['run 6f1c2a7e-8b1d-4c55-9a3e-1d2f3a4b5c01 failed', 'run <id> failed'],
    ['segfault at 0x7ffd5e8c', 'segfault at <id>'],
    ['object 4d2e9f10aa gone', 'object <id> gone'],
    ['token x7kq9lm2pz expired', 'token <id> expired'],
    ["no job 'job-42'", 'no job <id>'],
    ['KeyError: \'income\'', "keyerror: 'income'"],
    ['No such file: /data/in/2026-01-07.csv', 'no such file: <path>'],
    ['cannot open C:\\Users\\ci\\run.log', 'cannot open <path>'],
    ['see ./logs/x.txt and ~/cfg', 'see <path> and <path>'],
    ['in pipeline/score.py line 24', 'in <path> line <num>'],
    ['GET https://api.example.com/v1/items/123?x=1 returned 503', 'get <url> returned <num>'],
    ['at 2026-01-07T09:15:02.250Z and 14:03:22', 'at <time> and <time>'],
    ['took 45 ms, 1.5GB, 99% cpu, 3x', 'took <num> , <num> , <num> cpu, <num>'],
    ['utf8 and int64 and v1.2.3 stay', 'utf8 and int64 and v1.2.3 stay'],
    ['retry_3 of job_12', 'retry_ <num> of job_ <num>'],
  ])('%s', (input, want) => {
    expect(normalizeFailureText(input)).toBe(want);
  });

  it('keeps words that are hex by accident but have no digit (decade, facade)', () => {
    expect(normalizeFailureText('facade decade')).toBe('facade decade');
  });

  it('never reads more than a bounded prefix', () => {
    const long = 'word '.repeat(100_000);
    expect(normalizeFailureText(long).length).toBeLessThan(3000);
  });
});

describe('wordSet and jaccard', () => {
  it('splits on anything that is not a letter, digit or underscore; placeholders are words', () => {
    expect([...wordSet('ValueError: call_model exceeded 30.0s (retry 2)')].sort()).toEqual(
      ['<num>', 'call_model', 'exceeded', 'retry', 'valueerror'].sort(),
    );
  });

  it('is |a∩b| / |a∪b|, 0 for an empty side', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5);
    expect(jaccard(new Set(), new Set(['a']))).toBe(0);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });
});

describe('failureText', () => {
  it('is Type: message, a traceback by its last line', () => {
    expect(failureText({ type: 'ValueError', message: 'bad' })).toBe('ValueError: bad');
    expect(failureText({ type: 'ValueError', message: 'ValueError: bad' })).toBe('ValueError: bad');
    expect(failureText('Traceback (most recent call last):\n  File "a.py", line 1, in f\nKeyError: \'income\'\n')).toBe("KeyError: 'income'");
    expect(failureText({ message: '', stack: 'Error: boom\n    at f (a.js:1:1)' })).toBe('Error: boom');
    expect(failureText(undefined)).toBe('');
  });

  it('runFailureText falls back to the run’s own failed span', () => {
    const spans = [
      span('root', null, 0, { status: 'error', error: { message: 'Loop body failed: x' } }),
      span('child', 'root', 1, { status: 'error', error: { type: 'ValueError', message: 'x' } }),
    ];
    expect(ownFailures(spans).map((s) => s.id)).toEqual(['child']);
    expect(runFailureText(run('r'), spans)).toBe('ValueError: x');
    expect(runFailureText(run('r', { error: 'boom' }), spans)).toBe('boom');
  });
});

describe('findSimilarFailures', () => {
  const cands = [
    { run: run('old', { startMs: 1 }), text: 'timeout after 45s on run 91c2' },
    { run: run('new', { startMs: 2 }), text: 'timeout after 12s on run 77aa' },
    { run: run('half', { startMs: 3 }), text: 'timeout after 45s' },
    { run: run('other', { startMs: 4 }), text: 'KeyError: income' },
    { run: run('empty', { startMs: 5 }), text: '' },
  ];

  it('keeps those at or above the threshold, most similar first, newest first on ties, with a rounded similarity', () => {
    const r = findSimilarFailures('timeout after 30s on run 8f3a…', cands);
    expect(r.map((x) => [x.run.id, x.similarity])).toEqual([
      ['new', 1],
      ['old', 1],
      ['half', 0.5],
    ]);
  });

  it('takes a threshold and a limit', () => {
    expect(findSimilarFailures('timeout after 30s on run 8f3a', cands, { threshold: 0.6 }).map((x) => x.run.id)).toEqual(['new', 'old']);
    expect(findSimilarFailures('timeout after 30s on run 8f3a', cands, { limit: 1 }).map((x) => x.run.id)).toEqual(['new']);
    expect(findSimilarFailures('timeout after 30s on run 8f3a', cands, { threshold: 0 }).map((x) => x.run.id)).toEqual(['new', 'old', 'half']);
  });

  it('keeps only similarities above the threshold, as claude-flow (`similarity > 0.3`)', () => {
    const c = [{ run: run('r'), text: 'a b c d e f g h i j' }];
    expect(jaccard(wordSet('a b c'), wordSet(c[0]!.text))).toBe(0.3);
    expect(findSimilarFailures('a b c', c)).toEqual([]);
    expect(findSimilarFailures('a b c', c, { threshold: 0.29 }).map((x) => x.similarity)).toEqual([0.3]);
  });

  it('matches claude-flow’s own behaviour on plain words (lower-cased word sets, 0.3)', () => {
    const r = findSimilarFailures('Connection timeout to registry', [
      { run: run('a'), text: 'connection TIMEOUT to registry.example.com:443' },
      { run: run('b'), text: 'disk full' },
    ]);
    expect(r.map((x) => x.run.id)).toEqual(['a']);
    expect(r[0]!.similarity).toBeGreaterThanOrEqual(0.3);
    expect(similarityPercent(r[0]!.similarity)).toMatch(/^\d+%$/);
  });
});

describe('candidates from a store', () => {
  const spans: Span[] = [
    span('root', null, 0, { runId: 'r1', status: 'error', error: { message: 'Loop body failed: ValueError: got 12' } }),
    span('it1', 'root', 1, { runId: 'r1', status: 'error', error: { type: 'ValueError', message: 'got 12' } }),
    span('it2', 'root', 2, { runId: 'r1', status: 'error', error: { type: 'ValueError', message: 'got 15' } }),
    span('it3', 'root', 3, { runId: 'r1', status: 'error', error: { type: 'KeyError', message: "'x'" } }),
    span('ok', null, 0, { runId: 'r2' }),
  ];

  it('runCandidates: own failures with distinct normalized texts, else the run', () => {
    const r1 = run('r1', { status: 'error', error: 'Loop body failed', spanCount: 4 });
    expect(runCandidates(r1, spans.filter((s) => s.runId === 'r1')).map((c) => c.span?.id)).toEqual(['it1', 'it3']);
    const r2 = run('r2', { status: 'error', error: 'boom', spanCount: 1 });
    expect(runCandidates(r2, spans.filter((s) => s.runId === 'r2'))).toEqual([{ run: r2, text: 'boom' }]);
    expect(runCandidates(run('r3', { status: 'error' }), [])).toEqual([]);
  });

  it('collectFailureCandidates reads failed runs newest first, spans of the newest only', async () => {
    const runs = [
      run('r1', { status: 'error', error: 'Loop body failed', spanCount: 4, startMs: 10 }),
      run('r2', { status: 'error', error: 'boom', spanCount: 1, startMs: 5 }),
      run('r3', { status: 'ok', spanCount: 0, startMs: 20 }),
    ];
    const store = memStore('mem.db', runs, spans);
    const all = await collectFailureCandidates(store);
    expect(all.map((c) => `${c.run.id}/${c.span?.id ?? '-'}`)).toEqual(['r1/it1', 'r1/it3', 'r2/-']);
    const bounded = await collectFailureCandidates(store, { maxRuns: 1, maxSpanRuns: 0 });
    expect(bounded.map((c) => `${c.run.id}/${c.span?.id ?? '-'}`)).toEqual(['r1/-']);
  });

  it('a run whose spans cannot be read counts by its own error', async () => {
    const store = memStore('mem.db', [run('r9', { status: 'error', error: 'kaput', spanCount: 3 })], []);
    store.getSpans = async () => {
      throw new Error('gone');
    };
    expect((await collectFailureCandidates(store)).map((c) => c.text)).toEqual(['kaput']);
  });
});
