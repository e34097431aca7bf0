/**
 * How the window reaches the backend, whichever app shell it runs in. The renderer codes against `Host` only;
 * the Electron preload bridge and the WebSocket client both implement it with the types of shared/api.ts.
 */
import type { ApiEvent, ApiEventMessage, ApiEventPayload, ApiMethod, ApiParams, ApiResponse, ApiResult, RequestId } from '../../../shared/api';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Host {
  readonly kind: 'electron' | 'websocket';
  /** Resolves with the result; rejects with an ApiError (code, message, details) from shared/api.ts. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{} extends P`: every field of P is optional.
  call<M extends ApiMethod>(method: M, ...params: {} extends ApiParams<M> ? [params?: ApiParams<M>] : [params: ApiParams<M>]): Promise<ApiResult<M>>;
  /** Subscribes to one pushed event; returns the function that unsubscribes. */
  on<E extends ApiEvent>(event: E, handler: (payload: ApiEventPayload<E>) => void): () => void;
  /** Connection changes (the Electron host is always 'open'); called at once with the current state. */
  onConnection(handler: (state: ConnectionState) => void): () => void;
  close(): void;
}

/**
 * What main/electron's preload exposes as `window.layerlab` through contextBridge. Deliberately narrow: one
 * request function carrying the same {id, method, params} envelope as the WebSocket (main validates it with
 * handleApiMessage) and one event subscription. Never ipcRenderer itself.
 */
export interface LayerlabBridge {
  readonly version: 1;
  request(message: { id: RequestId; method: string; params?: unknown }): Promise<ApiResponse>;
  onEvent(listener: (message: ApiEventMessage) => void): () => void;
}

declare global {
  interface Window {
    layerlab?: LayerlabBridge;
  }
}
