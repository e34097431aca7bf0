/**
 * The one validation layer between a transport (WebSocket server, Electron IPC) and the backend service: parses
 * and bounds the raw message, checks the envelope and the params against shared/api.ts, calls the handler and
 * turns every failure into an {id, error: {code, message}} response. Nothing a client sends can throw past here.
 */
import {
  API_LIMITS,
  ApiError,
  RequestEnvelopeSchema,
  validateRequest,
  type ApiErrorBody,
  type ApiMethod,
  type ApiParsedParams,
  type ApiResponse,
  type RequestId,
} from '../../shared/api';
import { jsonBoundsProblem } from '../../shared/json-bounds';
import type { BackendService } from './types';

function errorResponse(id: RequestId | null, error: ApiErrorBody): ApiResponse {
  return { id, error };
}

/** Echo a usable id back even when the rest of the envelope is wrong, so the client can match the error. */
function salvageId(value: unknown): RequestId | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  if (typeof id === 'string' && id.length > 0 && id.length <= API_LIMITS.id) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  return null;
}

export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) {
    return err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `internal error: ${message}` };
}

/**
 * Handles one request message. `raw` is the JSON text (WebSocket) or the already deserialised object (Electron
 * IPC's structured clone). Always resolves, never rejects.
 */
export async function handleApiMessage(service: BackendService, raw: unknown): Promise<ApiResponse> {
  let value: unknown = raw;
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
    if (text.length > API_LIMITS.messageChars) {
      return errorResponse(null, {
        code: 'too-large',
        message: `message of ${text.length} characters refused: the limit is ${API_LIMITS.messageChars}. Send smaller inputs.`,
      });
    }
    try {
      value = JSON.parse(text);
    } catch (err) {
      return errorResponse(null, {
        code: 'bad-message',
        message: `message is not valid JSON (${(err as Error).message}): send {"id", "method", "params"} as JSON.`,
      });
    }
  }
  const id = salvageId(value);
  // Before any schema: zod recurses, and a value nested a few thousand deep would overflow its stack.
  const tooDeep = jsonBoundsProblem(value, MESSAGE_BOUNDS);
  if (tooDeep) {
    return errorResponse(id, { code: 'too-large', message: `message refused: ${tooDeep}. Send plainer data (layer configs and projects nest a few levels).` });
  }
  try {
    return await validateAndCall(service, id, value);
  } catch (err) {
    // Validation is not expected to throw; if a schema ever does, the client gets an answer and the server lives on.
    return errorResponse(id, toErrorBody(err));
  }
}

/** Bounds of one message: its size is already capped by API_LIMITS.messageChars. */
const MESSAGE_BOUNDS = { maxDepth: 64, maxValues: 2_000_000 };

async function validateAndCall(service: BackendService, id: RequestId | null, value: unknown): Promise<ApiResponse> {
  const envelope = RequestEnvelopeSchema.safeParse(value);
  if (!envelope.success) {
    const problems = envelope.error.issues.map((i) => `${i.path.map(String).join('.') || '(message)'}: ${i.message}`);
    return errorResponse(id, {
      code: 'bad-message',
      message: `malformed request: ${problems.slice(0, 5).join('; ')}. Expected {"id": string|number, "method": string, "params": object}.`,
    });
  }
  const checked = validateRequest(envelope.data.method, envelope.data.params);
  if (!checked.ok) return errorResponse(envelope.data.id, checked.error);
  try {
    const result = await service.call(checked.method, checked.params as ApiParsedParams<ApiMethod>);
    return { id: envelope.data.id, result: result ?? null };
  } catch (err) {
    const body = toErrorBody(err);
    // Every error names the method it answers, so a log line or a toast is clear on its own.
    if (!body.message.startsWith(`${checked.method}:`)) body.message = `${checked.method}: ${body.message}`;
    return errorResponse(envelope.data.id, body);
  }
}
