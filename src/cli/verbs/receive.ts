import * as path from 'path';
import { RECEIVER_DIR_PATH } from '../../sources/storeFiles';
import { DEFAULT_OTLP_HTTP_PORT, ReceiverStartError, startReceiver, type StoredEvent } from '../../receiver/server';
import { stringOption } from '../args';
import { UsageError } from '../context';
import { formatCount } from '../format/duration';
import { clean, shellQuote } from '../format/text';
import type { Verb } from './verb';

/** Where `receive` keeps spans unless told: beside the project, where the extension looks too. */
export const DEFAULT_RECEIVE_DIR = path.join(...RECEIVER_DIR_PATH);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export const receiveVerb: Verb = {
  name: 'receive',
  args: [],
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    dir: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  },
  summary: 'receive OTLP/HTTP traces from apps, store them',
  help: `Usage: spanlens receive [--port 4318] [--host 127.0.0.1] [--dir DIR] [--quiet] [--json]

An OpenTelemetry OTLP/HTTP receiver: any app instrumented with OpenTelemetry
(Python, JS, Go, Java, .NET …) that exports to it has its traces stored in DIR
as OTLP/JSON lines (traces-YYYY-MM-DD-NNN.jsonl, a new file each day and every
64 MiB), which \`spanlens list DIR\` and the VS Code extension read like any
other OTLP store while they arrive. Point an app at it with

  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318

It takes POST /v1/traces as application/json or application/x-protobuf,
gzip-compressed or not, up to 20 MiB a request, and answers as the OTLP
spec says (partial success when spans with invalid ids were rejected).
Ctrl+C stops it: requests in flight are finished and stored first.

Options:
  --port N     the port (default ${DEFAULT_OTLP_HTTP_PORT}, OTLP/HTTP's; 0 picks a free one)
  --host H     the address to listen on (default 127.0.0.1: this machine only;
               0.0.0.0 lets other machines send spans too)
  --dir DIR    where to store spans (default ${DEFAULT_RECEIVE_DIR.split(path.sep).join('/')} in this folder)
  -q, --quiet  no line per stored request
  --json       JSON lines on stdout instead: {"listening": url, "dir"} first,
               {"stored": spans, "rejected", "traces", "file"} per request,
               {"stopped": {requests, spans, rejectedSpans, refused}} last
`,
  async run(ctx) {
    const port = portOption(stringOption(ctx.values.port));
    const host = stringOption(ctx.values.host)?.trim() || '127.0.0.1';
    const dir = path.resolve(stringOption(ctx.values.dir) ?? DEFAULT_RECEIVE_DIR);
    const quiet = ctx.values.quiet === true;
    if (ctx.signal.aborted) return;
    const onStored = (e: StoredEvent): void => {
      if (ctx.json) {
        ctx.out(`${JSON.stringify({ stored: e.spans, rejected: e.rejected, traces: e.traceIds.size, file: e.file })}\n`);
        return;
      }
      if (quiet) return;
      const traces = e.traceIds.size;
      const rejected = e.rejected > 0 ? ` · ${formatCount(e.rejected)} rejected` : '';
      ctx.err(`${clock()}  +${formatCount(e.spans)} span${e.spans === 1 ? '' : 's'} in ${traces} trace${traces === 1 ? '' : 's'}${rejected} → ${clean(path.basename(e.file))}\n`);
    };
    let receiver;
    try {
      receiver = await startReceiver({ host, dir, onStored, ...(port === undefined ? {} : { port }) });
    } catch (e) {
      if (e instanceof ReceiverStartError) throw new UsageError(`spanlens receive: ${e.message}`);
      throw e;
    }
    const endpoint = receiver.url.slice(0, -'/v1/traces'.length);
    if (ctx.json) ctx.out(`${JSON.stringify({ listening: receiver.url, dir })}\n`);
    else ctx.out(
      `Receiving OTLP/HTTP traces on ${clean(receiver.url)}\n` +
        `  storing in ${clean(dir)} (read it with: spanlens list ${clean(shellQuote(dir))})\n` +
        `  point an app at it: OTEL_EXPORTER_OTLP_ENDPOINT=${clean(endpoint)}\n` +
        `Ctrl+C stops.\n`,
    );
    if (!LOOPBACK.has(host)) {
      ctx.err(`spanlens: note: listening on ${clean(host)}: anyone who can reach this machine on port ${receiver.port} can send spans\n`);
    }
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await receiver.stop();
    const s = receiver.stats;
    if (ctx.json) ctx.out(`${JSON.stringify({ stopped: s })}\n`);
    else ctx.out(
      `Stopped: ${formatCount(s.requests)} request${s.requests === 1 ? '' : 's'}, ${formatCount(s.spans)} span${s.spans === 1 ? '' : 's'} stored` +
        `${s.rejectedSpans > 0 ? `, ${formatCount(s.rejectedSpans)} rejected` : ''}${s.refused > 0 ? `, ${formatCount(s.refused)} refused` : ''}.\n`,
    );
  },
};

function portOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!/^\d{1,5}$/.test(t) || Number(t) > 65535) throw new UsageError(`spanlens receive: --port takes a port number 0–65535, not '${clean(v)}'`);
  return Number(t);
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}
