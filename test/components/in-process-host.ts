/** The real backend service in this process, reached the way the transports reach it: validated requests. */
import { ApiError, validateRequest, type ApiMethod } from '../../shared/api';
import type { LocalBackendService } from '../../main/service/service';
import type { Host } from '../../renderer/src/host';

export function inProcessHost(backend: LocalBackendService): Host {
  return {
    kind: 'electron',
    async call(method: ApiMethod, params?: unknown) {
      const checked = validateRequest(method, params);
      if (!checked.ok) throw new ApiError(checked.error.code, checked.error.message);
      return backend.call(checked.method, checked.params as never);
    },
    on: () => () => {},
    onConnection(handler) {
      handler('open');
      return () => {};
    },
    close() {},
  } as Host;
}
