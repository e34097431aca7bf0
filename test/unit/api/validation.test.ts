import { afterAll, describe, expect, it } from 'vitest';
import { API_LIMITS, API_METHODS, apiEvents, validateRequest, type ApiMethod } from '../../../shared/api';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIRROR, mlpGraph, node, stringField, validParams } from './examples';

function setAt(obj: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cur: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
}

const cacheDir = mkdtempSync(join(tmpdir(), 'layerlab-api-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('validateRequest', () => {
  it('knows every method the contract lists', () => {
    expect(API_METHODS).toEqual(expect.arrayContaining(['system.info', 'training.start', 'training.predict', 'datasets.preview', 'export.run']));
    expect(API_METHODS.length).toBe(Object.keys(validParams).length);
  });

  it('refuses an unknown method and lists the known ones', () => {
    const r = validateRequest('training.explode', {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('unknown-method');
    expect(r.error.message).toContain("unknown method 'training.explode'");
    expect(r.error.message).toContain('training.start');
  });

  it('does not treat Object.prototype names as methods', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const r = validateRequest(name, {});
      expect(r.ok, name).toBe(false);
    }
  });

  describe.each(API_METHODS.map((m) => [m] as [ApiMethod]))('%s', (method) => {
    it('accepts its valid example', () => {
      const r = validateRequest(method, validParams[method]);
      expect(r.ok, JSON.stringify(r)).toBe(true);
    });

    it('refuses an extra field and names it', () => {
      const r = validateRequest(method, { ...(validParams[method] as object), sneaky: 1 });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('invalid-params');
      expect(r.error.message).toContain('sneaky');
      expect(r.error.message).toContain(method);
    });

    it('refuses params that are not an object', () => {
      for (const bad of [null, 42, 'x', [1, 2], true]) {
        const r = validateRequest(method, bad);
        expect(r.ok, JSON.stringify(bad)).toBe(false);
        if (!r.ok) expect(r.error.message).toMatch(/expected object/);
      }
    });

    const field = stringField[method];
    if (field) {
      it(`refuses an oversized ${field.join('.')} and a wrongly typed one, naming the field`, () => {
        const huge = 'x'.repeat(API_LIMITS.path + 1);
        const r1 = validateRequest(method, setAt(validParams[method], field, huge));
        expect(r1.ok).toBe(false);
        if (!r1.ok) {
          expect(r1.error.message).toContain(field.join('.').replace(/\.(\d+)\./g, '[$1].'));
          expect(r1.error.message).toMatch(/Too big|at most|<=/);
        }
        const r2 = validateRequest(method, setAt(validParams[method], field, 12));
        expect(r2.ok).toBe(false);
        if (!r2.ok) expect(r2.error.message).toMatch(/expected string, received number/);
      });
    }
  });

  it('names nested fields: a training config typo and a bad graph node', () => {
    const r = validateRequest('training.start', {
      graph: { ...mlpGraph, nodes: [{ ...mlpGraph.nodes[0], id: '' }, ...mlpGraph.nodes.slice(1)] },
      config: { epochs: 0, lerning_rate: 0.1 },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain('graph.nodes[0].id');
    expect(r.error.message).toContain('config.epochs');
    expect(r.error.message).toContain('lerning_rate');
    expect(r.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'config.epochs' })]));
  });

  it('bounds arrays: too many graph nodes, too many prediction values', () => {
    const node = mlpGraph.nodes[1]!;
    const nodes = Array.from({ length: API_LIMITS.graphNodes + 1 }, (_, i) => ({ ...node, id: `n${i}`, name: `n${i}` }));
    const r1 = validateRequest('training.start', { graph: { nodes, edges: [] }, config: {} });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.error.message).toContain('graph.nodes');
    const r2 = validateRequest('training.predict', { runId: 'r', input: { pixels: new Array(API_LIMITS.predictValues + 1).fill(0), shape: [1] } });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toContain('input.pixels');
  });

  it("export.run weights: final or best; best needs a run and a model format", () => {
    const base = { format: 'tfjs', graph: mlpGraph, path: 'export', runId: 'r1' };
    expect(validateRequest('export.run', { ...base, weights: 'best' }).ok).toBe(true);
    expect(validateRequest('export.run', { ...base, weights: 'final' }).ok).toBe(true);
    const refused = (params: object) => {
      const r = validateRequest('export.run', params);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.message;
    };
    expect(refused({ ...base, weights: 'last' })).toMatch(/weights: .*"final"\|"best"/);
    expect(refused({ ...base, runId: undefined, weights: 'best' })).toContain("weights: 'best' needs a runId");
    expect(refused({ ...base, format: 'tensorboard', weights: 'best' })).toContain('TensorBoard logs show the whole run');
  });

  it('fills defaults the caller left out', () => {
    const r = validateRequest('datasets.preview', { name: 'mnist' });
    expect(r).toMatchObject({ ok: true, params: { split: 'train', offset: 0, count: 16 } });
  });

  it('every event payload schema refuses extra fields', () => {
    for (const [name, schema] of Object.entries(apiEvents)) {
      const r = schema.safeParse({ runId: 'r', name: 'x', surprise: true });
      expect(r.success, name).toBe(false);
    }
  });
});

