import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { addRecentProject, defaultAppState, loadAppState, MAX_RECENT, saveAppState } from '../../../main/electron/app-state';
import { buildMenuTemplate, type MenuAction } from '../../../main/electron/menu';
import { formatGpuReport, gpuReport } from '../../../main/system/gpu';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('menu template', () => {
  const sent: [MenuAction, string | undefined][] = [];
  const template = buildMenuTemplate({ platform: 'linux', isDev: false, recentProjects: ['/home/a/mnist.layerlab'], send: (a, arg) => sent.push([a, arg]) });
  const top = template.map((m) => m.label);
  const all = flatten(template);
  const byLabel = (label: string) => all.find((i) => i.label === label)!;

  it('has File, Edit, View, Run, Help', () => {
    expect(top).toEqual(['File', 'Edit', 'View', 'Run', 'Help']);
  });
  it.each([
    ['New Project', 'CmdOrCtrl+N'],
    ['Open…', 'CmdOrCtrl+O'],
    ['Save', 'CmdOrCtrl+S'],
    ['Save As…', 'CmdOrCtrl+Shift+S'],
    ['Undo', 'CmdOrCtrl+Z'],
    ['Train', 'CmdOrCtrl+Enter'],
  ])('%s has accelerator %s', (label, accel) => {
    expect(byLabel(label).accelerator).toBe(accel);
  });
  it('clipboard items are native roles', () => {
    expect(all.map((i) => i.role)).toEqual(expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll']));
  });
  it('menu items send their action; recent projects send their path', () => {
    (byLabel('Train').click as () => void)();
    (byLabel('/home/a/mnist.layerlab').click as () => void)();
    expect(sent).toEqual([['run.train', undefined], ['file.openRecent', '/home/a/mnist.layerlab']]);
  });
  it('dev tools only in development', () => {
    expect(all.some((i) => i.role === 'toggleDevTools')).toBe(false);
    const dev = flatten(buildMenuTemplate({ platform: 'linux', isDev: true, recentProjects: [], send() {} }));
    expect(dev.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
  it('macOS gets the app menu first', () => {
    expect(buildMenuTemplate({ platform: 'darwin', isDev: false, recentProjects: [], send() {} })[0].role).toBe('appMenu');
  });
});

describe('app state', () => {
  it('round-trips and keeps the most recent projects first, without duplicates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-state-'));
    let state = defaultAppState();
    for (let i = 0; i < 15; i++) state = addRecentProject(state, `/p/${i}.layerlab`);
    state = addRecentProject(state, '/p/3.layerlab');
    saveAppState(dir, { ...state, bounds: { x: 1, y: 2, width: 800, height: 600 } });
    const loaded = loadAppState(dir);
    expect(loaded.recentProjects).toHaveLength(MAX_RECENT);
    expect(loaded.recentProjects[0]).toBe('/p/3.layerlab');
    expect(new Set(loaded.recentProjects).size).toBe(MAX_RECENT);
    expect(loaded.bounds).toEqual({ x: 1, y: 2, width: 800, height: 600 });
  });
  it('a damaged state file gives the defaults instead of stopping the app', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-state-'));
    writeFileSync(join(dir, 'app-state.json'), '{"version":1,"recentProj');
    expect(loadAppState(dir)).toEqual(defaultAppState());
    writeFileSync(join(dir, 'app-state.json'), JSON.stringify({ version: 1, recentProjects: 'nope' }));
    expect(loadAppState(dir)).toEqual(defaultAppState());
    expect(readFileSync(join(dir, 'app-state.json'), 'utf8')).toContain('nope');
  });
});

describe('GPU setup report', () => {
  it('on this machine (no NVIDIA driver) says what is missing and how to fix it', () => {
    const report = gpuReport({ platform: 'linux', arch: 'x64', env: { LD_LIBRARY_PATH: '' }, nvidiaSmi: () => null, extraDirs: [] });
    expect(report.ready).toBe(false);
    expect(report.advice.join('\n')).toMatch(/driver/);
    expect(formatGpuReport(report)).toMatch(/libcudart\.so\.11\.0/);
  });
  it('finds CUDA 11.2 and cuDNN 8.1 libraries on LD_LIBRARY_PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-cuda-'));
    const lib = join(dir, 'lib64');
    mkdirSync(lib);
    const files = ['libcudart.so.11.0', 'libcublas.so.11', 'libcublasLt.so.11', 'libcufft.so.10', 'libcurand.so.10', 'libcusolver.so.11', 'libcusparse.so.11'];
    for (const f of files) writeFileSync(join(lib, f), '');
    const smi = () => 'NVIDIA A100-SXM4-40GB, 525.85.12\n';
    const partial = gpuReport({ platform: 'linux', arch: 'x64', env: { LD_LIBRARY_PATH: lib }, nvidiaSmi: smi });
    expect(partial.driver).toEqual({ version: '525.85.12', gpus: ['NVIDIA A100-SXM4-40GB'] });
    expect(partial.libraries.find((l) => l.file === 'libcudart.so.11.0')!.foundAt).toBe(join(lib, 'libcudart.so.11.0'));
    expect(partial.ready).toBe(false);
    expect(partial.advice).toEqual([expect.stringMatching(/libcudnn\.so\.8 not found .*cuDNN 8\.1/)]);
    writeFileSync(join(lib, 'libcudnn.so.8'), '');
    expect(gpuReport({ platform: 'linux', arch: 'x64', env: { LD_LIBRARY_PATH: lib }, nvidiaSmi: smi }).ready).toBe(true);
  });
  it('says macOS and Arm are not supported by tfjs-node-gpu', () => {
    expect(gpuReport({ platform: 'darwin', arch: 'arm64', env: {}, nvidiaSmi: () => null }).advice[0]).toMatch(/Linux x86_64 and Windows x86_64 only/);
  });
  it('flags a driver too old for CUDA 11.2', () => {
    const r = gpuReport({ platform: 'linux', arch: 'x64', env: {}, nvidiaSmi: () => 'Tesla K80, 418.67\n' });
    expect(r.advice.join('\n')).toMatch(/418\.67 is too old/);
  });
});
