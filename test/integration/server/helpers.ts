import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';

/** A renderer folder with an index page and a script, inside a parent that also holds a secret file. */
export function makeRendererDir(): { root: string; secret: string } {
  const parent = mkdtempSync(join(tmpdir(), 'layerlab-serve-'));
  const root = join(parent, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body>LAYERLAB_INDEX</body></html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("LAYERLAB_APP")');
  const secret = 'TOP_SECRET_' + Math.random().toString(36).slice(2);
  writeFileSync(join(parent, 'secret.txt'), secret);
  return { root, secret };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends the request target byte for byte, as an attacker would, with no client-side normalisation. */
export function rawGet(port: number, target: string, extraHeaders = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extraHeaders}Connection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('end', () => resolve({ status: Number(text.match(/^HTTP\/1\.1 (\d+)/)?.[1] ?? 0), text }));
    socket.on('error', reject);
  });
}

/** Opens a WebSocket; resolves with it when open, rejects with the HTTP status when the upgrade is refused. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused with ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Sends requests on one socket and matches the responses by id; collects pushed events. */
export class Client {
  readonly events: { event: string; payload: Record<string, any> }[] = [];
  private next = 1;
  private readonly waiting = new Map<number, (r: unknown) => void>();
  private readonly eventWaiters: { match: (e: { event: string; payload: Record<string, any> }) => boolean; resolve: (e: unknown) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; event?: string; payload?: Record<string, unknown> };
      if (message.event) {
        const e = { event: message.event, payload: message.payload! };
        this.events.push(e);
        for (const w of [...this.eventWaiters]) {
          if (w.match(e)) {
            this.eventWaiters.splice(this.eventWaiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
        return;
      }
      const waiter = this.waiting.get(message.id!);
      this.waiting.delete(message.id!);
      waiter?.(message);
    });
  }

  call(method: string, params?: unknown): Promise<{ id: number; result?: any; error?: { code: string; message: string; details?: unknown } }> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (r: unknown) => void);
      this.ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    });
  }

  waitFor(match: (e: { event: string; payload: Record<string, any> }) => boolean, timeoutMs = 90_000): Promise<{ event: string; payload: Record<string, any> }> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), timeoutMs);
      this.eventWaiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as { event: string; payload: Record<string, any> });
        },
      });
    });
  }
}
