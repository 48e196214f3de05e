import { describe, expect, it } from 'vitest';
import { codeAttributesLocation } from '../../../src/resolve/codeAttributes';

describe('codeAttributesLocation', () => {
  it('reads the current semantic conventions', () => {
    expect(
      codeAttributesLocation({
        'code.file.path': '/app/src/score.ts',
        'code.line.number': 24,
        'code.column.number': 5,
        'code.function.name': 'com.acme.Score.run',
      }),
    ).toEqual({ path: '/app/src/score.ts', line: 24, column: 5, function: 'com.acme.Score.run' });
  });

  it('reads the deprecated generation, joining code.namespace and code.function', () => {
    expect(
      codeAttributesLocation({
        'code.filepath': '/home/ci/project/pipelines/enrich.py',
        'code.lineno': 24,
        'code.column': 9,
        'code.function': 'score_risk',
        'code.namespace': 'pipelines.enrich',
      }),
    ).toEqual({ path: '/home/ci/project/pipelines/enrich.py', line: 24, column: 9, function: 'pipelines.enrich.score_risk' });
  });

  it('prefers the newer key when an SDK writes both', () => {
    const loc = codeAttributesLocation({
      'code.filepath': '/old.py',
      'code.lineno': 1,
      'code.file.path': '/new.py',
      'code.line.number': 2,
    });
    expect(loc).toEqual({ path: '/new.py', line: 2 });
  });

  it('takes int64 values stored as text (OTLP/JSON) and nested keys', () => {
    expect(codeAttributesLocation({ 'code.filepath': 'a.py', 'code.lineno': '7' })).toEqual({ path: 'a.py', line: 7 });
    expect(codeAttributesLocation({ code: { file: { path: 'b.py' }, line: { number: 3 } } })).toEqual({ path: 'b.py', line: 3 });
  });

  it('refuses a location without a usable line or path', () => {
    expect(codeAttributesLocation({ 'code.filepath': '/app/x.py' })).toBeUndefined();
    expect(codeAttributesLocation({ 'code.filepath': '/app/x.py', 'code.lineno': 0 })).toBeUndefined();
    expect(codeAttributesLocation({ 'code.filepath': '/app/x.py', 'code.lineno': 'twelve' })).toBeUndefined();
    expect(codeAttributesLocation({ 'code.filepath': '  ', 'code.lineno': 3 })).toBeUndefined();
    expect(codeAttributesLocation({ 'code.lineno': 3 })).toBeUndefined();
    expect(codeAttributesLocation({})).toBeUndefined();
  });
});
