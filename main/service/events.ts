/**
 * Fans every pushed event out to every subscriber (each WebSocket client, each Electron window), so that
 * several clients watching the same backend see the same runs. A subscriber that throws does not stop the others.
 */
import type { ApiEvent, ApiEventMessage, ApiEventPayload } from '../../shared/api';

export type EventListener = (message: ApiEventMessage) => void;

export interface EventBus {
  emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
  readonly size: number;
}

export function createEventBus(onListenerError: (err: unknown) => void = () => {}): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(event, payload) {
      const message = { event, payload } as ApiEventMessage;
      for (const listener of [...listeners]) {
        try {
          listener(message);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
}
