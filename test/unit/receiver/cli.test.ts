// `spanlens receive` as a user runs it: the endpoint printed, an instrumented app pointed at it,
// Ctrl+C (an abort here, SIGINT in the binary) stops it with a summary; `spanlens list DIR` reads it.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { expectUserError, runCli } from '../cli/run-cli';

const APP = path.resolve(__dirname, '../../fixtures/otlp_app.mjs');
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-rx-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function runApp(url: string, args: string[] = []): Promise<{ traceIds: string[]; failedTraceId?: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [APP, '--url', url, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim())),
    );
  });
}

describe('spanlens receive', () => {
  it('prints its endpoint, stores what an app sends, stops on abort with a summary', async () => {
    const store = path.join(dir, 'otlp');
    let stdout = '';
    let stderr = '';
    const stop = new AbortController();
    let announce: (url: string) => void;
    const announced = new Promise<string>((r) => (announce = r));
    const done = main(['receive', '--port', '0', '--dir', store], {
      stdout: { write: (s: string) => { stdout += s; const m = /on (http:\/\/\S+)/.exec(stdout); if (m) announce(m[1]!); } },
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
      signal: stop.signal,
    });
    const url = await announced;
    expect(stdout).toContain(`storing in ${store}`);
    expect(stdout).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\n/);
    const app = await runApp(url, ['--fail']);
    stop.abort();
    expect(await done).toBe(0);
    expect(stdout).toMatch(/Stopped: 1 request, 12 spans stored\.\n$/);
    expect(stderr).toMatch(/\+12 spans in 3 traces → traces-\d{4}-\d{2}-\d{2}-001\.jsonl/);

    const list = await runCli(['list', store, '--status', 'error', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((r: { id: string }) => r.id)).toEqual([app.failedTraceId]);
  });

  it('--json: one JSON line when listening, per stored request, and when stopped', async () => {
    let stdout = '';
    const stop = new AbortController();
    let announce: (url: string) => void;
    const announced = new Promise<string>((r) => (announce = r));
    const done = main(['receive', '--port', '0', '--dir', dir, '--json'], {
      stdout: { write: (s: string) => { stdout += s; const m = /"listening":"([^"]+)"/.exec(stdout); if (m) announce(m[1]!); } },
      stderr: { write: () => undefined },
      env: {},
      signal: stop.signal,
    });
    await runApp(await announced, ['--traces', '2', '--spans', '3']);
    stop.abort();
    expect(await done).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ listening: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/), dir });
    expect(lines[1]).toMatchObject({ stored: 6, rejected: 0, traces: 2 });
    expect(lines[2]).toEqual({ stopped: { requests: 1, spans: 6, rejectedSpans: 0, refused: 0 } });
  });

  it('bad options and a taken port are one-line errors (exit 2)', async () => {
    expect(expectUserError(await runCli(['receive', '--port', '99999']))).toBe("spanlens receive: --port takes a port number 0–65535, not '99999'");
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const msg = expectUserError(await runCli(['receive', '--port', String(port), '--dir', dir]));
      expect(msg).toMatch(new RegExp(`^spanlens receive: port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  });

  // npm test builds dist/ first; a bare vitest run without a build reports this one skipped.
  it.skipIf(!fs.existsSync(CLI))('the binary stops on SIGINT, flushing what it received (built dist/cli.js)', async () => {
    const child = spawn(process.execPath, [CLI, 'receive', '--port', '0', '--dir', dir, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    await runApp(url, ['--traces', '5', '--spans', '2']);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/Stopped: 1 request, 10 spans stored\./);
  });
});
