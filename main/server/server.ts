/**
 * Browser mode: one node:http server that serves the built renderer and the API over a WebSocket at /api.
 * Every request needs the token and must come from our own origin; the same validation layer as the Electron IPC
 * (handleApiMessage) sits between the socket and the backend service.
 */
import { createReadStream } from 'node:fs';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_LIMITS, type ApiEventMessage, type ApiResponse } from '../../shared/api';
import { handleApiMessage } from '../service/handle';
import type { BackendService } from '../service/types';
import { hostname } from 'node:os';
import { AuthLimiter, type AuthLimits } from './auth-limiter';
import { authenticate, commonHeaders, contentSecurityPolicy, cookieName, hostAllowed, isLoopback, originAllowed, randomToken, type TokenSource } from './security';
import { resolveStatic } from './static-files';

export const API_PATH = '/api';
export const DEFAULT_PORT = 8765;
export const DEFAULT_HOST = '127.0.0.1';
/** Where `npm run build:renderer` (renderer/vite.config.ts) writes the app. */
export const DEFAULT_RENDERER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../out/renderer');
/** Above this many bytes queued for one slow client, telemetry events for it are dropped (status events never are). */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface ServerOptions {
  service: BackendService;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  rendererDir?: string;
  log?: (line: string) => void;
  /** Wrong-token attempts per client before lockouts (tests shorten them). */
  authLimits?: AuthLimits;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  token: string;
  server: Server;
  /** Connected WebSocket clients. */
  readonly clients: number;
  close(): Promise<void>;
}

interface Refusal {
  status: number;
  text: string;
  message: string;
  retryAfterS?: number;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...commonHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

function refuseUpgrade(socket: Duplex, status: number, text: string, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

function describeError(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/**
 * A response as JSON text. A result that cannot be serialised (too deep for JSON.stringify's stack, a BigInt)
 * becomes an error response for that request instead of an exception that would end the process.
 */
export function serializeResponse(response: ApiResponse): string {
  try {
    return JSON.stringify(response);
  } catch (err) {
    const message = `internal error: the result could not be sent (${err instanceof Error ? err.message : String(err)})`;
    return JSON.stringify({ id: response.id, error: { code: 'internal', message } });
  }
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Layerlab: renderer not built</title></head>
<body><h1>Layerlab: renderer not built</h1>
<p>The window's files were not found. Build them with <code>npm run build:renderer</code>, then reload this page.</p>
<p>The API is running; only the page is missing.</p></body></html>
`;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token ?? randomToken();
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!isLoopback(host)) {
    log(
      `warning: listening on ${host}, not loopback: anyone who can reach this address and has the token can train and read files as you. Prefer 127.0.0.1 with an SSH tunnel.`,
    );
  }
  let port = options.port ?? DEFAULT_PORT;
  const hostNames = isLoopback(host) ? [host] : [host, hostname()];
  const limiter = new AuthLimiter(options.authLimits);

  /** Host, origin, lockout and token, in that order: why the request is refused, or where its token came from. */
  const gate = (req: IncomingMessage): Refusal | { source: TokenSource } => {
    if (!hostAllowed(req, hostNames)) {
      return { status: 403, text: 'Forbidden', message: `Host header '${String(req.headers.host ?? '').slice(0, 100)}' refused: open the URL that \`layerlab serve\` printed (use --host NAME to serve under a name)` };
    }
    if (!originAllowed(req)) return { status: 403, text: 'Forbidden', message: 'cross-origin request refused' };
    const client = req.socket.remoteAddress ?? 'unknown';
    const wait = limiter.waitMs(client);
    if (wait > 0) {
      const retryAfterS = Math.ceil(wait / 1000);
      return { status: 429, text: 'Too Many Requests', message: `too many wrong tokens from ${client}: try again in ${retryAfterS} s`, retryAfterS };
    }
    const auth = authenticate(req, token, port);
    if (!auth.ok) {
      if (auth.presented) limiter.failed(client);
      return { status: 401, text: 'Unauthorized', message: 'missing or wrong token: open the URL that `layerlab serve` printed (it ends in ?token=...)' };
    }
    limiter.succeeded(client);
    return { source: auth.source };
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const auth = gate(req);
    if (!('source' in auth)) {
      if (auth.retryAfterS !== undefined) res.setHeader('Retry-After', String(auth.retryAfterS));
      return refuse(res, auth.status, auth.message);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, `method ${req.method} not allowed`);
    const headers: Record<string, string> = { ...commonHeaders() };
    if (auth.source === 'query') {
      headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (!existsSync(resolve(rendererDir, 'index.html'))) {
      res.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': contentSecurityPolicy(req.headers.host) });
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
      return;
    }
    const found = await resolveStatic(rendererDir, req.url ?? '/');
    if (found.kind === 'refused') return refuse(res, 400, `bad path: ${found.reason}`);
    if (found.kind === 'missing') return refuse(res, 404, 'not found');
    headers['Content-Type'] = found.contentType;
    if (found.contentType.startsWith('text/html')) headers['Content-Security-Policy'] = contentSecurityPolicy(req.headers.host);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(found.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      if (!res.headersSent) refuse(res, 500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: API_LIMITS.messageChars });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== API_PATH) return refuseUpgrade(socket, 404, 'Not Found', `the API WebSocket is at ${API_PATH}`);
    const passed = gate(req);
    if (!('source' in passed)) return refuseUpgrade(socket, passed.status, passed.text, passed.message);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const unsubscribe = options.service.subscribe((message: ApiEventMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES && message.event !== 'training.status') return;
      try {
        ws.send(JSON.stringify(message));
      } catch (err) {
        log(`layerlab serve: an event could not be sent (kept serving): ${describeError(err)}`);
      }
    });
    ws.on('message', (data, isBinary) => {
      const pending = isBinary
        ? Promise.resolve({ id: null, error: { code: 'bad-message' as const, message: 'binary frames are not accepted: send the request as JSON text' } })
        : handleApiMessage(options.service, data.toString());
      pending
        .then((response) => {
          if (ws.readyState === ws.OPEN) ws.send(serializeResponse(response));
        })
        .catch((err: unknown) => log(`layerlab serve: a request failed outside its handler (kept serving): ${describeError(err)}`));
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/?token=${encodeURIComponent(token)}`,
    host,
    port,
    token,
    server,
    get clients() {
      return sockets.size;
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
