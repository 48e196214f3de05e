import { describe, expect, it } from 'vitest';
import {
  innermostUserFrame,
  isUserFrame,
  isUserPath,
  parseDotnetStack,
  parseGoStack,
  parseJavaStack,
  parsePythonStack,
  parseStack,
  parseV8Stack,
  userFrames,
} from '../../../src/resolve/stack';
import { sample } from './helpers';

const at = (f: { path: string; line: number; column?: number } | undefined) =>
  f && `${f.path}:${f.line}${f.column !== undefined ? `:${f.column}` : ''}`;

describe('Python tracebacks (Flujo feedback)', () => {
  const text = sample('python-flujo-feedback.txt');

  it('lists the last exception innermost-first, then the exception it was handling', () => {
    const frames = parsePythonStack(text);
    expect(frames.map((f) => `${f.path.split('/').pop()}:${f.line} ${f.function}`)).toEqual([
      'enrich.py:24 score_risk',
      'agent_execution_runner.py:10 run',
      'step_executor.py:11 execute_step',
      'decoder.py:353 raw_decode',
      'decoder.py:337 decode',
      '__init__.py:346 loads',
      'enrich.py:9 load_thresholds',
      'enrich.py:19 score_risk',
    ]);
    expect(frames.every((f) => f.language === 'python' && f.column === undefined)).toBe(true);
  });

  it("takes the innermost user frame of the LAST exception, past flujo's site-packages frames", () => {
    const f = innermostUserFrame(text);
    expect(f).toMatchObject({ path: '/home/ci/project/pipelines/enrich.py', line: 24, function: 'score_risk' });
  });

  it('skips the standard library and site-packages', () => {
    expect(userFrames(text).map(at)).toEqual([
      '/home/ci/project/pipelines/enrich.py:24',
      '/home/ci/project/pipelines/enrich.py:9',
      '/home/ci/project/pipelines/enrich.py:19',
    ]);
  });

  it("reads the fixture store's one-exception traceback and 'raise from' chains", () => {
    const flujoStore = [
      'Traceback (most recent call last):',
      '  File "/home/ci/.venv/lib/python3.12/site-packages/flujo/application/core/agents/agent_execution_runner.py", line 412, in run',
      '    output = await agent.run(data, context=context)',
      '  File "/home/ci/project/pipelines/enrich.py", line 24, in score_risk',
      '    ratio = row["debt"] / row["income"]',
      '                          ~~~^^^^^^^^^^',
      "KeyError: 'income'",
    ].join('\n');
    expect(at(innermostUserFrame(flujoStore))).toBe('/home/ci/project/pipelines/enrich.py:24');

    const direct = [
      'Traceback (most recent call last):',
      '  File "/srv/app/a.py", line 3, in inner',
      'KeyError: 1',
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "/srv/app/b.py", line 8, in outer',
      'RuntimeError: wrapped',
    ].join('\r\n');
    expect(parsePythonStack(direct).map(at)).toEqual(['/srv/app/b.py:8', '/srv/app/a.py:3']);
  });

  it('reads exception groups, frozen modules and header-less stacks', () => {
    const group = [
      '  + Exception Group Traceback (most recent call last):',
      '  |   File "<frozen runpy>", line 198, in _run_module_as_main',
      '  |   File "/srv/app/main.py", line 12, in main',
      '  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)',
      '  +-+---------------- 1 ----------------',
      '    | Traceback (most recent call last):',
      '    |   File "/srv/app/steps.py", line 40, in fetch',
      '    | TimeoutError',
      '    +------------------------------------',
    ].join('\n');
    expect(userFrames(group).map(at)).toEqual(['/srv/app/steps.py:40', '/srv/app/main.py:12']);
    expect(parsePythonStack('  File "/srv/app/x.py", line 5, in f\n  File "/srv/app/y.py", line 6\n').map(at)).toEqual([
      '/srv/app/y.py:6',
      '/srv/app/x.py:5',
    ]);
  });
});

