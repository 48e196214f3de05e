import { describe, expect, it, vi } from 'vitest';
import type { Span } from '../../../src/model/types';
import { errorFromFeedback } from '../../../src/sources/flujo/values';
import { resolveSpanSource, resolveSpanSourceRecorded, stackTexts } from '../../../src/resolve';
import { sample, span } from './helpers';

/** A failed Flujo step as the reader builds it: feedback attribute, error parsed from it. */
function flujoSpan(feedback: string, extra: Partial<Span> = {}): Span {
  return span({ attributes: { 'flujo.step.type': 'Step', feedback }, error: errorFromFeedback(feedback), ...extra });
}

/** A span with an OpenTelemetry `exception` event. */
function otelSpan(stack: string, extra: Partial<Span> = {}): Span {
  return span({
    events: [{ name: 'exception', attributes: { 'exception.type': 'TypeError', 'exception.stacktrace': stack } }],
    ...extra,
  });
}

const PY_WS = [
  'pipelines/enrich.py',
  'pipelines/pipeline.py',
  // A venv inside the workspace: its files are listed, and must still never be the answer.
  '.venv/lib/python3.11/site-packages/flujo/application/core/agents/agent_execution_runner.py',
  '.venv/lib/python3.11/site-packages/flujo/application/core/executor/step_executor.py',
];
const JS_WS = ['src/pipelines/score.js', 'src/enrich.js', 'node_modules/row-schema/lib/index.js', 'package.json'];

describe('resolveSpanSource: stacks', () => {
  it('Flujo feedback → the innermost user frame of the last exception, mapped into the workspace', () => {
    const r = resolveSpanSource(flujoSpan(sample('python-flujo-feedback.txt')), { workspaceFiles: PY_WS });
    expect(r).toEqual({
      path: 'pipelines/enrich.py',
      line: 24,
      via: 'stack',
      recordedPath: '/home/ci/project/pipelines/enrich.py',
      function: 'score_risk',
    });
  });

  it('OpenTelemetry JS exception event → the user frame under the node_modules frame that threw', () => {
    const r = resolveSpanSource(otelSpan(sample('v8-cjs.txt')), { workspaceFiles: JS_WS });
    expect(r).toMatchObject({ path: 'src/pipelines/score.js', line: 4, column: 18, via: 'stack', function: 'ratio' });
  });

  it('falls back outward when the innermost user frame is not in the workspace', () => {
    const ws = ['src/enrich.js', 'node_modules/row-schema/lib/index.js'];
    const r = resolveSpanSource(otelSpan(sample('v8-cjs.txt')), { workspaceFiles: ws });
    expect(r).toMatchObject({ path: 'src/enrich.js', line: 5, column: 50, via: 'stack' });
  });

  it('falls back to the handled exception when no frame of the last one maps', () => {
    const feedback = sample('python-flujo-feedback.txt').replace(
      '  File "/home/ci/project/pipelines/enrich.py", line 24',
      '  File "/home/ci/other-repo/generated/enrich_gen.py", line 24',
    );
    const r = resolveSpanSource(flujoSpan(feedback), { workspaceFiles: PY_WS });
    expect(r).toMatchObject({ path: 'pipelines/enrich.py', line: 9, function: 'load_thresholds' });
  });

  it('reads ES module file:// stacks, Java, Go and .NET', () => {
    expect(resolveSpanSource(otelSpan(sample('v8-esm.txt')), { workspaceFiles: ['src/score.mjs', 'src/enrich.mjs'] })).toMatchObject({
      path: 'src/score.mjs',
      line: 2,
      column: 39,
    });
    expect(
      resolveSpanSource(otelSpan(sample('java-caused-by.txt')), {
        workspaceFiles: ['src/main/java/com/acme/pipelines/ScoreRisk.java', 'src/main/java/com/acme/pipelines/EnrichJob.java'],
      }),
    ).toMatchObject({ path: 'src/main/java/com/acme/pipelines/ScoreRisk.java', line: 24, function: 'com.acme.pipelines.ScoreRisk.scoreAll' });
    expect(
      resolveSpanSource(span({ attributes: { 'exception.stacktrace': sample('go-http-panic.txt') } }), {
        workspaceFiles: ['pipelines/enrich/score.go', 'pipelines/enrich/handler.go', 'cmd/enrich/main.go'],
      }),
    ).toMatchObject({ path: 'pipelines/enrich/score.go', line: 24 });
    expect(
      resolveSpanSource(span({ error: { message: 'boom', stack: sample('dotnet-inner-exception.txt') } }), {
        workspaceFiles: ['src/Acme.Pipelines/Scoring.cs', 'src/Acme.Pipelines/EnrichJob.cs'],
      }),
    ).toMatchObject({ path: 'src/Acme.Pipelines/Scoring.cs', line: 24 });
  });

  it('reads a traceback kept in the error message or in error.stack / stacktrace attributes', () => {
    const tb = sample('python-flujo-feedback.txt');
    for (const s of [
      span({ error: { message: tb } }),
      span({ attributes: { 'error.stack': tb } }),
      span({ attributes: { stacktrace: tb } }),
      span({ attributes: { 'flujo.feedback': tb } }),
    ]) {
      expect(resolveSpanSource(s, { workspaceFiles: PY_WS })).toMatchObject({ path: 'pipelines/enrich.py', line: 24 });
    }
  });

  it('reads the latest exception event first', () => {
    const s = span({
      events: [
        { name: 'exception', attributes: { 'exception.stacktrace': 'Error: first\n    at a (/app/src/enrich.js:1:1)' } },
        { name: 'log', attributes: { message: 'retrying' } },
        { name: 'exception', attributes: { 'exception.stacktrace': 'Error: second\n    at b (/app/src/pipelines/score.js:2:2)' } },
      ],
    });
    expect(resolveSpanSource(s, { workspaceFiles: JS_WS })).toMatchObject({ path: 'src/pipelines/score.js', line: 2 });
  });
});

