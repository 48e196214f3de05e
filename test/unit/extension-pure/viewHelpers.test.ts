import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../../src/analysis/tree';
import { describeFilter, isFilterActive, NO_FILTER, parseFilter, toRunFilter } from '../../../src/extension/filters';
import { IdDeduper, loadMoreNodeId, messageNodeId, runNodeId, spanNodeId, storeNodeId } from '../../../src/extension/runsView/nodeIds';
import { nodesOnErrorPaths, withoutChildren } from '../../../src/extension/runsView/treeHelpers';
import { nextReloadGapMs, sizeLimitBytes } from '../../../src/extension/stores/reloadPolicy';
import { fileSignature, isStoreFile } from '../../../src/sources/signature';
import type { Span } from '../../../src/model/types';

describe('node ids', () => {
  it('follow store|run|span and never collide on separators', () => {
    expect(storeNodeId('/w/a.db')).toBe('store|/w/a.db');
    expect(runNodeId('/w/a.db', 'r1')).toBe('run|/w/a.db|r1');
    expect(spanNodeId('/w/a.db', 'r1', 's1')).toBe('span|/w/a.db|r1|s1');
    expect(loadMoreNodeId('/w/a.db')).toBe('more|/w/a.db');
    expect(messageNodeId('/w/a.db', 'error')).toBe('msg|/w/a.db|error');
    expect(runNodeId('/a|b', 'c')).not.toBe(runNodeId('/a', 'b|c'));
    expect(runNodeId('/a%7Cb', 'c')).not.toBe(runNodeId('/a|b', 'c'));
  });
  it('dedupes repeated ids stably', () => {
    const d = new IdDeduper();
    expect([d.take('x'), d.take('y'), d.take('x'), d.take('x')]).toEqual(['x', 'y', 'x#2', 'x#3']);
  });
});

describe('filters', () => {
  it('no filter is inactive and describes as empty', () => {
    expect(isFilterActive(NO_FILTER)).toBe(false);
    expect(describeFilter(NO_FILTER)).toBe('');
    expect(toRunFilter(NO_FILTER)).toEqual({});
  });
  it('maps the view filter to the engine filter', () => {
    const f = { status: 'failed' as const, pipeline: 'checkout', window: '24h' as const };
    expect(isFilterActive(f)).toBe(true);
    expect(toRunFilter(f)).toEqual({ status: 'error', pipeline: 'checkout', sinceHours: 24 });
    expect(describeFilter(f)).toBe('failed · pipeline checkout · last 24 h');
    expect(toRunFilter({ status: 'running', window: '7d' })).toEqual({ status: 'running', sinceHours: 168 });
  });
  it('parses stored state defensively', () => {
    expect(parseFilter(undefined)).toEqual(NO_FILTER);
    expect(parseFilter({ status: 'bogus', window: '1h', pipeline: 3 })).toEqual({ status: 'all', window: '1h' });
    expect(parseFilter({ status: 'failed', window: 'all', pipeline: 'p' })).toEqual({ status: 'failed', window: 'all', pipeline: 'p' });
  });
});

const span = (id: string, parentId: string | null, status: Span['status'] = 'ok', start = 0): Span => ({
  id,
  runId: 'r',
  parentId,
  name: id,
  status,
  rawStatus: status,
  startOffsetMs: start,
  durationMs: 1,
  attributes: {},
  events: [],
});

describe('tree helpers', () => {
  it('marks the path to every failure', () => {
    const roots = buildSpanTree([
      span('root', null),
      span('loop', 'root', 'ok', 1),
      span('it1', 'loop', 'ok', 2),
      span('it2', 'loop', 'ok', 3),
      span('bad', 'it2', 'error', 4),
      span('other', 'root', 'ok', 5),
    ]);
    const marked = [...nodesOnErrorPaths(roots)].map((n) => n.id).sort();
    expect(marked).toEqual(['bad', 'it2', 'loop', 'root']);
  });
  it('copes with a very deep chain', () => {
    const spans = [span('0', null)];
    for (let i = 1; i < 50_000; i++) spans.push(span(String(i), String(i - 1), i === 49_999 ? 'error' : 'ok', i));
    expect(nodesOnErrorPaths(buildSpanTree(spans)).size).toBe(50_000);
  });
  it('withoutChildren drops the subtree only', () => {
    const [root] = buildSpanTree([span('a', null), span('b', 'a')]);
    const s = withoutChildren(root!);
    expect('children' in s).toBe(false);
    expect(s.id).toBe('a');
  });
});

describe('file signature', () => {
  it('changes when the db or -wal changes, not when -shm does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-sig-'));
    const db = path.join(dir, 'flujo_ops.db');
    const missing = await fileSignature(db);
    expect(missing.exists).toBe(false);
    fs.writeFileSync(db, 'x');
    const a = await fileSignature(db);
    expect(a.exists).toBe(true);
    expect(a.dbBytes).toBe(1);
    fs.writeFileSync(`${db}-shm`, 'shm');
    expect((await fileSignature(db)).key).toBe(a.key);
    fs.writeFileSync(`${db}-wal`, 'wal!');
    const b = await fileSignature(db);
    expect(b.key).not.toBe(a.key);
    expect(b.walBytes).toBe(4);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('recognizes the store files among a folder’s events', () => {
    expect(isStoreFile('/w/a.db', '/w/a.db')).toBe(true);
    expect(isStoreFile('/w/a.db', '/w/a.db-wal')).toBe(true);
    expect(isStoreFile('/w/a.db', '/w/a.db-shm')).toBe(false);
    expect(isStoreFile('/w/a.db', '/w/a.db.bak')).toBe(false);
  });
  it('size limit and reload gap', () => {
    expect(sizeLimitBytes(0)).toBe(Number.POSITIVE_INFINITY);
    expect(sizeLimitBytes(1)).toBe(1024 * 1024);
    expect(nextReloadGapMs(300, 50)).toBe(300);
    expect(nextReloadGapMs(300, 2000)).toBe(2000);
    expect(nextReloadGapMs(300, 10 ** 9)).toBe(30_000);
  });
});