describe('V8 stacks (OpenTelemetry JS recordException)', () => {
  it('reads named, anonymous and location-less frames, innermost first', () => {
    const frames = parseV8Stack(sample('v8-cjs.txt'));
    expect(frames.map((f) => `${f.function ?? '-'} ${f.path.replace(/^.*\/app\//, '')}:${f.line}:${f.column}`)).toEqual([
      'requireField node_modules/row-schema/lib/index.js:4:30',
      'ratio src/pipelines/score.js:4:18',
      'scoreRisk src/pipelines/score.js:8:10',
      '- src/enrich.js:5:50',
      '- node_modules/row-schema/lib/index.js:8:28',
      'mapRows node_modules/row-schema/lib/index.js:8:15',
      'enrichCustomers src/enrich.js:5:10',
      'Object.<anonymous> src/enrich.js:8:3',
      'Module._compile node:internal/modules/cjs/loader:1521:14',
    ]);
  });

  it('skips the node_modules frame the error was thrown in, and node: internals', () => {
    const text = sample('v8-cjs.txt');
    const f = innermostUserFrame(text);
    expect(f?.path).toMatch(/\/app\/src\/pipelines\/score\.js$/);
    expect(f).toMatchObject({ line: 4, column: 18, function: 'ratio' });
    expect(userFrames(text).some((u) => /node_modules|node:/.test(u.path))).toBe(false);
  });

  it('reads ES module stacks with file:// URLs', () => {
    const text = sample('v8-esm.txt');
    const frames = parseStack(text);
    expect(frames[0]).toMatchObject({ function: 'scoreRisk', line: 2, column: 39, language: 'javascript' });
    expect(frames[0]!.path).toMatch(/^file:\/\/\/.*\/esm\/src\/score\.mjs$/);
    expect(frames[1]!.function).toBeUndefined();
    expect(userFrames(text)).toHaveLength(4);
  });

  it('reads async, constructor, aliased, eval, Windows and browser frames', () => {
    const text = [
      'Error: boom',
      '    at async Promise.all (index 0)',
      '    at new Scorer (/app/src/scorer.ts:10:11)',
      '    at Scorer.run [as execute] (/app/src/scorer.ts:20:5)',
      '    at async handler (C:\\app\\src\\handler.ts:3:9)',
      '    at eval (eval at compile (/app/src/tpl.js:7:12), <anonymous>:1:1)',
      '    at native',
      '    at internal/main/run_main_module.js:17:47',
    ].join('\n');
    expect(parseV8Stack(text).map((f) => `${f.function} ${at(f)}`)).toEqual([
      'Scorer /app/src/scorer.ts:10:11',
      'Scorer.run /app/src/scorer.ts:20:5',
      'handler C:\\app\\src\\handler.ts:3:9',
      'eval /app/src/tpl.js:7:12',
      'undefined internal/main/run_main_module.js:17:47',
    ]);
    expect(userFrames(text)).toHaveLength(4);
    expect(parseV8Stack('scoreRisk@http://localhost:3000/src/score.ts:8:10\n@http://localhost:3000/src/main.ts:2:1').map(at)).toEqual([
      'http://localhost:3000/src/score.ts:8:10',
      'http://localhost:3000/src/main.ts:2:1',
    ]);
  });
});

describe('Java stacks', () => {
  const text = sample('java-caused-by.txt');

  it('turns class names into package paths, top exception first, then its causes', () => {
    const frames = parseJavaStack(text);
    expect(frames[0]).toEqual({
      path: 'com/acme/pipelines/ScoreRisk.java',
      line: 24,
      function: 'com.acme.pipelines.ScoreRisk.scoreAll',
      language: 'java',
    });
    expect(frames[2]).toMatchObject({ path: 'java/lang/NumberFormatException.java', function: 'java.lang.NumberFormatException.forInputString' });
    expect(frames).toHaveLength(15);
  });

  it('skips JDK frames', () => {
    expect(userFrames(text).map(at)).toEqual([
      'com/acme/pipelines/ScoreRisk.java:24',
      'com/acme/pipelines/EnrichJob.java:9',
      'com/acme/pipelines/ScoreRisk.java:12',
      'com/acme/pipelines/ScoreRisk.java:16',
      'com/acme/pipelines/ScoreRisk.java:22',
    ]);
  });

  it('reads class-loader prefixes, the default package, inner classes and logback suffixes', () => {
    const t = [
      '\tat app//com.acme.Main$Worker.run(Main.java:30)',
      '\tat Main.main(Main.java:3)',
      '\tat org.acme.Lib.call(Lib.java:80) ~[lib-1.0.jar:1.0]',
      '\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)',
    ].join('\n');
    expect(parseJavaStack(t).map(at)).toEqual(['com/acme/Main.java:30', 'Main.java:3', 'org/acme/Lib.java:80']);
  });
});

