import { describe, expect, it } from 'vitest';
import { computeLayout } from '../../../src/analysis/timeline/layout';
import { buildSpanTree } from '../../../src/analysis/tree';
import { renderTimeline } from '../../../src/cli/format/timeline';
import type { Span } from '../../../src/model/types';
import { sampleStore, NOW } from '../cli/mem-store';
import { expectUserError, runCli } from '../cli/run-cli';

function span(id: string, parent: string | null, start: number, duration: number | undefined, over: Partial<Span> = {}): Span {
  const s: Span = { id, runId: 'r', parentId: parent, name: id, status: 'ok', rawStatus: '', startOffsetMs: start, attributes: {}, events: [], ...over };
  if (duration !== undefined) s.durationMs = duration;
  return s;
}

function cli(argv: string[]) {
  const store = sampleStore();
  return runCli(argv, { now: () => NOW, open: async () => store });
}

describe('text timeline', () => {
  const layout = computeLayout(buildSpanTree([span('root', null, 0, 100), span('a', 'root', 0, 50), span('b', 'root', 50, 50), span('b1', 'b', 60, 20)]));

  it('draws one line per span at the width asked, bars placed on the time axis', () => {
    const text = renderTimeline(layout, { width: 80, critical: false });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5); // axis + 4 spans
    expect(lines[0]).toMatch(/0ms .*100ms/);
    for (const l of lines.slice(1)) expect(l.length).toBeLessThanOrEqual(80);
    const bar = (name: string): string => {
      const line = lines.find((l) => l.includes(` ${name} `))!;
      return line.slice(line.indexOf('█') === -1 ? 0 : 0);
    };
    const root = bar('root');
    const a = bar('a');
    const b = bar('b');
    // a fills the first half of the bar area, b the second: a's bar ends where b's starts.
    const aStart = a.indexOf('█');
    const aEnd = a.lastIndexOf('█');
    const bStart = b.indexOf('█');
    expect(root.indexOf('█')).toBe(aStart);
    // They meet: b starts in the cell after a's last, or shares it when the boundary falls mid-cell.
    expect(bStart - aEnd).toBeGreaterThanOrEqual(0);
    expect(bStart - aEnd).toBeLessThanOrEqual(1);
    expect(aEnd).toBeGreaterThan(aStart + 10);
    expect(b.lastIndexOf('█')).toBe(root.lastIndexOf('█'));
  });

  it('marks the critical path with * and solid sections, the rest light', () => {
    const text = renderTimeline(layout, { width: 80, critical: true });
    const lines = text.trimEnd().split('\n').slice(1);
    const byName = (n: string): string => lines.find((l) => l.includes(` ${n} `))!;
    expect(byName('root').startsWith('* ')).toBe(true);
    expect(byName('a').startsWith('* ')).toBe(true);
    expect(byName('b1').startsWith('* ')).toBe(true);
    // root's own time is all covered by a and b: no solid cell of its own.
    expect(byName('root')).not.toContain('█');
    expect(byName('root')).toContain('░');
    // b has its own sections before and after b1, b1 is solid throughout.
    expect(byName('b')).toMatch(/█+░+█+/);
    expect(byName('b1')).toMatch(/█+/);
  });

  it('keeps lines at the width on a 10,000-deep chain and escapes names', () => {
    const spans: Span[] = [span('s0', null, 0, 20_000, { name: 'evil\u001b[31m\nname' })];
    for (let i = 1; i < 10_000; i++) spans.push(span(`s${i}`, `s${i - 1}`, i, 20_000 - 2 * i));
    const text = renderTimeline(computeLayout(buildSpanTree(spans)), { width: 100, critical: true });
    expect(text).not.toContain('\u001b');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(10_001);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(lines[lines.length - 1]).toContain('[9999]');
  });
});

describe('spanlens trace --timeline / --critical-path', () => {
  it('draws the timeline at --width', async () => {
    const r = await cli(['trace', 's.db', 'run_aaa111', '--timeline', '--width', '90']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Run       run_aaa111');
    const lines = r.stdout.split('\n').filter((l) => /[█│]/.test(l));
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(90);
  });

  it('--critical-path implies the timeline and marks the path', async () => {
    const r = await cli(['trace', 's.db', 'run_aaa222', '--critical-path', '--width', '80']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('* ')).map((l) => l.replace(/\s+/g, ' ').split(' ')[2])).toEqual(['pipeline_run', 'load_customers', 'score_risk']);
  });

  it('puts criticalPath and selfMs on every span in --json', async () => {
    const r = await cli(['trace', 's.db', 'run_aaa111', '--critical-path', '--timeline', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { root: { id: string; criticalPath: boolean; selfMs: number; children: Array<{ id: string; criticalPath: boolean; selfMs: number }> } };
    expect(j.root.criticalPath).toBe(true);
    const byId = Object.fromEntries(j.root.children.map((c) => [c.id, c]));
    expect(byId.r1d!.criticalPath).toBe(true);
    expect(typeof j.root.selfMs).toBe('number');
    // pipeline_run 0–1520; children cover 1.2–341.2, 342–842, 900–1500: self = 1520 − 1440 = 80
    expect(j.root.selfMs).toBeCloseTo(80, 5);
  });

  it('refuses a bad --width', async () => {
    expect(expectUserError(await cli(['trace', 's.db', 'run_aaa111', '--timeline', '--width', 'wide']))).toContain('--width takes a number of columns');
  });
});