describe('handleApiMessage', () => {
  const service = createBackendService({ datasets: { mirror: MIRROR, cacheDir, offline: true },
    baseDir: cacheDir, engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }) });

  it('answers malformed messages with a clear error and echoes a usable id', async () => {
    expect(await handleApiMessage(service, '{not json')).toMatchObject({ id: null, error: { code: 'bad-message', message: expect.stringContaining('not valid JSON') } });
    expect(await handleApiMessage(service, '[1,2]')).toMatchObject({ id: null, error: { code: 'bad-message' } });
    expect(await handleApiMessage(service, '{"id": 7}')).toMatchObject({ id: 7, error: { code: 'bad-message', message: expect.stringContaining('method') } });
    expect(await handleApiMessage(service, '{"id": 7, "method": "training.list", "extra": 1}')).toMatchObject({
      id: 7,
      error: { code: 'bad-message', message: expect.stringContaining('extra') },
    });
    expect(await handleApiMessage(service, { id: 'a', method: 'nope' })).toMatchObject({ id: 'a', error: { code: 'unknown-method' } });
  });

  it('refuses an oversized message before parsing it', async () => {
    const raw = JSON.stringify({ id: 1, method: 'training.list', params: { pad: 'x'.repeat(API_LIMITS.messageChars) } });
    expect(await handleApiMessage(service, raw)).toMatchObject({ id: null, error: { code: 'too-large' } });
  });

  it('runs a valid call and reports handler errors with their codes', async () => {
    expect(await handleApiMessage(service, JSON.stringify({ id: 1, method: 'training.list' }))).toEqual({ id: 1, result: { runs: [] } });
    expect(await handleApiMessage(service, { id: 2, method: 'training.get', params: { runId: 'run-missing' } })).toMatchObject({
      id: 2,
      error: { code: 'not-found', message: expect.stringContaining('run-missing') },
    });
    expect(await handleApiMessage(service, { id: 3, method: 'datasets.info', params: { name: 'mnist' } })).toMatchObject({
      id: 3,
      result: { name: 'mnist', classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], available: true },
    });
  });

  it('refuses an invalid graph with the node errors', async () => {
    const broken = {
      nodes: [...mlpGraph.nodes.slice(0, 3), node('out', 'Dense', 'output', { units: 0 })],
      edges: mlpGraph.edges,
    };
    const response = await handleApiMessage(service, { id: 4, method: 'training.start', params: { graph: broken, config: {} } });
    expect(response).toMatchObject({ id: 4, error: { code: 'invalid-graph', message: expect.stringContaining('node out') } });
    if ('error' in response) {
      expect(response.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: 'out', code: 'config', field: 'units' })]));
    }
    const noInput = { nodes: mlpGraph.nodes.slice(1), edges: mlpGraph.edges.slice(1) };
    expect(await handleApiMessage(service, { id: 5, method: 'training.start', params: { graph: noInput, config: {} } })).toMatchObject({
      error: { code: 'invalid-graph', message: expect.stringMatching(/no Input layer/) },
    });
    expect(await handleApiMessage(service, { id: 6, method: 'training.list' })).toEqual({ id: 6, result: { runs: [] } });
  });

  it('returns a dataset preview as real PNGs with labels', async () => {
    const response = await handleApiMessage(service, { id: 7, method: 'datasets.preview', params: { name: 'mnist', split: 'test', count: 3 } });
    expect('result' in response).toBe(true);
    if (!('result' in response)) return;
    const preview = response.result as { images: { label: number; png: string }[] };
    // The first MNIST test digits are 7, 2, 1.
    expect(preview.images.map((i) => i.label)).toEqual([7, 2, 1]);
    const png = Buffer.from(preview.images[0]!.png, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(28);
  });
});