describe('Go panics', () => {
  const text = sample('go-http-panic.txt');

  it('reads the panicking goroutine only, with inlined frames and created-by', () => {
    const frames = parseGoStack(text);
    expect(frames.map((f) => `${f.function} ${at(f)}`)).toEqual([
      'net/http.(*conn).serve.func1 /usr/local/go/src/net/http/server.go:1903',
      'panic /usr/local/go/src/runtime/panic.go:770',
      'example.com/acme/pipelines/enrich.scoreRisk /home/ci/project/pipelines/enrich/score.go:24',
      'example.com/acme/pipelines/enrich.(*Handler).ServeHTTP /home/ci/project/pipelines/enrich/handler.go:41',
      'net/http.serverHandler.ServeHTTP /usr/local/go/src/net/http/server.go:3137',
      'net/http.(*conn).serve /usr/local/go/src/net/http/server.go:2039',
      'net/http.(*Server).Serve /usr/local/go/src/net/http/server.go:3285',
    ]);
  });

  it('skips net/http and runtime', () => {
    expect(at(innermostUserFrame(text))).toBe('/home/ci/project/pipelines/enrich/score.go:24');
  });

  it('tells the standard library and the module cache from user packages', () => {
    expect(isUserFrame({ path: 'example.com/app/x.go', function: 'main.main', language: 'go' })).toBe(true);
    expect(isUserFrame({ path: '/go/src/app/x.go', function: 'example.com/app.F', language: 'go' })).toBe(true);
    expect(isUserFrame({ path: 'runtime/panic.go', function: 'runtime.gopanic', language: 'go' })).toBe(false);
    expect(isUserFrame({ path: '/home/ci/go/pkg/mod/github.com/x/y@v1.2.3/y.go', function: 'github.com/x/y.F', language: 'go' })).toBe(false);
    expect(isUserFrame({ path: 'github.com/x/y@v1.2.3/y.go', function: 'github.com/x/y.F', language: 'go' })).toBe(false);
  });
});

describe('.NET stacks', () => {
  const text = sample('dotnet-inner-exception.txt');

  it('reads the outer exception first, then the inner one; frames without a location are dropped', () => {
    expect(parseDotnetStack(text).map((f) => `${f.function} ${f.path.split('/').pop()}:${f.line}`)).toEqual([
      'Acme.Pipelines.Scoring.ScoreRisk Scoring.cs:24',
      'Acme.Pipelines.EnrichJob.<>c.<RunAsync>b__3_0 EnrichJob.cs:31',
      'Acme.Pipelines.EnrichJob.RunAsync EnrichJob.cs:31',
      'Acme.Pipelines.Program.Main Program.cs:12',
      'Acme.Pipelines.Scoring.Income Scoring.cs:12',
      'Acme.Pipelines.Scoring.ScoreRisk Scoring.cs:19',
    ]);
    expect(at(innermostUserFrame(text))).toBe('/home/ci/project/src/Acme.Pipelines/Scoring.cs:24');
  });

  it('reads Windows paths and a localized "line", skips System./Microsoft. frames', () => {
    const t = [
      '   at System.Text.Json.JsonSerializer.Deserialize(String json) in /_/src/libraries/System.Text.Json/src/JsonSerializer.cs:line 40',
      '   at Acme.Api.Handler.Post(Request r) in C:\\src\\Acme.Api\\Handler.cs:Zeile 17',
    ].join('\n');
    expect(userFrames(t).map(at)).toEqual(['C:\\src\\Acme.Api\\Handler.cs:17']);
  });
});

