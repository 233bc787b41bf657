import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';

/**
 * The launcher's local reverse proxy in front of a service's replicas (`<SERVICE>_REPLICAS`):
 * each request goes to the next replica in turn. A replica whose connection is refused (it
 * crashed, or is not listening yet) is skipped for the next one; nothing of the request has
 * reached it, so that is safe for any request. Once a replica is connected, the request is
 * its: should it die before answering, the caller gets the 502 below rather than a second
 * attempt elsewhere (a booking must not run twice behind its caller's back). Status, headers
 * and body pass through untouched and streamed, both ways, except the hop-by-hop headers each
 * connection sets for itself. Connections to the replicas are kept alive and reused.
 */
export interface RoundRobinOptions {
  /** The service's name, for the error message. */
  name: string;
  /** The replicas' ports. */
  ports: readonly number[];
  /** Where the replicas listen; the loopback interface by default. */
  host?: string;
  /** How long a caller's idle connection is kept open (`KEEP_ALIVE_TIMEOUT_MS` by default). */
  keepAliveTimeoutMs?: number;
}

/**
 * Callers' idle connections are kept this long, well past Node's 5 s default. A caller sending
 * on a connection at the instant the server gives up on it gets a reset rather than an answer;
 * clients that pause longer than that between requests (a Locust crowd gathering for a rush)
 * then fail now and again. The replicas' own 5 s is kept short of by the agents (they let a
 * connection go a second before its server's `Keep-Alive: timeout`).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface RoundRobinProxy {
  server: Server;
  /** Listens on `port` (0: any free one) and resolves with the port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, ends open connections and idle ones to the replicas. */
  close(): Promise<void>;
}

/** The answer when no replica answers: a GraphQL error every client of the graph understands (design §10). */
export function unavailableBody(message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
}

/** Headers about one connection (RFC 9110 §7.6.1), plus any the Connection header names. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** The end-to-end headers of a raw header list (name, value, name, value...), in order and spelling. */
export function endToEndHeaders(raw: readonly string[]): string[] {
  const hop = new Set(HOP_BY_HOP);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1]!.split(',')) hop.add(token.trim().toLowerCase());
  }
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!hop.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  }
  return kept;
}

export function createRoundRobinProxy(options: RoundRobinOptions): RoundRobinProxy {
  const { name, ports } = options;
  if (ports.length === 0) throw new Error(`${name}: a round-robin proxy needs at least one replica`);
  const host = options.host ?? '127.0.0.1';
  const agents = ports.map(() => new Agent({ keepAlive: true }));
  let turn = 0;

  const unavailable = (req: IncomingMessage, res: ServerResponse, message: string) => {
    // The body, if the caller is still sending one, is read and dropped.
    req.resume();
    const body = unavailableBody(message);
    res.writeHead(502, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  /** Sends the request to replica `(first + tried) % n`, or to the next when its connection fails. */
  const forward = (req: IncomingMessage, res: ServerResponse, first: number, tried: number, gone: () => boolean) => {
    if (gone()) return;
    if (tried >= ports.length) {
      unavailable(req, res, `${name} is unavailable: no replica answered`);
      return;
    }
    const replica = (first + tried) % ports.length;
    const headers = endToEndHeaders(req.rawHeaders);
    // HTTP/1.0 callers may leave Host out; the replicas speak HTTP/1.1, which requires it.
    if (!req.headers.host) headers.push('Host', `${host}:${ports[replica]}`);
    const upstream = request({
      host,
      port: ports[replica],
      method: req.method,
      path: req.url,
      headers,
      agent: agents[replica],
    });
    let connected = false;
    upstream.once('socket', (socket) => {
      // The body is read only once a replica is connected, so a refused one leaves it for the next.
      const send = () => {
        connected = true;
        req.pipe(upstream);
      };
      if (socket.connecting) socket.once('connect', send);
      else send();
    });
    upstream.once('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.rawHeaders));
      pipeline(answer, res, () => undefined);
    });
    upstream.on('error', () => {
      if (!connected) {
        forward(req, res, first, tried + 1, gone);
        return;
      }
      req.unpipe(upstream);
      if (gone()) return;
      if (!res.headersSent) unavailable(req, res, `${name} is unavailable: its replica stopped before answering`);
      else res.destroy();
    });
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
  };

  const server = createServer((req, res) => {
    const first = turn;
    turn = (turn + 1) % ports.length;
    let clientGone = false;
    res.once('close', () => {
      if (!res.writableFinished) clientGone = true;
    });
    req.on('error', () => undefined);
    forward(req, res, first, 0, () => clientGone);
  });

  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;

  return {
    server,
    listen: (port, listenHost = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, listenHost, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const agent of agents) agent.destroy();
      }),
  };
}
