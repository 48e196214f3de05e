import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { buildSpanTree, detachedParent } from '../../../src/analysis/tree';
import { errorFromExceptionEvents, errorHeadline, errorText, exceptionEvent } from '../../../src/model/errors';
import { DUPLICATE_OF_KEY, normalizeSpans, PARENT_CYCLE_KEY, PARENT_MISSING_KEY } from '../../../src/model/normalize';
import type { Span, SpanEvent } from '../../../src/model/types';
import { openStore } from '../../../src/sources/open';
import { openOtlpStore } from '../../../src/sources/otlp/reader';
import { otlpLine } from '../otlp/helpers';

function span(id: string, parentId: string | null, startOffsetMs = 0, more: Partial<Span> = {}): Span {
  return { id, runId: 'r', parentId, name: id, status: 'ok', rawStatus: 'ok', startOffsetMs, attributes: {}, events: [], ...more };
}

const exception = (type: string, message: string, more: Record<string, string | boolean> = {}): SpanEvent => ({
  name: 'exception',
  attributes: { 'exception.type': type, 'exception.message': message, ...more },
});

describe('normalizeSpans: the pass every store goes through', () => {
  it('a second span with an id already seen gets id#2, the stored id kept; children keep the first', () => {
    const out = normalizeSpans([span('a', null), span('b', 'a'), span('a', null, 5)]);
    expect(out.map((s) => s.id)).toEqual(['a', 'b', 'a#2']);
    expect(out[2]!.attributes[DUPLICATE_OF_KEY]).toBe('a');
    expect(out[0]!.attributes[DUPLICATE_OF_KEY]).toBeUndefined();
  });

  it('a missing parent: a root, its stored parent kept and named by the tree', () => {
    const spans = [span('a', null), span('orphan', 'gone', 3)];
    const out = normalizeSpans(spans);
    expect(out[1]).toMatchObject({ parentId: null, attributes: { [PARENT_MISSING_KEY]: 'gone' } });
    expect(spans[1]!.parentId).toBe('gone'); // the input is not mutated
    expect(out[0]).toBe(spans[0]); // spans left as they were are not copied
    const roots = buildSpanTree(out);
    expect(detachedParent(roots[1]!, new Map(out.map((s) => [s.id, s])))).toEqual({ reason: 'missing-parent', parentId: 'gone' });
  });

  it('a cycle: its earliest-starting member becomes a root, marked; a self-parent too', () => {
    const out = normalizeSpans([span('x', 'y', 10), span('y', 'x', 2), span('z', 'y', 20), span('self', 'self', 1)]);
    const by = new Map(out.map((s) => [s.id, s]));
    expect(by.get('y')).toMatchObject({ parentId: null, attributes: { [PARENT_CYCLE_KEY]: 'x' } });
    expect(by.get('x')!.parentId).toBe('y');
    expect(by.get('z')!.parentId).toBe('y');
    expect(by.get('self')).toMatchObject({ parentId: null, attributes: { [PARENT_CYCLE_KEY]: 'self' } });
  });

  it('idempotent, and iterative on a 100k-deep chain', () => {
    const chain: Span[] = [];
    for (let i = 0; i < 100_000; i++) chain.push(span(`s${i}`, i === 0 ? `s${99_999}` : `s${i - 1}`, i));
    const once = normalizeSpans(chain);
    expect(once[0]).toMatchObject({ parentId: null, attributes: { [PARENT_CYCLE_KEY]: 's99999' } });
    const twice = normalizeSpans(once);
    expect(twice.every((s, i) => s === once[i])).toBe(true);
  });

  it('a failed or unset span with an exception event and no error gets it as its error; an OK span does not', () => {
    const events = [exception('ValueError', 'first, retried'), exception('KeyError', "'income'")];
    const out = normalizeSpans([
      span('failed', null, 0, { status: 'error', events }),
      span('unset', null, 0, { status: 'unset', events }),
      span('handled', null, 0, { status: 'ok', events }),
      span('own', null, 0, { status: 'error', events, error: { message: 'the reader said so' } }),
    ]);
    expect(out[0]!.error).toEqual({ type: 'KeyError', message: "'income'" });
    expect(out[1]!.error).toEqual({ type: 'KeyError', message: "'income'" });
    expect(out[2]!.error).toBeUndefined();
    expect(out[3]!.error).toEqual({ message: 'the reader said so' });
  });
});

describe('errors read the same everywhere (model/errors)', () => {
  it('the exception event: one marked escaped, else the last', () => {
    const a = exception('A', 'a');
    const b = exception('B', 'b');
    expect(exceptionEvent([a, { name: 'log', attributes: {} }, b])).toBe(b);
    const escaped = exception('E', 'e', { 'exception.escaped': true });
    expect(exceptionEvent([escaped, b])).toBe(escaped);
    expect(exceptionEvent([{ name: 'log', attributes: {} }])).toBeUndefined();
    expect(errorFromExceptionEvents([{ name: 'exception', attributes: {} }], 'status message')).toEqual({ message: 'status message' });
    expect(errorFromExceptionEvents([exception('T', '', { 'exception.stacktrace': 'at x' })])).toEqual({ type: 'T', message: 'T', stack: 'at x' });
  });

  it('Type: message, printed once', () => {
    expect(errorText({ type: 'KeyError', message: "'income'" })).toBe("KeyError: 'income'");
    expect(errorText({ type: 'KeyError', message: "KeyError: 'income'" })).toBe("KeyError: 'income'");
    expect(errorText({ type: 'Timeout', message: '' })).toBe('Timeout');
    expect(errorText({ message: 'plain' })).toBe('plain');
    expect(errorHeadline({ type: 'RuntimeError', message: 'boom\nmore detail' })).toBe('RuntimeError: boom');
    expect(errorHeadline({ message: 'Traceback (most recent call last):\n  File "a.py", line 1\nKeyError: \'x\'' })).toBe("KeyError: 'x'");
  });
});

describe('every opened store is normalized (sources/enrichStore)', () => {
  it('an OTLP span whose parent never arrived: the reader keeps it, openStore marks it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-normalize-'));
    try {
      const f = path.join(dir, 'app.otlp.jsonl');
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      fs.writeFileSync(
        f,
        otlpLine({ traceId, spanId: 'b7ad6b7169203331', name: 'root', startNs: 1_000_000_000n, endNs: 3_000_000_000n }) +
          otlpLine({ traceId, spanId: '00f067aa0ba902b7', parentSpanId: 'ffffffffffffffff', name: 'orphan', startNs: 1_500_000_000n, endNs: 2_000_000_000n }),
      );
      const raw = await openOtlpStore(f);
      const rawOrphan = (await raw.getSpans(traceId)).find((s) => s.name === 'orphan')!;
      expect(rawOrphan.parentId).toBe('ffffffffffffffff');
      await raw.close();
      const store = await openStore(f);
      const orphan = (await store.getSpans(traceId)).find((s) => s.name === 'orphan')!;
      expect(orphan).toMatchObject({ parentId: null, attributes: { [PARENT_MISSING_KEY]: 'ffffffffffffffff' } });
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
