import { describe, expect, it } from 'vitest';
import { VERBS } from '../../../src/cli/main';
import { StoreError } from '../../../src/sources/types';
import { NOW, sampleStore } from './mem-store';
import { expectUserError, runCli } from './run-cli';

/** main() against an in-memory store: formatting, options and errors without any reader. */
function cli(argv: string[]) {
  const store = sampleStore();
  return runCli(argv, { now: () => NOW, open: async () => store }).then((r) => ({ ...r, store }));
}

describe('help and usage', () => {
  it('prints global help naming the store and every verb', async () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('flujo_ops.db');
      for (const v of VERBS) expect(r.stdout).toContain(`  ${v.name} `);
    }
  });

  it('prints per-verb help with --help, -h and `help <verb>`', async () => {
    for (const v of VERBS) {
      for (const argv of [[v.name, '--help'], [v.name, '-h'], ['help', v.name], [v.name, 'store.db', '--help']]) {
        const r = await runCli(argv);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(v.help);
        // Every verb reads a store but receive, which writes one.
        expect(r.stdout).toMatch(new RegExp(`^Usage: spanlens ${v.name}${v.name === 'receive' ? ' \\[' : ' <store>'}`));
        expect(r.stdout).toContain('--json');
      }
    }
  });

  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['list'], 'spanlens list: missing <store>'],
    [['show', 'x.db'], 'spanlens show: missing <run>'],
    [['list', 'a.db', 'extra'], "unexpected argument 'extra'"],
    [['list', 'a.db', '--bogus'], "unknown option '--bogus'"],
    [['list', 'a.db', '--status'], "option '--status' needs a value"],
    [['list', 'a.db', '--status', 'nope'], "unknown status 'nope' — use one of ok, error, running, paused, unset (or a store's own word: failed, completed, success, timeout, …)"],
    [['spans', 'a.db', 'r', '--status', 'nope'], "unknown status 'nope'"],
    [['list', 'a.db', '--limit', '-1'], "option '--limit' is followed by something that looks like an option; write --limit=VALUE"],
    [['list', 'a.db', '--limit=-1'], '--limit takes a whole number'],
    [['list', 'a.db', '--limit', '2.5'], '--limit takes a whole number'],
    [['stats', 'a.db', '--since-hours', 'soon'], '--since-hours takes a number of hours'],
    [['list', 'a.db', '--since-hours', '0'], '--since-hours takes a number of hours'],
    [['get', 'a.db', '  '], 'empty <partial-id>'],
    [['list', 'a.db', '--json=yes'], 'spanlens list:'],
  ])('%j is a usage error', async (argv, text) => {
    let opened = false;
    const r = await runCli(argv, {
      open: async () => {
        opened = true;
        return sampleStore();
      },
    });
    expect(expectUserError(r)).toContain(text);
    // Options are checked before the store is read.
    expect(opened).toBe(false);
  });
});

describe('list', () => {
  it('prints a table newest first', async () => {
    const r = await cli(['list', 'mem.db']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUN ID\s+PIPELINE\s+STATUS\s+STARTED\s+DURATION\s+SPANS\s+ERROR$/);
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(['run_bbb333', 'run_aaa222', 'run_aaa111', 'run_ccc444']);
    expect(lines[2]).toContain('✗ error');
    expect(lines[2]).toMatch(/2\.1s\s+3\s+KeyError: 'tier'$/);
    expect(lines[4]).toContain('2m05s');
    expect(r.store.closed).toBe(true);
  });

  it('filters by status, pipeline, since-hours and limit', async () => {
    const ids = async (...opts: string[]) =>
      ((JSON.parse((await cli(['list', 'mem.db', '--json', ...opts])).stdout) as { id: string }[]).map((x) => x.id));
    expect(await ids('--status', 'error')).toEqual(['run_aaa222']);
    expect(await ids('--status', 'ERROR')).toEqual(['run_aaa222']);
    expect(await ids('--pipeline', 'score')).toEqual(['run_bbb333', 'run_ccc444']);
    expect(await ids('--since-hours', '2.5')).toEqual(['run_bbb333', 'run_aaa222']);
    expect(await ids('--limit', '2')).toEqual(['run_bbb333', 'run_aaa222']);
    expect(await ids('--limit', '0')).toHaveLength(4);
  });

  it('says so when nothing matches, and hints at --limit 0 when the limit was hit', async () => {
    expect((await cli(['list', 'mem.db', '--status', 'paused'])).stdout).toBe('no runs in mem.db (status paused)\n');
    expect((await cli(['list', 'mem.db', '--limit', '1'])).stdout).toContain('--limit 0` shows all');
  });
});