describe('resolveSpanSource: order', () => {
  const full = (): Span =>
    flujoSpan(sample('python-flujo-feedback.txt'), {
      attributes: {
        'code.filepath': '/home/ci/project/pipelines/pipeline.py',
        'code.lineno': 6,
        feedback: sample('python-flujo-feedback.txt'),
        metadata: { source: 'pipelines/pipeline.py:2' },
      },
    });
  const findStepDefinition = vi.fn(() => ({ path: 'pipelines/pipeline.py', line: 9 }));

  it('code attributes beat the stack', () => {
    expect(resolveSpanSource(full(), { workspaceFiles: PY_WS, findStepDefinition })).toEqual({
      path: 'pipelines/pipeline.py',
      line: 6,
      via: 'code-attributes',
      recordedPath: '/home/ci/project/pipelines/pipeline.py',
    });
    expect(findStepDefinition).not.toHaveBeenCalled();
  });

  it('the stack beats a file reference', () => {
    const s = full();
    delete s.attributes['code.filepath'];
    expect(resolveSpanSource(s, { workspaceFiles: PY_WS, findStepDefinition })).toMatchObject({ via: 'stack', line: 24 });
  });

  it('a file reference beats the step name', () => {
    const s = full();
    delete s.attributes['code.filepath'];
    delete s.attributes['feedback'];
    delete s.error;
    expect(resolveSpanSource(s, { workspaceFiles: PY_WS, findStepDefinition })).toEqual({
      path: 'pipelines/pipeline.py',
      line: 2,
      via: 'file-ref',
      recordedPath: 'pipelines/pipeline.py',
    });
  });

  it('the step name comes last, and is a guess', () => {
    const s = span({ name: 'score_risk' });
    expect(resolveSpanSource(s, { workspaceFiles: PY_WS, findStepDefinition })).toEqual({
      path: 'pipelines/pipeline.py',
      line: 9,
      guess: true,
      via: 'step-name',
      recordedPath: 'pipelines/pipeline.py',
    });
    expect(findStepDefinition).toHaveBeenCalledWith('score_risk');
  });

  it('a resolver whose path maps to nothing passes the turn to the next', () => {
    const s = full();
    s.attributes['code.filepath'] = '/home/ci/project/pipelines/gone.py';
    expect(resolveSpanSource(s, { workspaceFiles: PY_WS })).toMatchObject({ via: 'stack', line: 24 });
  });

  it("waft's metadata.source resolves by file reference", () => {
    const rec = JSON.parse(sample('waft-span.json')) as { name: string; metadata: Record<string, string> };
    const s = span({ name: rec.name, attributes: { metadata: rec.metadata } });
    expect(resolveSpanSource(s, { workspaceFiles: PY_WS })).toMatchObject({ path: 'pipelines/enrich.py', line: 24, via: 'file-ref' });
  });

  it('a one-line Flujo feedback naming a file is a file reference', () => {
    const s = flujoSpan('Agent execution failed at pipelines/enrich.py:24: KeyError');
    expect(resolveSpanSource(s, { workspaceFiles: PY_WS })).toMatchObject({ path: 'pipelines/enrich.py', line: 24, via: 'file-ref' });
  });
});

