import type { ApiMethod, ApiParsedParams, ApiResult } from '../../shared/api';
import type { EventListener } from './events';

/** What a transport needs from the backend: call a (validated) method, receive every pushed event. */
export interface BackendService {
  /** Params must already be validated (handleApiMessage does that); handlers throw ApiError on failure. */
  call<M extends ApiMethod>(method: M, params: ApiParsedParams<M>): Promise<ApiResult<M>>;
  subscribe(listener: EventListener): () => void;
  /** Stops every run (killing workers) and releases resources. */
  close(): Promise<void>;
}

export type Handlers = { [M in ApiMethod]: (params: ApiParsedParams<M>) => Promise<ApiResult<M>> };
