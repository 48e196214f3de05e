/**
 * An OTLP/HTTP trace receiver: `POST /v1/traces` with `application/json` or
 * `application/x-protobuf` bodies (gzip or deflate too), answered as the OTLP spec says — 200 with
 * an ExportTraceServiceResponse (partial success when spans were rejected), 400 for a body that
 * does not decode, 413 past the size limit, 415 for another content type or encoding, 503 when
 * the spans could not be stored (the exporter retries). Every accepted request is one OTLP/JSON
 * line in the spool folder before it is answered; `stop()` lets requests in flight finish and
 * flushes, so nothing acknowledged is lost.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyEncoding, decodeBody, decompress, ReceiveError, type BodyEncoding } from './decode';
import { responseType, rpcStatusType } from './otlpSchema';
import { portOwner } from './portOwner';
import { Spool } from './spool';

export const DEFAULT_OTLP_HTTP_PORT = 4318;
export const TRACES_PATH = '/v1/traces';

export interface ReceiverOptions {
  /** Folder the OTLP/JSON lines go to (created when missing). */
  dir: string;
  /** Default 127.0.0.1: loopback only, unless asked for another address. */
  host?: string;
  /** Default 4318 (OTLP/HTTP's); 0 picks a free port. */
  port?: number;
  /** Largest body taken, compressed or not (default 20 MiB, as the Collector's). */
  maxBodyBytes?: number;
  maxFileBytes?: number;
  /** Called after each stored request (for live views and counters). */
  onStored?: (event: StoredEvent) => void;
}

export interface StoredEvent {
  spans: number;
  rejected: number;
  traceIds: ReadonlySet<string>;
  file: string;
}

export interface ReceiverStats {
  requests: number;
  spans: number;
  rejectedSpans: number;
  refused: number;
}

export interface Receiver {
  readonly host: string;
  readonly port: number;
  /** The endpoint to give an exporter: `http://host:port/v1/traces`. */
  readonly url: string;
  readonly dir: string;
  readonly stats: Readonly<ReceiverStats>;
  stop(): Promise<void>;
}

/** The receiver could not start (port taken, address not available): one line saying what to do. */
export class ReceiverStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReceiverStartError';
  }
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const host = options.host ?? '127.0.0.1';
  const wantPort = options.port ?? DEFAULT_OTLP_HTTP_PORT;
  const maxBody = options.maxBodyBytes ?? 20 * 1024 * 1024;
  const spool = new Spool(options.dir, options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes });
  const stats: ReceiverStats = { requests: 0, spans: 0, rejectedSpans: 0, refused: 0 };
  const inFlight = new Set<Promise<void>>();

  const server = http.createServer((req, res) => {
    const work = handle(req, res).finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  // Exporters keep connections alive; a slow or stalled client must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let encoding: BodyEncoding = 'json';
    try {
      const url = req.url ?? '/';
      const pathname = url.split('?', 1)[0];
      if (pathname !== TRACES_PATH) throw new ReceiveError(404, `only ${TRACES_PATH} is served here (OTLP/HTTP traces)`);
      if (req.method !== 'POST') throw new ReceiveError(405, `${TRACES_PATH} takes POST`);
      const enc = bodyEncoding(req.headers['content-type']);
      if (!enc) throw new ReceiveError(415, 'Content-Type must be application/json or application/x-protobuf');
      encoding = enc;
      const raw = await readBody(req, maxBody);
      const body = await decompress(raw, req.headers['content-encoding'], maxBody);
      const decoded = decodeBody(body, encoding);
      stats.requests++;
      if (decoded.line !== undefined) {
        let file: string;
        try {
          file = await spool.append(decoded.line);
        } catch (e) {
          throw new ReceiveError(503, `could not store the spans: ${e instanceof Error ? e.message : String(e)}`);
        }
        stats.spans += decoded.spans;
        options.onStored?.({ spans: decoded.spans, rejected: decoded.rejected, traceIds: decoded.traceIds, file });
      }
      stats.rejectedSpans += decoded.rejected;
      const partial = decoded.rejected > 0
        ? { partialSuccess: { rejectedSpans: String(decoded.rejected), errorMessage: decoded.rejectReason ?? 'spans rejected' } }
        : {};
      send(res, 200, encoding, partial, 'response');
    } catch (e) {
      stats.refused++;
      if (e instanceof ReceiveError) {
        if (e.status === 413 || e.status === 400) req.resume();
        send(res, e.status, encoding, { code: e.status === 503 ? 14 : 3, message: e.message }, 'status');
      } else {
        send(res, 500, encoding, { code: 13, message: e instanceof Error ? e.message : String(e) }, 'status');
      }
    }
  }

  await listen(server, host, wantPort);
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    url: `http://${shownHost}:${port}${TRACES_PATH}`,
    dir: options.dir,
    stats,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
        await spool.close();
      })();
      return stopping;
    },
  };
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      void describeListenError(e, host, port).then((msg) => reject(new ReceiverStartError(msg)));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function describeListenError(e: NodeJS.ErrnoException, host: string, port: number): Promise<string> {
  switch (e.code) {
    case 'EADDRINUSE': {
      const owner = await portOwner(port);
      const by = owner ? ` by ${owner.command} (pid ${owner.pid})` : '';
      return `port ${port} on ${host} is already in use${by} — stop that process or choose another port`;
    }
    case 'EACCES':
      return `not allowed to listen on port ${port} on ${host} — ports below 1024 need privileges; choose another port`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `${host} is not an address of this machine — use 127.0.0.1 (this machine only) or one of its own addresses`;
    default:
      return `could not listen on ${host}:${port}: ${e.message}`;
  }
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    return Promise.reject(new ReceiveError(413, `body of ${declared} bytes is over the limit of ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        reject(new ReceiveError(413, `body is over the limit of ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (done) return;
      done = true;
      reject(new ReceiveError(400, `the request broke off: ${e.message}`));
    });
    req.on('aborted', () => {
      if (done) return;
      done = true;
      reject(new ReceiveError(400, 'the request broke off before its body was complete'));
    });
  });
}

/** An answer in the request's own encoding, as the spec asks. */
function send(
  res: http.ServerResponse,
  status: number,
  encoding: BodyEncoding,
  body: Record<string, unknown>,
  kind: 'response' | 'status',
): void {
  if (res.headersSent) return;
  let payload: Buffer;
  if (encoding === 'protobuf') {
    const type = kind === 'response' ? responseType() : rpcStatusType();
    const msg = type.fromObject(body);
    payload = Buffer.from(type.encode(msg).finish());
  } else {
    payload = Buffer.from(JSON.stringify(body), 'utf8');
  }
  res.writeHead(status, {
    'Content-Type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
    'Content-Length': payload.length,
  });
  res.end(payload);
}