describe('resolveSpanSource: refusals', () => {
  it('never uses library frames, even when the library is in the workspace list', () => {
    const onlyLibrary = [
      'Traceback (most recent call last):',
      '  File "/home/ci/.venv/lib/python3.11/site-packages/flujo/application/core/agents/agent_execution_runner.py", line 10, in run',
      '  File "/usr/lib/python3.11/json/decoder.py", line 353, in raw_decode',
      'json.decoder.JSONDecodeError: Expecting value',
    ].join('\n');
    expect(resolveSpanSource(flujoSpan(onlyLibrary), { workspaceFiles: PY_WS })).toBeUndefined();
    const nodeOnly = 'TypeError: x\n    at f (/app/node_modules/row-schema/lib/index.js:4:30)\n    at node:internal/main:1:1';
    expect(resolveSpanSource(otelSpan(nodeOnly), { workspaceFiles: JS_WS })).toBeUndefined();
  });

  it('leaves a span unresolved when nothing maps into the workspace', () => {
    expect(resolveSpanSource(flujoSpan(sample('python-flujo-feedback.txt')), { workspaceFiles: ['src/app.ts'] })).toBeUndefined();
    expect(resolveSpanSource(flujoSpan(sample('python-flujo-feedback.txt')), { workspaceFiles: [] })).toBeUndefined();
  });

  it('refuses an ambiguous mapping rather than pick one of two files', () => {
    const ws = ['a/pipelines/enrich.py', 'b/pipelines/enrich.py'];
    expect(resolveSpanSource(flujoSpan(sample('python-flujo-feedback.txt')), { workspaceFiles: ws })).toBeUndefined();
  });

  it('drops a step definition outside the workspace list', () => {
    const findStepDefinition = () => ({ path: '/etc/passwd', line: 1 });
    expect(resolveSpanSource(span(), { workspaceFiles: PY_WS, findStepDefinition })).toBeUndefined();
  });

  it('does not take times, ports or IPs in attributes for files', () => {
    const s = span({
      attributes: { window: '12:30-13:00', endpoint: 'http://x:8080', peer: '10.0.3.7:51234', at: '08:14:03' },
    });
    expect(resolveSpanSource(s, { workspaceFiles: PY_WS })).toBeUndefined();
  });
});

describe('resolveSpanSourceRecorded', () => {
  it('returns the recorded location without a workspace', () => {
    expect(resolveSpanSourceRecorded(flujoSpan(sample('python-flujo-feedback.txt')))).toEqual({
      path: '/home/ci/project/pipelines/enrich.py',
      line: 24,
      via: 'stack',
      recordedPath: '/home/ci/project/pipelines/enrich.py',
      function: 'score_risk',
    });
  });

  it('turns file:// URLs into paths, keeps the URL as recordedPath', () => {
    const r = resolveSpanSourceRecorded(otelSpan(sample('v8-esm.txt')));
    expect(r?.path).toMatch(/^\/tmp\/ci-build\.\w+\/esm\/src\/score\.mjs$/);
    expect(r?.recordedPath).toMatch(/^file:\/\/\//);
    expect(resolveSpanSourceRecorded(span({ attributes: { 'code.file.path': 'file:///C:/app/x.ts', 'code.line.number': 3 } }))).toMatchObject({
      path: 'C:/app/x.ts',
      via: 'code-attributes',
    });
  });

  it('applies the same order, skips libraries, and has no step-name guess', () => {
    expect(resolveSpanSourceRecorded(span({ attributes: { 'code.filepath': '/a.py', 'code.lineno': 1, feedback: sample('python-flujo-feedback.txt') } })))
      .toMatchObject({ path: '/a.py', via: 'code-attributes' });
    expect(resolveSpanSourceRecorded(otelSpan(sample('v8-cjs.txt')))?.path).toMatch(/\/app\/src\/pipelines\/score\.js$/);
    expect(resolveSpanSourceRecorded(span({ attributes: { metadata: { source: 'pipelines/enrich.py:24' } } }))).toMatchObject({
      path: 'pipelines/enrich.py',
      via: 'file-ref',
    });
    expect(resolveSpanSourceRecorded(otelSpan('TypeError: x\n    at f (/app/node_modules/x/index.js:4:30)'))).toBeUndefined();
    expect(resolveSpanSourceRecorded(span())).toBeUndefined();
  });
});

describe('stackTexts', () => {
  it('reads each text once, error stack first and the message last', () => {
    const tb = sample('python-flujo-feedback.txt');
    const s = flujoSpan(tb);
    expect(stackTexts(s)).toEqual([tb.trim(), "'income'"]);
  });
});
