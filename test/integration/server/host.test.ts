import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiError, type ApiEventMessage } from '../../../shared/api';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { startServer, type RunningServer } from '../../../main/server/server';
import { apiUrlFor, type ConnectionState } from '../../../renderer/src/host/index';
import { createElectronHost } from '../../../renderer/src/host/electron';
import type { LayerlabBridge } from '../../../renderer/src/host/types';
import { createWebSocketHost, type WebSocketLike } from '../../../renderer/src/host/websocket';

const engineInfo = async () => ({ backend: 'cpu', skipped: [], gpuNotes: ['no GPU here'] });
const WS = WebSocket as unknown as new (url: string) => WebSocketLike;

describe('renderer hosts against the real backend', () => {
  const service = createBackendService({ engineInfo, appVersion: '9.9.9' });
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ service, port: 0, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    await service.close();
  });

  it('WebSocket host: typed calls, ApiError rejections, events', async () => {
    const host = createWebSocketHost(`ws://127.0.0.1:${server.port}/api`, server.token, { WebSocket: WS });
    const info = await host.call('system.info');
    expect(info).toMatchObject({ appVersion: '9.9.9', engine: { backend: 'cpu', gpuNotes: ['no GPU here'] } });
    const err = await host.call('training.get', { runId: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not-found' });
    const bad = await host.call('datasets.info', { name: 'mnist', extra: 1 } as never).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'invalid-params', message: expect.stringContaining('extra') });

    const seen: unknown[] = [];
    const off = host.on('datasets.progress', (p) => seen.push(p));
    service.bus.emit('datasets.progress', { name: 'mnist', file: 'f', receivedBytes: 1, totalBytes: 2, done: false });
    await new Promise((r) => setTimeout(r, 100));
    off();
    service.bus.emit('datasets.progress', { name: 'mnist', file: 'f', receivedBytes: 2, totalBytes: 2, done: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([{ name: 'mnist', file: 'f', receivedBytes: 1, totalBytes: 2, done: false }]);
    host.close();
  });

  it('WebSocket host: a wrong token never opens, and the host reconnects after the server comes back', async () => {
    const states: ConnectionState[] = [];
    const host = createWebSocketHost(`ws://127.0.0.1:${server.port}/api`, server.token, { WebSocket: WS, reconnectDelayMs: 50 });
    host.onConnection((s) => states.push(s));
    expect((await host.call('training.list')).runs).toEqual([]);
    const port = server.port;
    await server.close();
    await new Promise((r) => setTimeout(r, 150));
    expect(states).toContain('closed');
    // Calls made while disconnected wait for the connection.
    const pending = host.call('training.list');
    server = await startServer({ service, port, token: server.token, log: () => {} });
    expect((await pending).runs).toEqual([]);
    expect(states[states.length - 1]).toBe('open');
    host.close();

    const wrong = createWebSocketHost(`ws://127.0.0.1:${server.port}/api`, 'wrong-token', { WebSocket: WS, reconnectDelayMs: 50 });
    const wrongStates: ConnectionState[] = [];
    wrong.onConnection((s) => wrongStates.push(s));
    await new Promise((r) => setTimeout(r, 300));
    expect(wrongStates).not.toContain('open');
    wrong.close();
  });

  it('Electron host: the same calls through a bridge that hands the envelope to handleApiMessage', async () => {
    const listeners = new Set<(m: ApiEventMessage) => void>();
    service.subscribe((m) => listeners.forEach((l) => l(m)));
    // What the preload + ipcMain.handle pair does, minus the process boundary.
    const bridge: LayerlabBridge = {
      version: 1,
      request: async (message) => handleApiMessage(service, structuredClone(message)),
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const host = createElectronHost(bridge);
    expect(host.kind).toBe('electron');
    expect((await host.call('datasets.list')).datasets.map((d) => d.name)).toContain('mnist');
    await expect(host.call('training.pause', { runId: 'x' })).rejects.toMatchObject({ code: 'not-found' });
    const got: string[] = [];
    host.on('training.status', (p) => got.push(p.status));
    service.bus.emit('training.status', { runId: 'r', status: 'queued', at: 'now' });
    expect(got).toEqual(['queued']);
    host.close();
    service.bus.emit('training.status', { runId: 'r', status: 'running', at: 'now' });
    expect(got).toEqual(['queued']);
  });

  it('derives the API URL from the page location', () => {
    expect(apiUrlFor({ protocol: 'http:', host: '127.0.0.1:8765' })).toBe('ws://127.0.0.1:8765/api');
    expect(apiUrlFor({ protocol: 'https:', host: 'gpu.example:443' })).toBe('wss://gpu.example:443/api');
  });
});
