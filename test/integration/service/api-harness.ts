/** A backend service in this process and a `call` that sends JSON text through the same validation as the WebSocket. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { handleApiMessage } from '../../../main/service/handle';
import type { DatasetSourceOptions } from '../../../main/service/protocol';
import { createBackendService } from '../../../main/service/service';

/**
 * With `confined`, the service may use only `dir` (serve --root dir), and relative paths are read from it.
 * `datasets`: where the service reads catalog datasets (e.g. stand-in imdb/reuters entries in a mirror under `dir`).
 */
export function apiHarness(prefix: string, confined = false, datasets?: (dir: string) => DatasetSourceOptions) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const service = createBackendService({
    engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }),
    ...(confined ? { baseDir: dir, roots: [dir], checkpointDir: join(dir, 'ck') } : {}),
    ...(datasets ? { datasets: datasets(dir) } : {}),
  });
  let nextId = 1;
  /** The result, or `{ error }` with the API error. */
  async function call(method: string, params?: unknown): Promise<any> {
    const response = await handleApiMessage(service, JSON.stringify({ id: nextId++, method, params }));
    if ('error' in response) return { error: response.error };
    return response.result;
  }
  afterAll(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, service, call };
}
