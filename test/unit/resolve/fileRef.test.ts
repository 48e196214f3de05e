import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../../src/model/types';
import { fileRefsInText, findFileRefs } from '../../../src/resolve/fileRef';
import { sample } from './helpers';

describe('fileRefsInText', () => {
  it('finds path:line and path:line:col references', () => {
    expect(fileRefsInText('pipelines/enrich.py:24')).toEqual([{ path: 'pipelines/enrich.py', line: 24 }]);
    expect(fileRefsInText('at src/x.ts:10:5 while scoring')).toEqual([{ path: 'src/x.ts', line: 10, column: 5 }]);
    expect(fileRefsInText('pipelines/enrich.py:24: in score_risk')).toEqual([{ path: 'pipelines/enrich.py', line: 24 }]);
    expect(fileRefsInText('(see "enrich.py:24", then [util.ts:3].)')).toEqual([
      { path: 'enrich.py', line: 24 },
      { path: 'util.ts', line: 3 },
    ]);
    expect(fileRefsInText('source=/home/ci/project/pipelines/enrich.py:24')).toEqual([
      { path: '/home/ci/project/pipelines/enrich.py', line: 24 },
    ]);
    expect(fileRefsInText('C:\\app\\src\\x.ts:7:2')).toEqual([{ path: 'C:\\app\\src\\x.ts', line: 7, column: 2 }]);
    expect(fileRefsInText('file:///app/src/x.ts:7')).toEqual([{ path: 'file:///app/src/x.ts', line: 7 }]);
    expect(fileRefsInText('.eslintrc.json:3 and my-file_v2.test.tsx:9')).toEqual([
      { path: '.eslintrc.json', line: 3 },
      { path: 'my-file_v2.test.tsx', line: 9 },
    ]);
  });

  it.each([
    '12:30',
    'window 12:30-13:00, ran at 08:14:03.120',
    '2025-11-20T08:14:03.120Z',
    'http://x:8080',
    'GET http://scoring.internal:8080/v1/score.py:3 failed',
    'https://example.com:443/a',
    'example.com:8080',
    'api.openai.com:443',
    '10.0.3.7:51234',
    'v1.2:3',
    'ratio 3.5:1',
    'Paused for HITL: Approve refund of $120.00 for order 4411?',
    '.py:24',
    'enrich.py:0',
    'enrich.py:',
    'enrich.py line 24',
  ])('takes no file reference from %j', (text) => {
    expect(fileRefsInText(text)).toEqual([]);
  });
});

describe('findFileRefs', () => {
  it("finds waft's metadata.source and nothing in its times, URL and host:port", () => {
    const rec = JSON.parse(sample('waft-span.json')) as Attributes;
    expect(findFileRefs(rec)).toEqual([{ path: 'pipelines/enrich.py', line: 24, key: 'metadata.source' }]);
  });

  it('reads nested objects and arrays, location-like keys first', () => {
    const attrs: Attributes = {
      'llm.prompt': 'Look at helpers/util.py:3 please',
      steps: [{ note: 'x' }, { where: ['a/b.ts:1', 'c.go:2'] }],
      metadata: { caller: 'pipelines/enrich.py:24' },
      count: 3,
      flag: null,
    };
    expect(findFileRefs(attrs).map((r) => `${r.key} ${r.path}:${r.line}`)).toEqual([
      'steps[1].where[0] a/b.ts:1',
      'steps[1].where[1] c.go:2',
      'metadata.caller pipelines/enrich.py:24',
      'llm.prompt helpers/util.py:3',
    ]);
  });

  it('drops references into libraries unless asked for them', () => {
    const attrs: Attributes = { msg: 'thrown at /app/node_modules/x/index.js:4:30 from /usr/lib/python3.11/json/decoder.py:353' };
    expect(findFileRefs(attrs)).toEqual([]);
    expect(findFileRefs(attrs, { includeLibraries: true })).toHaveLength(2);
  });

  it('skips the keys it is told to', () => {
    expect(findFileRefs({ feedback: 'a.py:1', source: 'b.py:2' }, { skipKeys: new Set(['feedback']) })).toEqual([
      { path: 'b.py', line: 2, key: 'source' },
    ]);
  });
});
