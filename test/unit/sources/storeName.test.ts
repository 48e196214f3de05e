// One name per store wherever it is shown (the Runs view, Span Details, the timeline, search).
import { describe, expect, it } from 'vitest';
import { storeDisplayName } from '../../../src/sources/storeFiles';
import { storeLabel } from '../../../src/analysis/timeline/encode';

describe('storeDisplayName', () => {
  it('names a waft traces folder after its project, anything else by its last segment', () => {
    expect(storeDisplayName('/home/me/shop/_pyrite/analytics/traces')).toBe('shop');
    expect(storeDisplayName('/home/me/shop/_pyrite/analytics/traces/')).toBe('shop');
    expect(storeDisplayName('C:\\work\\shop\\_pyrite\\analytics\\traces')).toBe('shop');
    expect(storeDisplayName('/data/pipelines/flujo_ops.db')).toBe('flujo_ops.db');
    expect(storeDisplayName('/work/app/.spanlens/otlp')).toBe('otlp');
    expect(storeDisplayName('checkout.otlp.jsonl')).toBe('checkout.otlp.jsonl');
    // A folder named traces that is not waft's is just "traces".
    expect(storeDisplayName('/srv/traces')).toBe('traces');
    expect(storeDisplayName('postgres://reader@db.internal:5432/traces')).toBe('traces');
  });

  it('is what the timeline header says', () => {
    expect(storeLabel('/home/me/shop/_pyrite/analytics/traces')).toBe('shop');
  });
});
