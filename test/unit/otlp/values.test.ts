import { describe, expect, it } from 'vitest';
import { anyValue, diffMs, nanos, nanosToMs, otlpId, spanKind, statusCode } from '../../../src/sources/otlp/values';

describe('OTLP/JSON values', () => {
  it('ids: hex kept (lowercased), base64 of 16/8 bytes turned into hex', () => {
    const hex = '5b8efff798038103d269b633813fc60c';
    expect(otlpId(hex.toUpperCase(), 16)).toBe(hex);
    expect(otlpId(Buffer.from(hex, 'hex').toString('base64'), 16)).toBe(hex);
    expect(otlpId(Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'), 8)).toBe('eee19b7ec3c1b174');
    expect(otlpId(Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64url').replace(/=+$/, ''), 8)).toBe('eee19b7ec3c1b174');
    expect(otlpId('', 8)).toBeUndefined();
    expect(otlpId(undefined, 16)).toBeUndefined();
    expect(otlpId('not-an-id', 8)).toBe('not-an-id');
  });

  it('nanoseconds: BigInt, no precision lost', () => {
    const start = nanos('1767952800100500123')!;
    const end = nanos('1767952800102000456')!;
    expect(diffMs(end, start)).toBe(1.500333);
    expect(nanosToMs(nanos('1767952800100000000')!)).toBe(1767952800100);
    expect(nanos('0')).toBeUndefined();
    expect(nanos('')).toBeUndefined();
    expect(nanos(1.5e18)).toBe(1500000000000000000n);
  });

  it('status codes and kinds as integers or enum names', () => {
    expect([2, '2', 'STATUS_CODE_ERROR', 1, 'STATUS_CODE_OK', 0, undefined, 'STATUS_CODE_UNSET'].map(statusCode)).toEqual([2, 2, 2, 1, 1, 0, 0, 0]);
    expect([1, 2, 'SPAN_KIND_CONSUMER', 0, undefined].map(spanKind)).toEqual(['INTERNAL', 'SERVER', 'CONSUMER', undefined, undefined]);
  });

  it('AnyValue: every type, nested', () => {
    expect(anyValue({ stringValue: 'x' })).toBe('x');
    expect(anyValue({ boolValue: false })).toBe(false);
    expect(anyValue({ intValue: '42' })).toBe(42);
    expect(anyValue({ intValue: 42 })).toBe(42);
    expect(anyValue({ intValue: '-9223372036854775808' })).toBe('-9223372036854775808');
    expect(anyValue({ doubleValue: 0.25 })).toBe(0.25);
    expect(anyValue({ doubleValue: 'Infinity' })).toBe('Infinity');
    expect(anyValue({ bytesValue: 'AAE=' })).toBe('AAE=');
    expect(anyValue({})).toBeNull();
    expect(
      anyValue({ kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, { kvlistValue: { values: [] } }] } } }] } }),
    ).toEqual({ a: [1, {}] });
    // hostile nesting is cut, not recursed into forever
    let deep: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < 5000; i++) deep = { arrayValue: { values: [deep] } };
    expect(() => anyValue(deep)).not.toThrow();
  });
});
