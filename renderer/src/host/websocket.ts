/**
 * The browser-mode host: the API over one WebSocket to `layerlab serve`, reconnecting with backoff when the
 * connection drops (a restarted server, a flaky SSH tunnel). Calls made while disconnected wait for the
 * connection; calls in flight when it drops are rejected, since the backend may or may not have run them.
 */
import { ApiError, type ApiEventMessage, type ApiMethod, type ApiParams, type ApiResponse, type ApiResult } from '../../../shared/api';
import { EventHandlers, unwrap } from './dispatch';
import type { ConnectionState, Host } from './types';

/** The part of the WebSocket API this host uses: the browser's WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketHostOptions {
  /** Default: the global WebSocket (browsers; Node 22+). Node 20 tests pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay, doubled up to maxReconnectDelayMs. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

const OPEN = 1;

/** `url` is the API endpoint, e.g. ws://127.0.0.1:8765/api; `token` is appended (omit it to rely on the cookie). */
export function createWebSocketHost(url: string, token?: string, options: WebSocketHostOptions = {}): Host {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) throw new Error('no WebSocket implementation: pass options.WebSocket (e.g. from the ws package)');
  const endpoint = new URL(url);
  if (token !== undefined) endpoint.searchParams.set('token', token);
  const firstDelay = options.reconnectDelayMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 5000;

  const events = new EventHandlers();
  const connectionHandlers = new Set<(state: ConnectionState) => void>();
  const inFlight = new Map<number, { resolve: (r: ApiResponse) => void; reject: (e: Error) => void }>();
  const waiting: string[] = [];
  let socket: WebSocketLike | undefined;
  let state: ConnectionState = 'connecting';
  let delay = firstDelay;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let nextId = 1;

  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    for (const handler of connectionHandlers) handler(next);
  };

  const connect = (): void => {
    setState('connecting');
    const ws = new Ctor(endpoint.toString());
    socket = ws;
    ws.onopen = () => {
      delay = firstDelay;
      setState('open');
      for (const text of waiting.splice(0)) ws.send(text);
    };
    ws.onmessage = (ev) => {
      let message: ApiResponse | ApiEventMessage;
      try {
        message = JSON.parse(String(ev.data)) as ApiResponse | ApiEventMessage;
      } catch {
        return;
      }
      if ('event' in message) return events.dispatch(message);
      if (typeof message.id !== 'number') return;
      const waiter = inFlight.get(message.id);
      inFlight.delete(message.id);
      waiter?.resolve(message);
    };
    ws.onerror = () => {
      // onclose follows and does the work.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      for (const waiter of inFlight.values()) {
        waiter.reject(new ApiError('unavailable', 'the connection to the backend dropped before it answered: try again'));
      }
      inFlight.clear();
      setState('closed');
      if (closed) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(maxDelay, delay * 2);
    };
  };
  connect();

  return {
    kind: 'websocket',
    call<M extends ApiMethod>(method: M, ...rest: [params?: ApiParams<M>]): Promise<ApiResult<M>> {
      if (closed) return Promise.reject(new ApiError('unavailable', 'this host was closed'));
      const id = nextId++;
      const text = JSON.stringify(rest[0] === undefined ? { id, method } : { id, method, params: rest[0] });
      return new Promise<ApiResponse>((resolve, reject) => {
        inFlight.set(id, { resolve, reject });
        if (socket && socket.readyState === OPEN) socket.send(text);
        else waiting.push(text);
      }).then((response) => unwrap<ApiResult<M>>(response));
    },
    on: (event, handler) => events.on(event, handler),
    onConnection(handler) {
      connectionHandlers.add(handler);
      handler(state);
      return () => connectionHandlers.delete(handler);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const waiter of inFlight.values()) waiter.reject(new ApiError('unavailable', 'this host was closed'));
      inFlight.clear();
      socket?.close();
      setState('closed');
    },
  } as Host;
}
