import * as net from 'net';

/**
 * Tiny stand-ins for a PostgreSQL server, for what the test server (trust auth on
 * 127.0.0.1) cannot show:
 *
 * - 'password': speaks the start of the wire protocol, asks for a password (cleartext, or
 *   SCRAM-SHA-256 up to the server-first-message, as pg_hba's password / scram-sha-256
 *   methods do), records what the client sends, and answers the way PostgreSQL answers a
 *   wrong password: ErrorResponse FATAL 28P01 `password authentication failed for user "…"`.
 *   node-postgres parses that into its real DatabaseError. (The SCRAM proof is not checked:
 *   every password is wrong here.)
 * - 'silent': accepts connections and never answers (a firewall that drops, a hung host).
 * - proxy: forwards to a real server; stop() cuts every connection and stops listening,
 *   start() listens again on the same port — a server going away and coming back.
 */
export interface FakeServer {
  port: number;
  /** Client connections still open on the server's side. */
  openSockets(): number;
  /** Passwords the clients sent (cleartext mode), or the SASL mechanisms they chose. */
  received: string[];
  users: string[];
  close(): Promise<void>;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type, 'latin1'), int32(body.length + 4), body]);
}

function errorResponse(code: string, text: string): Buffer {
  const field = (k: string, v: string) => Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from(v, 'utf8'), Buffer.from([0])]);
  return message('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', text), Buffer.from([0])]));
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

/**
 * `scram-bad`: answers the SASL start with a server-first-message that breaks SCRAM (no salt,
 * no iteration count), as a broken server or something in the middle would.
 */
export async function fakePasswordServer(auth: 'cleartext' | 'scram' | 'scram-bad' = 'cleartext'): Promise<FakeServer> {
  const received: string[] = [];
  const users: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let started = false;
    let saslStarted = false;
    let user = '';
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!started) {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          const body = buf.subarray(8, len);
          buf = buf.subarray(len);
          if (code === SSL_REQUEST || code === GSS_REQUEST) {
            sock.write('N');
            continue;
          }
          const parts = body.toString('utf8').split('\0');
          for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] === 'user') user = parts[i + 1] ?? '';
          users.push(user);
          started = true;
          if (auth === 'cleartext') sock.write(message('R', int32(3)));
          else sock.write(message('R', Buffer.concat([int32(10), Buffer.from('SCRAM-SHA-256\0\0', 'latin1')])));
          continue;
        }
        if (buf.length < 5) return;
        const type = String.fromCharCode(buf[0]!);
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) return;
        const body = buf.subarray(5, len + 1);
        buf = buf.subarray(len + 1);
        if (type === 'p' && auth !== 'cleartext' && !saslStarted) {
          // SASLInitialResponse: mechanism, then the client-first-message "n,,n=*,r=<nonce>".
          saslStarted = true;
          const nul = body.indexOf(0);
          received.push(body.subarray(0, nul).toString('latin1'));
          const first = body.subarray(nul + 5).toString('latin1');
          const nonce = /r=([^,]*)/.exec(first)?.[1] ?? '';
          const serverFirst =
            auth === 'scram-bad' ? `r=${nonce}spanlensfake` : `r=${nonce}spanlensfake,s=${Buffer.from('salt-salt-salt').toString('base64')},i=4096`;
          // AuthenticationSASLContinue: a client without a password stops here, as against PostgreSQL.
          sock.write(message('R', Buffer.concat([int32(11), Buffer.from(serverFirst, 'latin1')])));
          continue;
        }
        if (type === 'p') {
          if (auth === 'cleartext') received.push(body.toString('utf8').replace(/\0$/, ''));
          sock.end(errorResponse('28P01', `password authentication failed for user "${user}"`));
          return;
        }
      }
    });
  });
  return listen(server, sockets, { received, users });
}

export async function silentServer(): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
  });
  return listen(server, sockets, { received: [], users: [] });
}

async function listen(
  server: net.Server,
  sockets: Set<net.Socket>,
  rest: { received: string[]; users: string[] },
): Promise<FakeServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    openSockets: () => sockets.size,
    ...rest,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Proxy {
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP proxy to host:port that can be taken down and brought back on the same port. */
export async function tcpProxy(host: string, port: number): Promise<Proxy> {
  let server: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  let listenPort = 0;
  const start = async (): Promise<void> => {
    const s = net.createServer((client) => {
      const upstream = net.connect(port, host);
      for (const x of [client, upstream]) {
        sockets.add(x);
        x.on('close', () => sockets.delete(x));
        x.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => s.listen(listenPort, '127.0.0.1', resolve));
    listenPort = (s.address() as net.AddressInfo).port;
    server = s;
  };
  await start();
  return {
    get port() {
      return listenPort;
    },
    start,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const x of sockets) x.destroy();
        if (!server) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
}
