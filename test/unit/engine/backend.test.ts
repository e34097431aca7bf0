import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainLoadError, formatBackendChoice, parseBackendName, resolveWasmDir } from '../../../main/engine/backend';

describe('backend names', () => {
  it.each([
    ['gpu', 'tfjs-node-gpu'], ['tfjs-node-gpu', 'tfjs-node-gpu'], ['node', 'tfjs-node'], ['tensorflow', 'tfjs-node'],
    ['WASM', 'wasm'], ['cpu', 'cpu'],
  ])('%s -> %s', (input, want) => expect(parseBackendName(input)).toBe(want));

  it('rejects unknown names listing the valid ones', () => {
    expect(() => parseBackendName('webgl')).toThrow(/unknown backend 'webgl'; use one of tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu/);
  });
});

describe('load errors in words a user can act on', () => {
  const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
  it('a package that is not installed', () => {
    expect(explainLoadError('tfjs-node-gpu', err("Cannot find module '@tensorflow/tfjs-node-gpu'\nRequire stack:\n- /x.js", 'MODULE_NOT_FOUND')))
      .toBe('tfjs-node-gpu: not installed (optional dependency; its install downloads libtensorflow and needs internet: npm install @tensorflow/tfjs-node-gpu)');
  });
  it('missing CUDA libraries', () => {
    expect(explainLoadError('tfjs-node-gpu', err('libcudart.so.11.0: cannot open shared object file: No such file or directory')))
      .toBe('tfjs-node-gpu: libcudart.so.11.0 not found; it needs CUDA 11.2 and cuDNN 8.1 (install them or use tfjs-node)');
    expect(explainLoadError('tfjs-node-gpu', err('libcudnn.so.8: cannot open shared object file'))).toMatch(/libcudnn\.so\.8 not found; it needs CUDA 11\.2 and cuDNN 8\.1/);
  });
  it('a binding that was never built (the install-time download failed)', () => {
    const msg = "Cannot find module '/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'";
    expect(explainLoadError('tfjs-node', err(msg, 'MODULE_NOT_FOUND'))).toMatch(/native binding was never built.*npm rebuild @tensorflow\/tfjs-node/);
  });
  it('missing libtensorflow', () => {
    expect(explainLoadError('tfjs-node', err('libtensorflow.so.2: cannot open shared object file'))).toMatch(/libtensorflow is missing/);
  });
  it('anything else keeps its first line', () => {
    expect(explainLoadError('tfjs-node', err('boom\nstack'))).toBe('tfjs-node: failed to load (boom)');
  });
});

describe('wasm binary folder', () => {
  const sep = path.sep;
  it('is the dist folder of the resolved package, with a trailing separator', () => {
    const entry = path.join('/app', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist', 'tf-backend-wasm.node.js');
    const dir = resolveWasmDir(entry, {}, (p) => p.endsWith('tfjs-backend-wasm.wasm') && p.includes(`${sep}dist${sep}`));
    expect(dir).toBe(path.join('/app', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + sep);
  });
  it('in a packaged app points into app.asar.unpacked when the binaries are there', () => {
    const entry = path.join('/opt/Layerlab/resources/app.asar/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js');
    const dir = resolveWasmDir(entry, {}, (p) => p.endsWith('tfjs-backend-wasm.wasm'));
    expect(dir).toBe(path.join('/opt/Layerlab/resources/app.asar.unpacked/node_modules/@tensorflow/tfjs-backend-wasm/dist') + sep);
  });
  it('LAYERLAB_WASM_DIR overrides', () => {
    expect(resolveWasmDir('/whatever.js', { LAYERLAB_WASM_DIR: '/opt/wasm' }, () => false)).toBe(`/opt/wasm${sep}`);
  });
  it('finds the real files of this checkout', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(resolveWasmDir(), 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });
});

it('formats the choice with every skipped backend and why', () => {
  const text = formatBackendChoice({
    backend: 'wasm', tfBackend: 'wasm', detail: 'SIMD, 1 thread',
    reasons: [{ name: 'tfjs-node-gpu', reason: 'tfjs-node-gpu: not installed' }, { name: 'tfjs-node', reason: 'tfjs-node: not installed' }],
  });
  expect(text.split('\n')).toEqual(['backend: wasm (SIMD, 1 thread)', '  skipped tfjs-node-gpu: not installed', '  skipped tfjs-node: not installed']);
});
