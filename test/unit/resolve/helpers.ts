import { readFileSync } from 'fs';
import { fileURLToPath } from 'url';
import type { Span } from '../../../src/model/types';

const STACKS = fileURLToPath(new URL('../../fixtures/stacks/', import.meta.url));

/** A recorded sample from test/fixtures/stacks/. */
export function sample(name: string): string {
  return readFileSync(STACKS + name, 'utf8');
}

export function span(extra: Partial<Span> = {}): Span {
  return {
    id: 's1',
    runId: 'r1',
    parentId: null,
    name: 'score_risk',
    status: 'error',
    rawStatus: 'failed',
    startOffsetMs: 0,
    durationMs: 1,
    attributes: {},
    events: [],
    ...extra,
  };
}
