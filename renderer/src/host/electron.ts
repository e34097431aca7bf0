/** The desktop host: the same API through the preload bridge (window.layerlab), validated in main. */
import { ApiError, type ApiMethod, type ApiParams, type ApiResult } from '../../../shared/api';
import { EventHandlers, unwrap } from './dispatch';
import type { Host, LayerlabBridge } from './types';

export function createElectronHost(bridge: LayerlabBridge | undefined = globalThis.window?.layerlab): Host {
  if (!bridge) throw new Error('window.layerlab is missing: the Electron preload did not run (use the WebSocket host in a browser)');
  const events = new EventHandlers();
  const unsubscribe = bridge.onEvent((message) => events.dispatch(message));
  let nextId = 1;
  let closed = false;
  return {
    kind: 'electron',
    async call<M extends ApiMethod>(method: M, ...rest: [params?: ApiParams<M>]): Promise<ApiResult<M>> {
      if (closed) throw new ApiError('unavailable', 'this host was closed');
      const response = await bridge.request(rest[0] === undefined ? { id: nextId++, method } : { id: nextId++, method, params: rest[0] });
      return unwrap<ApiResult<M>>(response);
    },
    on: (event, handler) => events.on(event, handler),
    onConnection(handler) {
      handler('open');
      return () => {};
    },
    close() {
      closed = true;
      unsubscribe();
    },
  } as Host;
}
