import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { API_METHODS, validateRequest } from '../../../shared/api';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { MIRROR, refusingRunnerFactory, validParams } from './examples';
import { mutate, randomJson, rng } from './fuzz';

const ROUNDS = 2000;

const cacheDir = mkdtempSync(join(tmpdir(), 'layerlab-fuzz-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('fuzzing handleApiMessage', () => {
  // A fuzzed training.start that happens to be valid must not spawn training workers in a unit test.
  const refusing = refusingRunnerFactory();
  const service = createBackendService({
    datasets: { mirror: MIRROR, cacheDir, offline: true },
    baseDir: cacheDir,
    runnerFactory: refusing.factory,
    engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }),
  });

  it.each(API_METHODS.map((m) => [m]))(`%s: ${ROUNDS} random and mutated params are answered, never thrown`, async (method) => {
    const next = rng(method.length * 7919 + method.charCodeAt(0));
    let refused = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const params = i % 2 === 0 ? randomJson(next) : mutate(validParams[method], next);
      const wire = JSON.stringify({ id: i, method, params });
      const response = await handleApiMessage(service, wire);
      expect(response.id).toBe(i);
      if ('error' in response) {
        refused++;
        expect(typeof response.error.message).toBe('string');
        expect(response.error.message.length).toBeGreaterThan(10);
        // Validation failures must name the method; nothing may surface as an internal error.
        expect(response.error.code).not.toBe('internal');
        if (response.error.code === 'invalid-params') expect(response.error.message).toContain(method);
      } else {
        // Whatever got through must have been valid by the contract.
        expect(validateRequest(method, (JSON.parse(wire) as { params?: unknown }).params).ok).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(ROUNDS / 4);
    // The backend still serves a valid call afterwards.
    expect(await handleApiMessage(service, { id: 'after', method: 'datasets.info', params: { name: 'mnist' } })).toMatchObject({ id: 'after', result: { name: 'mnist' } });
  });

  it(`${ROUNDS} random envelopes are answered`, async () => {
    const next = rng(12345);
    for (let i = 0; i < ROUNDS; i++) {
      const value = randomJson(next);
      const response = await handleApiMessage(service, i % 3 === 0 ? JSON.stringify(value) : value);
      expect(response).toHaveProperty('error');
    }
    expect(await handleApiMessage(service, '{"id":1,"method":"training.list"}')).toMatchObject({ id: 1, result: { runs: expect.any(Array) } });
    expect(refusing.started()).toBeLessThan(ROUNDS);
  });
});
