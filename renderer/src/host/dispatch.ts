/** Event fan-out and response unwrapping shared by both hosts. */
import { ApiError, type ApiEvent, type ApiEventMessage, type ApiEventPayload, type ApiResponse } from '../../../shared/api';

export class EventHandlers {
  private readonly handlers = new Map<string, Set<(payload: never) => void>>();

  on<E extends ApiEvent>(event: E, handler: (payload: ApiEventPayload<E>) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  dispatch(message: ApiEventMessage): void {
    for (const handler of this.handlers.get(message.event) ?? []) {
      try {
        (handler as (payload: unknown) => void)(message.payload);
      } catch (err) {
        // One broken view must not stop the others from updating.
        console.error(`handler for ${message.event} failed:`, err);
      }
    }
  }
}

export function unwrap<T>(response: ApiResponse): T {
  if ('error' in response) throw new ApiError(response.error.code, response.error.message, response.error.details);
  return response.result as T;
}
