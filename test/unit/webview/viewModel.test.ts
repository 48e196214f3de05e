import { describe, expect, it } from 'vitest';
import {
  attributeRows,
  buildSpanDetailsView,
  extractError,
  extractIo,
  extractUsage,
  lookup,
  MAX_IO_CHARS,
  naturalCompare,
  sanitizePreviewLength,
} from '../../../src/extension/details/viewModel';
import { formatDuration, formatOffset } from '../../../src/model/format';
import type { SpanEvent } from '../../../src/model/types';
import { makeRun, makeSpan } from './helpers';

describe('buildSpanDetailsView', () => {
  it('carries the header fields and is plain JSON', () => {
    const view = buildSpanDetailsView({
      storeId: '/work/proj/.flujo/flujo_ops.db',
      run: makeRun(),
      span: makeSpan({ status: 'error', rawStatus: 'failed', parentId: 'p' }),
    });
    expect(view.span).toMatchObject({
      id: 'span-1',
      name: 'analyze_step',
      status: 'error',
      rawStatus: 'failed',
      parentId: 'p',
      durationText: '1.25 s',
      offsetText: '+340 ms',
    });
    expect(view.run).toEqual({ id: 'run-1', name: 'review_pipeline', status: 'error', rawStatus: 'failed' });
    expect(view.store).toEqual({ id: '/work/proj/.flujo/flujo_ops.db', label: 'flujo_ops.db' });
    expect(view.promptPreviewLength).toBe(500);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('says running for a span without a duration', () => {
    const view = buildSpanDetailsView({ storeId: 's', run: makeRun(), span: makeSpan({ durationMs: undefined, status: 'running' }) });
    expect(view.span.durationText).toBe('running…');
  });

  it('describes the source and its availability', () => {
    const span = makeSpan({ source: { path: 'app/steps.py', line: 24, guess: true } });
    const off = buildSpanDetailsView({ storeId: 's', run: makeRun(), span, sourceAvailability: { available: false, reason: 'outside' } });
    expect(off.source).toEqual({ label: 'app/steps.py:24', path: 'app/steps.py', line: 24, guess: true, available: false, reason: 'outside' });
    const on = buildSpanDetailsView({ storeId: 's', run: makeRun(), span, sourceAvailability: { available: true } });
    expect(on.source?.available).toBe(true);
    expect(on.source?.reason).toBeUndefined();
    expect(buildSpanDetailsView({ storeId: 's', run: makeRun(), span: makeSpan() }).source).toBeUndefined();
  });

  it('falls back to the default preview length for nonsense settings', () => {
    expect(sanitizePreviewLength(undefined)).toBe(500);
    expect(sanitizePreviewLength(-3)).toBe(500);
    expect(sanitizePreviewLength(Number.NaN)).toBe(500);
    expect(sanitizePreviewLength('40')).toBe(500);
    expect(sanitizePreviewLength(40.7)).toBe(40);
  });
});

describe('formatting', () => {
  it('formats durations as the sidebar does (src/model/format.ts), and offsets', () => {
    const durationText = (durationMs: number) =>
      buildSpanDetailsView({ storeId: 's', run: makeRun(), span: makeSpan({ durationMs }) }).span.durationText;
    expect(durationText(0)).toBe('0 ms');
    expect(durationText(0.25)).toBe('0.25 ms');
    expect(durationText(3.456)).toBe('3.5 ms');
    expect(durationText(45.61)).toBe('46 ms');
    expect(durationText(456.4)).toBe('456 ms');
    expect(durationText(1250)).toBe('1.25 s');
    expect(durationText(12_340)).toBe('12.3 s');
    expect(durationText(59_600)).toBe('59.6 s');
    expect(durationText(123_000)).toBe('2m 03s');
    expect(durationText(3_720_000)).toBe('1h 02m');
    for (const ms of [0.25, 999, 59_600, 59_999, 3_599_999, 90_000_000]) expect(durationText(ms)).toBe(formatDuration(ms));
    expect(formatOffset(340)).toBe('+340 ms');
    expect(formatOffset(-2)).toBe('−2 ms');
    expect(formatOffset(59_600)).toBe('+59.6 s');
    const event = buildSpanDetailsView({
      storeId: 's',
      run: makeRun(),
      span: makeSpan({ events: [{ name: 'e', offsetMs: 123_000, attributes: {} }] }),
    }).events[0];
    expect(event.offsetText).toBe('+2m 03s');
  });

  it('orders keys naturally', () => {
    expect(['a.10', 'a.2', 'a.1', 'b'].sort(naturalCompare)).toEqual(['a.1', 'a.2', 'a.10', 'b']);
  });
});

describe('attributes', () => {
  it('sorts, stringifies and flags long values', () => {
    const long = 'x'.repeat(300);
    const rows = attributeRows({
      zeta: 1,
      alpha: true,
      nil: null,
      obj: { a: 1 },
      big: { text: long },
      text: long,
      lines: 'a\nb\nc\nd\ne\nf',
    });
    expect(rows.map((r) => r.key)).toEqual(['alpha', 'big', 'lines', 'nil', 'obj', 'text', 'zeta']);
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(by.zeta.value).toBe('1');
    expect(by.alpha.value).toBe('true');
    expect(by.nil.value).toBe('null');
    expect(by.obj.value).toBe('{"a":1}');
    expect(by.big.value).toContain('\n  "text": '); // pretty-printed when long
    expect(by.text.long).toBe(true);
    expect(by.text.preview.length).toBeLessThanOrEqual(201);
    expect(by.text.preview.endsWith('…')).toBe(true);
    expect(by.lines.long).toBe(true);
    expect(by.lines.preview).toBe('a\nb\nc\nd…');
    expect(by.obj.long).toBe(false);
    expect(by.obj.preview).toBe(by.obj.value);
  });
});

describe('attribute cap', () => {
  it('cuts giant values and says so', () => {
    const [row] = attributeRows({ big: 'q'.repeat(MAX_IO_CHARS + 5) });
    expect(row.value.startsWith('q'.repeat(MAX_IO_CHARS))).toBe(true);
    expect(row.value.endsWith('\n… (5 more characters not shown)')).toBe(true);
    expect(row.long).toBe(true);
  });
});

describe('lookup', () => {
  it('finds literal dotted keys, nested objects and JSON text', () => {
    expect(lookup({ 'data.input': 1 }, 'data.input')).toBe(1);
    expect(lookup({ data: { input: 2 } }, 'data.input')).toBe(2);
    expect(lookup({ data: '{"input": 3}' }, 'data.input')).toBe(3);
    expect(lookup({ 'gen_ai.usage': { input_tokens: 4 } }, 'gen_ai.usage.input_tokens')).toBe(4);
    expect(lookup({ gen_ai: { usage: { input_tokens: 5 } } }, 'gen_ai.usage.input_tokens')).toBe(5);
    expect(lookup({ tokens: 153 }, 'tokens.input')).toBeUndefined();
    expect(lookup({}, 'x')).toBeUndefined();
  });
});

describe('input / output', () => {
  it('reads Flujo-style step_input / step_output, pretty-printing JSON text', () => {
    const io = extractIo(makeSpan({ attributes: { step_input: '{"q":"hi"}', step_output: 'done' } }));
    expect(io.map((b) => [b.kind, b.source, b.text])).toEqual([
      ['input', 'step_input', '{\n  "q": "hi"\n}'],
      ['output', 'step_output', 'done'],
    ]);
  });

  it('reads flujo.step.input, flujo.input and drops duplicates of the same text', () => {
    const io = extractIo(makeSpan({ attributes: { 'flujo.step.input': 'same', step_input: 'same', 'flujo.input': 'other' } }));
    expect(io.map((b) => b.source)).toEqual(['step_input', 'flujo.input']);
  });

  it('reads waft-style data.input / data.output, literal or nested', () => {
    const literal = extractIo(makeSpan({ attributes: { 'data.input': { n: 1 }, 'data.output': [1, 2] } }));
    expect(literal.map((b) => [b.source, b.text])).toEqual([
      ['data.input', '{\n  "n": 1\n}'],
      ['data.output', '[\n  1,\n  2\n]'],
    ]);
    const nested = extractIo(makeSpan({ attributes: { data: { input: 'in', output: 'out', other: 1 } } }));
    expect(nested.map((b) => [b.kind, b.source, b.text])).toEqual([
      ['input', 'data.input', 'in'],
      ['output', 'data.output', 'out'],
    ]);
  });

  it('reads OTel GenAI prompt/completion, flat and indexed', () => {
    const flat = extractIo(makeSpan({ attributes: { 'gen_ai.prompt': 'Hello?', 'gen_ai.completion': 'Hi!' } }));
    expect(flat.map((b) => [b.kind, b.source])).toEqual([
      ['input', 'gen_ai.prompt'],
      ['output', 'gen_ai.completion'],
    ]);
    const indexed = extractIo(
      makeSpan({
        attributes: {
          'gen_ai.prompt.10.content': 'ten',
          'gen_ai.prompt.0.role': 'system',
          'gen_ai.prompt.0.content': 'Be brief',
          'gen_ai.prompt.1.role': 'user',
          'gen_ai.completion.0.content': 'OK',
        },
      }),
    );
    expect(indexed[0]).toMatchObject({ kind: 'input', source: 'gen_ai.prompt.*' });
    expect(indexed[0].text).toBe('0.content: Be brief\n0.role: system\n1.role: user\n10.content: ten');
    expect(indexed[1]).toMatchObject({ kind: 'output', source: 'gen_ai.completion.*', text: '0.content: OK' });
  });

  it('reads OpenInference llm.input_messages and input.value', () => {
    const io = extractIo(
      makeSpan({ attributes: { 'llm.input_messages.0.message.content': 'q', 'input.value': 'raw', 'output.value': 'ans' } }),
    );
    expect(io.map((b) => b.source)).toEqual(['input.value', 'llm.input_messages.*', 'output.value']);
  });

  it('reads Flujo agent.input / agent.response events, preferring the full text', () => {
    const io = extractIo(
      makeSpan({
        events: [
          { name: 'agent.input', attributes: { input_preview: 'short', input_full: 'the full input' } },
          { name: 'agent.response', attributes: { response_preview: 'resp' } },
          { name: 'agent.input', attributes: { input_preview: 'retry input' } },
        ],
      }),
    );
    expect(io.map((b) => [b.kind, b.source, b.text])).toEqual([
      ['input', 'event agent.input', 'the full input'],
      ['input', 'event agent.input #2', 'retry input'],
      ['output', 'event agent.response', 'resp'],
    ]);
  });

  it('truncates to the preview length and caps huge payloads', () => {
    const [b] = extractIo(makeSpan({ attributes: { input: 'a'.repeat(1000) } }), 500);
    expect(b.truncated).toBe(true);
    expect(b.preview.length).toBe(500);
    expect(b.text.length).toBe(1000);
    expect(b.length).toBe(1000);
    expect(b.capped).toBe(false);

    const [short] = extractIo(makeSpan({ attributes: { input: 'abc' } }), 500);
    expect(short).toMatchObject({ truncated: false, preview: 'abc', text: 'abc' });

    const [huge] = extractIo(makeSpan({ attributes: { output: 'z'.repeat(MAX_IO_CHARS + 10) } }), 20);
    expect(huge.capped).toBe(true);
    expect(huge.text.length).toBe(MAX_IO_CHARS);
    expect(huge.length).toBe(MAX_IO_CHARS + 10);
    expect(huge.preview.length).toBe(20);
  });

  it('uses the configured preview length through the view', () => {
    const view = buildSpanDetailsView({
      storeId: 's',
      run: makeRun(),
      span: makeSpan({ attributes: { 'gen_ai.prompt': 'p'.repeat(100) } }),
      promptPreviewLength: 30,
    });
    expect(view.io[0].preview).toBe('p'.repeat(30));
    expect(view.io[0].truncated).toBe(true);
  });

  it('ignores null payloads and finds nothing in plain spans', () => {
    expect(extractIo(makeSpan({ attributes: { input: null, foo: 'bar' } }))).toEqual([]);
  });
});

describe('tokens and cost', () => {
  it('reads OTel GenAI usage', () => {
    const u = extractUsage(makeSpan({ attributes: { 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 33 } }));
    expect(u).toEqual({
      inputTokens: 120,
      outputTokens: 33,
      totalTokens: 153,
      sources: ['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens'],
    });
  });

  it('reads the legacy prompt/completion names and numeric strings', () => {
    const u = extractUsage(makeSpan({ attributes: { 'gen_ai.usage.prompt_tokens': '7', 'gen_ai.usage.completion_tokens': 3 } }));
    expect(u).toMatchObject({ inputTokens: 7, outputTokens: 3, totalTokens: 10 });
  });

  it('reads OpenInference llm.token_count.* and llm.cost', () => {
    const u = extractUsage(
      makeSpan({
        attributes: {
          'llm.token_count.prompt': 10,
          'llm.token_count.completion': 5,
          'llm.token_count.total': 16,
          'llm.cost': { total: 0.0021 },
        },
      }),
    );
    expect(u).toMatchObject({ inputTokens: 10, outputTokens: 5, totalTokens: 16, costUsd: 0.0021 });
    expect(u?.sources).toContain('llm.cost.total');
  });

  it('reads Flujo token_counts (number or object) and cost_usd', () => {
    expect(extractUsage(makeSpan({ attributes: { token_counts: 153, cost_usd: 0.0023 } }))).toEqual({
      totalTokens: 153,
      costUsd: 0.0023,
      sources: ['token_counts', 'cost_usd'],
    });
    expect(
      extractUsage(makeSpan({ attributes: { token_counts: '{"prompt_tokens": 100, "completion_tokens": 20}' } })),
    ).toMatchObject({ inputTokens: 100, outputTokens: 20, totalTokens: 120 });
    expect(extractUsage(makeSpan({ attributes: { tokens: { input: 4, output: 6, total: 11 } } }))).toMatchObject({
      inputTokens: 4,
      outputTokens: 6,
      totalTokens: 11,
    });
  });

  it('reads Flujo trace-contract budget attributes and flujo.cost_usd', () => {
    expect(
      extractUsage(makeSpan({ attributes: { 'flujo.budget.actual_tokens': 153, 'flujo.budget.actual_cost_usd': 0.0023 } })),
    ).toMatchObject({ totalTokens: 153, costUsd: 0.0023 });
    expect(extractUsage(makeSpan({ attributes: { 'flujo.cost_usd': '$0.5' } }))).toMatchObject({ costUsd: 0.5 });
    expect(extractUsage(makeSpan({ attributes: { cost: 1.5 } }))).toMatchObject({ costUsd: 1.5 });
  });

  it('sums Flujo agent.usage events when attributes have nothing', () => {
    const u = extractUsage(
      makeSpan({
        events: [
          { name: 'agent.usage', attributes: { input_tokens: 10, output_tokens: 2, cost_usd: 0.001 } },
          { name: 'agent.usage', attributes: { input_tokens: 5, output_tokens: null, cost_usd: 0.002 } },
        ],
      }),
    );
    expect(u).toMatchObject({ inputTokens: 15, outputTokens: 2, totalTokens: 17 });
    expect(u?.costUsd).toBeCloseTo(0.003);
    expect(u?.sources).toEqual(['event agent.usage']);
  });

  it('is absent when nothing is recorded', () => {
    expect(extractUsage(makeSpan({ attributes: { model: 'gpt-4o' } }))).toBeUndefined();
  });
});

describe('error', () => {
  it('uses span.error, filling the stack from an exception event', () => {
    const e = extractError(
      makeSpan({
        status: 'error',
        error: { type: 'ValueError', message: 'bad' },
        events: [{ name: 'exception', attributes: { 'exception.stacktrace': 'Traceback…' } }],
      }),
    );
    expect(e).toEqual({ type: 'ValueError', message: 'bad', stack: 'Traceback…', origin: 'span' });
  });

  it('reads an OTel exception event', () => {
    const e = extractError(
      makeSpan({
        status: 'error',
        events: [
          {
            name: 'exception',
            offsetMs: 3,
            attributes: { 'exception.type': 'KeyError', 'exception.message': "'x'", 'exception.stacktrace': 'st' },
          },
        ],
      }),
    );
    expect(e).toEqual({ type: 'KeyError', message: "'x'", stack: 'st', origin: 'exception event' });
  });

  it('of several exception events, the one the readers take (model/errors: escaped, else the last)', () => {
    const ev = (type: string, message: string): SpanEvent => ({ name: 'exception', attributes: { 'exception.type': type, 'exception.message': message } });
    const events = [ev('TimeoutError', 'retried'), ev('KeyError', "'x'")];
    expect(extractError(makeSpan({ status: 'error', events }))).toMatchObject({ type: 'KeyError', message: "'x'", origin: 'exception event' });
    // A span whose reader derived the error fills a missing type from the same event.
    expect(extractError(makeSpan({ status: 'error', events, error: { message: "'x'" } }))).toMatchObject({ type: 'KeyError', origin: 'span' });
  });

  it('reads exception / error attributes', () => {
    expect(extractError(makeSpan({ attributes: { 'error.message': 'boom', 'error.type': 'Timeout' } }))).toEqual({
      type: 'Timeout',
      message: 'boom',
      origin: 'attributes',
    });
  });

  it('takes a failed Flujo step message from feedback', () => {
    const e = extractError(
      makeSpan({ status: 'error', rawStatus: 'failed', attributes: { feedback: 'Agent returned invalid JSON' } }),
    );
    expect(e).toEqual({ message: 'Agent returned invalid JSON', origin: 'feedback (feedback)' });
    expect(extractError(makeSpan({ status: 'error', attributes: { 'flujo.feedback': 'nope' } }))?.origin).toBe(
      'feedback (flujo.feedback)',
    );
  });

  it('ignores feedback on a successful step', () => {
    expect(extractError(makeSpan({ status: 'ok', attributes: { feedback: 'looks good' } }))).toBeUndefined();
  });

  it('still says something for a failed span with no message', () => {
    const e = extractError(makeSpan({ status: 'error', rawStatus: 'failed' }));
    expect(e?.origin).toBe('status');
    expect(e?.message).toContain('"failed"');
  });
});
