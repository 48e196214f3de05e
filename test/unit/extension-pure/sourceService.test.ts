/**
 * The source service's logic without an editor (extension/source/spanSources.ts): a fake locator
 * stands in for the workspace resolver, a fake check for "is this a workspace file".
 */
import { describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../../src/analysis/tree';
import { spansAhead, SpanSources, type SpanLocator } from '../../../src/extension/source/spanSources';
import type { SourceRef, Span } from '../../../src/model/types';
import { span } from '../analysis/helpers';

interface Loc {
  source: SourceRef;
  uri: string;
}

/** Answers from a table by span id; `delayMs` > 0 answers late; counts every question. */
class FakeLocator implements SpanLocator<Loc> {
  readonly asked: string[] = [];
  private readonly cache = new Map<string, Loc | null>();

  constructor(
    private readonly table: Record<string, SourceRef>,
    private readonly delayMs = 0,
    private readonly fail = new Set<string>(),
  ) {}

  peek(storeId: string, runId: string, s: Span): Loc | null | undefined {
    return this.cache.get(`${storeId}|${runId}|${s.id}`);
  }

  async resolve(storeId: string, runId: string, s: Span): Promise<Loc | undefined> {
    this.asked.push(s.id);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail.has(s.id)) throw new Error(`cannot read ${s.id}`);
    const src = this.table[s.id];
    const loc = src ? { source: src, uri: `file:///w/${src.path}` } : undefined;
    this.cache.set(`${storeId}|${runId}|${s.id}`, loc ?? null);
    return loc;
  }
}

const noRecorded = async (): Promise<{ available: false; reason: string }> => ({ available: false, reason: 'not checked' });

describe('source service: the Runs view', () => {
  const spans = [span('root', null, 0), span('a', 'root', 1), span('b', 'root', 2), span('c', 'a', 3)];

  it('labels a span once it is resolved: the location, null for none, undefined before', async () => {
    const loc = new FakeLocator({ a: { path: 'pipelines/enrich.py', line: 24 }, c: { path: 'x.py', line: 3, guess: true } });
    const sources = new SpanSources(loc, { checkRecorded: noRecorded });
    expect(sources.label('s', 'r', spans[1]!)).toBeUndefined();
    let late = 0;
    const inTime = await sources.prepare('s', 'r', buildSpanTree(spans), () => late++, () => {});
    expect(inTime).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(late).toBe(0); // in time: no second refresh of the rows
    expect(sources.label('s', 'r', spans[1]!)).toBe('pipelines/enrich.py:24');
    expect(sources.label('s', 'r', spans[3]!)).toBe('x.py:3 (guess)');
    expect(sources.label('s', 'r', spans[0]!)).toBeNull();
    expect([...loc.asked].sort()).toEqual(['a', 'b', 'c', 'root']);
  });

  it('resolves at most the bound of a run ahead, parents first, without recursion', () => {
    const many = [span('root', null, 0)];
    for (let i = 0; i < 50; i++) many.push(span(`s${i}`, i === 0 ? 'root' : `s${i - 1}`, i + 1));
    const ahead = spansAhead(buildSpanTree(many), 10);
    expect(ahead.map((s) => s.id)).toEqual(['root', 's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']);
  });

  it('does not keep the rows waiting: late answers call back once they are in', async () => {
    const loc = new FakeLocator({ a: { path: 'a.py', line: 1 } }, 60);
    const sources = new SpanSources(loc, { checkRecorded: noRecorded, treeWaitMs: 5 });
    let late = 0;
    const done = new Promise<void>((r) => {
      void sources.prepare('s', 'r', buildSpanTree(spans), () => { late++; r(); }, () => {}).then((inTime) => expect(inTime).toBe(false));
    });
    expect(sources.label('s', 'r', spans[1]!)).toBeUndefined();
    await done;
    expect(late).toBe(1);
    expect(sources.label('s', 'r', spans[1]!)).toBe('a.py:1');
  });

  it('a failing lookup is reported, not thrown at the view', async () => {
    const loc = new FakeLocator({}, 20, new Set(['b']));
    const sources = new SpanSources(loc, { checkRecorded: noRecorded, treeWaitMs: 1 });
    const errors: unknown[] = [];
    const reported = new Promise<void>((r) => void sources.prepare('s', 'r', buildSpanTree(spans), () => {}, (e) => { errors.push(e); r(); }));
    await reported;
    expect(String(errors[0])).toMatch(/cannot read b/);
  });
});

describe('source service: Span Details and Go to Source', () => {
  const run = { id: 'r' };

  it('the resolver’s location wins, and becomes the span’s source', async () => {
    const sources = new SpanSources(new FakeLocator({ a: { path: 'pipelines/enrich.py', line: 24 } }), { checkRecorded: noRecorded });
    const target = { storeId: 's', run, span: span('a', null, 0, { source: { path: '/ci/app/enrich.py', line: 20 } }) };
    expect(await sources.check(target)).toEqual({ available: true, source: { path: 'pipelines/enrich.py', line: 24 }, uri: 'file:///w/pipelines/enrich.py' });
    expect((await sources.resolve(target))?.uri).toBe('file:///w/pipelines/enrich.py');
  });

  it('else the store’s own location, when it is a workspace file; else why not', async () => {
    const own = { path: 'lib/dep.py', line: 7 };
    const checked: SourceRef[] = [];
    const yes = new SpanSources(new FakeLocator({}), {
      checkRecorded: async (src) => {
        checked.push(src);
        return { available: true, uri: `file:///w/${src.path}` };
      },
    });
    const target = { storeId: 's', run, span: span('a', null, 0, { source: own }) };
    expect(await yes.check(target)).toEqual({ available: true, source: own, uri: 'file:///w/lib/dep.py' });
    expect(checked).toEqual([own]);

    const no = new SpanSources(new FakeLocator({}), { checkRecorded: async () => ({ available: false, reason: 'lib/dep.py is not a file in the open workspace folders.' }) });
    expect(await no.check(target)).toEqual({ available: false, source: own, reason: 'lib/dep.py is not a file in the open workspace folders.' });

    const broken = new SpanSources(new FakeLocator({}), { checkRecorded: async () => Promise.reject(new Error('EACCES')) });
    expect(await broken.check(target)).toEqual({ available: false, source: own, reason: 'Error: EACCES' });
  });

  it('a span with no location anywhere has nothing to check', async () => {
    const sources = new SpanSources(new FakeLocator({}, 0, new Set(['a'])), { checkRecorded: noRecorded });
    expect(await sources.check({ storeId: 's', run, span: span('a', null, 0) })).toBeUndefined();
  });
});