describe('get', () => {
  it('shows one match as a summary with the next commands', async () => {
    const r = await cli(['get', 'mem.db', 'AAA1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Run\s+run_aaa111$/m);
    expect(r.stdout).toMatch(/^Status\s+✓ ok \(completed\)$/m);
    expect(r.stdout).toContain('spanlens trace mem.db run_aaa111');
  });

  it('lists several matches', async () => {
    const r = await cli(['get', 'mem.db', 'aaa']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2 runs match 'aaa'/);
    expect(r.stdout).toContain('run_aaa111');
    expect(r.stdout).toContain('run_aaa222');
  });

  it('prints all matches as JSON', async () => {
    const r = await cli(['get', 'mem.db', 'aaa', '--json']);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toEqual(['run_aaa111', 'run_aaa222']);
  });

  it('fails on no match, with --json too', async () => {
    for (const extra of [[], ['--json']]) {
      const msg = expectUserError(await cli(['get', 'mem.db', 'zzz', ...extra]));
      expect(msg).toBe("spanlens: no run matches 'zzz' in mem.db — run `spanlens list mem.db`");
    }
  });
});

describe('show / trace / spans', () => {
  it('show prints the run, every span and the full error text', async () => {
    const r = await cli(['show', 'mem.db', 'aaa222']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Error\s+KeyError: 'tier'$/m);
    expect(r.stdout).toContain('3 spans:');
    expect(r.stdout).toMatch(/^#\s+START\s+DURATION\s+STATUS\s+NAME\s+SPAN\s+PARENT\s+ERROR$/m);
    expect(r.stdout).toMatch(/^3\s+\+302ms\s+1\.8s\s+✗ error\s+score_risk\s+r2b\s+r2\s+KeyError: 'tier'$/m);
    expect(r.stdout).toContain('Errors (2):');
    expect(r.stdout).toContain('        tier = customer["tier"]');
  });

  it('show --json is {run, spans}', async () => {
    const j = JSON.parse((await cli(['show', 'mem.db', 'aaa222', '--json'])).stdout);
    expect(Object.keys(j)).toEqual(['run', 'spans']);
    expect(j.run.id).toBe('run_aaa222');
    expect(j.spans.map((s: { id: string }) => s.id)).toEqual(['r2', 'r2a', 'r2b']);
  });

  it('trace draws the tree with status, duration, offset and events', async () => {
    const r = await cli(['trace', 'mem.db', 'aaa111']);
    const tree = r.stdout.slice(r.stdout.indexOf('\n\n') + 2).trimEnd().split('\n');
    expect(tree).toEqual([
      '✓ pipeline_run                    ok   1.5s    +0ms',
      '├─ ✓ load_customers               ok  340ms  +1.2ms',
      "├─ ✓ Loop 'refine' - Iteration 1  ok  500ms  +342ms",
      '│  │ ◦ flujo.retry  reason=retry delay_seconds=0',
      '│  └─ ✓ geocode                   ok  4.3ms  +343ms',
      '└─ ✓ write_output                 ok  600ms  +900ms',
    ]);
  });

  it('trace shows orphans, cycles and hostile names as they are, under a synthetic run root', async () => {
    const r = await cli(['trace', 'mem.db', 'bbb']);
    expect(r.code).toBe(0);
    const tree = r.stdout.slice(r.stdout.indexOf('\n\n') + 2);
    expect(tree).toMatch(/^● score\s+running\s+-\s+run run_bbb333: 3 top-level spans$/m);
    expect(tree).toMatch(/^├─ ✓ orphan .*parent gone-parent-id not in this run$/m);
    expect(tree).toMatch(/^└─ ✓ cycle_a .*parent cycle broken here \(parent cyc-b\)$/m);
    expect(tree).toContain('   └─ ✓ <img src=x onerror=alert(1)>red line');
    expect(r.stdout).not.toContain('\u001b');
  });

  it('trace --json is {run, root} with children', async () => {
    const j = JSON.parse((await cli(['trace', 'mem.db', 'bbb', '--json'])).stdout);
    expect(Object.keys(j)).toEqual(['run', 'root']);
    expect(j.root).toMatchObject({ id: 'run_bbb333', synthetic: true, parentId: null });
    expect(j.root.children.map((c: { id: string }) => c.id)).toEqual(['b0', 'b-orphan-0000000000', 'cyc-a']);
    expect(j.root.children[2].children[0].name).toBe('<img src=x onerror=alert(1)>\u001b[31mred\nline');
  });

  it('spans filters by status and name', async () => {
    const r = await cli(['spans', 'mem.db', 'aaa222', '--status', 'error']);
    expect(r.stdout).toMatch(/^2 of 3 spans in run run_aaa222 \(status error\):/);
    const j = (argv: string[]) => cli(['spans', 'mem.db', ...argv, '--json']).then((x) => JSON.parse(x.stdout) as { id: string }[]);
    expect((await j(['aaa111', '--name', 'LOAD'])).map((s) => s.id)).toEqual(['r1a']);
    expect((await j(['aaa111', '--name', '*_*'])).map((s) => s.id)).toEqual(['r1', 'r1a', 'r1d']);
    expect(await j(['aaa111', '--status', 'error'])).toEqual([]);
    expect((await cli(['spans', 'mem.db', 'aaa111', '--status', 'error'])).stdout).toBe('0 of 5 spans in run run_aaa111 (status error)\n');
  });

  it.each(['show', 'trace', 'spans'])('%s: unknown and ambiguous ids exit 2 naming the id', async (verb) => {
    expect(expectUserError(await cli([verb, 'mem.db', 'zzz']))).toBe("spanlens: no run matches 'zzz' in mem.db — run `spanlens list mem.db`");
    const amb = expectUserError(await cli([verb, 'mem.db', 'aaa']));
    expect(amb).toContain("'aaa' is ambiguous in mem.db: 2 runs match (run_aaa111, run_aaa222)");
  });
});

describe('stats', () => {
  it('prints totals, statuses and per-name durations', async () => {
    const r = await cli(['stats', 'mem.db']);
    expect(r.stdout).toMatch(/^16 spans in mem\.db\n/);
    expect(r.stdout).toMatch(/^✗ error\s+2$/m);
    expect(r.stdout).toMatch(/^NAME\s+COUNT\s+AVG\s+P50\s+P95$/m);
    expect(r.stdout).toMatch(/^call_model\s+3\s+41\.7s\s+35s\s+1m00s$/m);
  });

  it('--json has the documented shape, filtered by pipeline and since-hours', async () => {
    const j = JSON.parse((await cli(['stats', 'mem.db', '--json', '--pipeline', 'score'])).stdout);
    expect(Object.keys(j)).toEqual(['totalSpans', 'byStatus', 'byName']);
    expect(j.totalSpans).toBe(8);
    expect(j.byName[0]).toEqual({ name: 'call_model', count: 3, avgMs: 125_000 / 3, p50Ms: 35_000, p95Ms: 60_000 });
    const recent = JSON.parse((await cli(['stats', 'mem.db', '--json', '--since-hours', '1'])).stdout);
    expect(recent.totalSpans).toBe(4);
  });
});

describe('errors', () => {
  it('a StoreError from opening the store is one line, exit 2', async () => {
    const r = await runCli(['list', 'missing.db'], {
      open: async () => {
        throw new StoreError('missing.db: not found — check the path', 'missing.db');
      },
    });
    expect(expectUserError(r)).toBe('spanlens: missing.db: not found — check the path');
  });

  it('an unexpected error is one line, exit 1, the stack only with SPANLENS_DEBUG=1', async () => {
    const boom = async () => {
      throw new TypeError('x is undefined');
    };
    const r = await runCli(['list', 'a.db'], { open: boom });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^spanlens: internal error: x is undefined — this is a bug in spanlens; rerun with SPANLENS_DEBUG=1/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const d = await runCli(['list', 'a.db'], { open: boom, env: { SPANLENS_DEBUG: '1' } });
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/\n\s+at /);
  });

  it('closes the store even when the verb fails', async () => {
    const r = await cli(['show', 'mem.db', 'zzz']);
    expect(r.code).toBe(2);
    expect(r.store.closed).toBe(true);
  });
});

describe('pathological trees', () => {
  const DEPTH = 20_000;
  async function deep(argv: string[]) {
    const { memStore } = await import('./mem-store');
    const spans = Array.from({ length: DEPTH }, (_, i) => ({
      id: `s${i}`,
      runId: 'run_deep',
      parentId: i === 0 ? null : `s${i - 1}`,
      name: `level_${i}`,
      status: 'ok' as const,
      rawStatus: 'completed',
      startOffsetMs: i,
      durationMs: 1,
      attributes: {},
      events: [],
    }));
    const run = { id: 'run_deep', store: 'deep.db', name: 'deep', status: 'ok' as const, rawStatus: 'completed', spanCount: DEPTH, attributes: {} };
    return runCli(argv, { open: async () => memStore('deep.db', [run], spans) });
  }

  it('draws a 20,000-deep chain with bounded indentation', async () => {
    const r = await deep(['trace', 'deep.db', 'run_deep']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400);
    expect(r.stdout).toMatch(/level_19999 .*depth 19999$/m);
  });

  it('prints a 20,000-deep chain as JSON that parses back', async () => {
    const r = await deep(['trace', 'deep.db', 'run_deep', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    let n = j.root;
    let depth = 0;
    while (n.children.length) {
      n = n.children[0];
      depth++;
    }
    expect(depth).toBe(DEPTH - 1);
    expect(n.name).toBe('level_19999');
    expect(Object.keys(j.root)).toEqual(['id', 'runId', 'parentId', 'name', 'status', 'rawStatus', 'startOffsetMs', 'durationMs', 'attributes', 'events', 'children']);
  });
});