describe('isUserPath', () => {
  it.each([
    '/home/ci/.venv/lib/python3.11/site-packages/flujo/x.py',
    '/usr/lib/python3/dist-packages/yaml/x.py',
    '/usr/lib/python3.11/json/decoder.py',
    '/usr/local/lib/python3.12/asyncio/tasks.py',
    '/root/.pyenv/versions/3.11.7/lib/python3.11/asyncio/runners.py',
    '/opt/conda/envs/ml/lib/python3.13t/threading.py',
    'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\json\\decoder.py',
    'C:\\ProgramData\\miniconda3\\Lib\\asyncio\\base_events.py',
    '<frozen importlib._bootstrap>',
    '<string>',
    '<anonymous>',
    'native',
    'node:internal/modules/cjs/loader',
    'node:events',
    '/app/node_modules/express/lib/router/index.js',
    'file:///app/node_modules/.pnpm/x@1.0.0/node_modules/x/index.js',
    'http://localhost:5173/node_modules/.vite/deps/react.js',
    '/usr/local/go/src/net/http/server.go',
    '/home/ci/go/pkg/mod/github.com/x/y@v1.2.3/y.go',
  ])('%s is not user code', (p) => {
    expect(isUserPath(p)).toBe(false);
  });

  it.each([
    '/home/ci/project/pipelines/enrich.py',
    '/app/src/x.ts',
    'pipelines/enrich.py',
    'C:\\app\\src\\x.ts',
    'file:///app/src/x.mjs',
    '/home/me/python/lib/mycode.py',
    '/home/me/lib/python-tools/x.py',
    '/go/src/example.com/app/main.go',
    'internal/service/enrich.py',
  ])('%s is user code', (p) => {
    expect(isUserPath(p)).toBe(true);
  });

  it('checks the function only for runtimes that name libraries by package', () => {
    expect(isUserFrame({ path: 'x/Y.java', function: 'java.util.List.get', language: 'java' })).toBe(false);
    expect(isUserFrame({ path: 'com/sun/X.java', function: 'com.sun.net.X.y', language: 'java' })).toBe(false);
    expect(isUserFrame({ path: '/app/s.js', function: 'System.run', language: 'javascript' })).toBe(true);
    expect(isUserFrame({ path: '/src/S.cs', function: 'Microsoft.Extensions.Hosting.Run', language: 'dotnet' })).toBe(false);
    expect(isUserFrame('/app/node_modules/x.js')).toBe(false);
    // Old Node's internals had no `node:`; only a JavaScript frame is read that way.
    expect(isUserFrame({ path: 'internal/modules/cjs/loader.js', language: 'javascript' })).toBe(false);
    expect(isUserFrame({ path: 'internal/service/enrich.py', language: 'python' })).toBe(true);
  });
});

describe('parseStack', () => {
  it('picks the format that reads the most frames', () => {
    expect(parseStack(sample('python-flujo-feedback.txt'))[0]!.language).toBe('python');
    expect(parseStack(sample('v8-cjs.txt'))[0]!.language).toBe('javascript');
    expect(parseStack(sample('java-caused-by.txt'))[0]!.language).toBe('java');
    expect(parseStack(sample('go-http-panic.txt'))[0]!.language).toBe('go');
    expect(parseStack(sample('dotnet-inner-exception.txt'))[0]!.language).toBe('dotnet');
  });

  it('reads both ends of a huge text: Python prints the most recent exception last', () => {
    const tb = sample('python-flujo-feedback.txt');
    const huge = tb.replace('During handling', `${'x'.repeat(2_000_000)}\nDuring handling`);
    expect(at(innermostUserFrame(huge))).toBe('/home/ci/project/pipelines/enrich.py:24');
    expect(at(innermostUserFrame(`${sample('v8-cjs.txt')}\n${'y'.repeat(2_000_000)}`))).toMatch(/score\.js:4:18$/);
  });

  it('finds nothing in text that is no stack', () => {
    expect(parseStack("KeyError: 'income'")).toEqual([]);
    expect(parseStack('Paused for HITL: Approve refund of $120.00 at 12:30?')).toEqual([]);
    expect(parseStack('')).toEqual([]);
  });
});
