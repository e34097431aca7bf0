import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackendService } from '../../../main/service/service';
import { startServer, type RunningServer } from '../../../main/server/server';
import { get, makeRendererDir, openSocket, rawGet } from './helpers';

const TOKEN = 'test-token-0123456789';

describe('layerlab serve: access control and static files', () => {
  const service = createBackendService({ engineInfo: async () => ({ backend: 'cpu', skipped: [], gpuNotes: [] }) });
  const { root, secret } = makeRendererDir();
  const logs: string[] = [];
  let server: RunningServer;
  let port: number;

  beforeAll(async () => {
    server = await startServer({ service, port: 0, token: TOKEN, rendererDir: root, log: (l) => logs.push(l) });
    port = server.port;
  });
  afterAll(async () => {
    await server.close();
    await service.close();
    rmSync(dirname(root), { recursive: true, force: true });
  });

  it('binds to 127.0.0.1 by default, prints the URL with the token, and does not warn', () => {
    expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${port}/?token=${TOKEN}`);
    expect(logs).toEqual([]);
  });

  it('refuses requests without a token or with a wrong one (401)', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js']) {
      const none = await get(port, path);
      expect(none.status, path).toBe(401);
      expect(none.body).not.toContain('LAYERLAB');
    }
    expect((await get(port, `/?token=wrong-${TOKEN}`)).status).toBe(401);
    expect((await get(port, '/', { 'x-layerlab-token': 'nope' })).status).toBe(401);
    expect((await get(port, '/', { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await get(port, '/', { cookie: `layerlab_token_${port}=nope` })).status).toBe(401);
    // A right cookie does not rescue a wrong query token.
    expect((await get(port, '/?token=nope', { cookie: `layerlab_token_${port}=${TOKEN}` })).status).toBe(401);
  });

  it('serves the page with the token: strict CSP, nosniff, no caching, an HttpOnly cookie for the assets and the socket', async () => {
    const page = await get(port, `/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('LAYERLAB_INDEX');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'( 'wasm-unsafe-eval')?;/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(`layerlab_token_${port}=${TOKEN}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');

    const script = await get(port, '/assets/app.js', { cookie: `layerlab_token_${port}=${TOKEN}` });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain('LAYERLAB_APP');
    expect((await get(port, '/', { 'x-layerlab-token': TOKEN })).status).toBe(200);
    // Client-side routes fall back to the page; missing files are 404.
    expect((await get(port, `/runs/abc?token=${TOKEN}`)).body).toContain('LAYERLAB_INDEX');
    expect((await get(port, `/assets/missing.js?token=${TOKEN}`)).status).toBe(404);
    expect((await get(port, `/?token=${TOKEN}`, {}, 'POST')).status).toBe(405);
  });

  it('refuses cross-origin requests (403) and allows its own origin', async () => {
    const evil = await get(port, `/?token=${TOKEN}`, { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.body).not.toContain('LAYERLAB');
    expect((await get(port, `/?token=${TOKEN}`, { origin: `http://localhost:${port}` })).status).toBe(403);
    expect((await get(port, `/?token=${TOKEN}`, { origin: 'null' })).status).toBe(403);
    expect((await get(port, `/?token=${TOKEN}`, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it('refuses WebSocket upgrades without the right token or from another origin', async () => {
    const base = `ws://127.0.0.1:${port}/api`;
    await expect(openSocket(base)).rejects.toMatchObject({ status: 401 });
    await expect(openSocket(`${base}?token=wrong`)).rejects.toMatchObject({ status: 401 });
    await expect(openSocket(`${base}?token=${TOKEN}`, { origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    await expect(openSocket(`ws://127.0.0.1:${port}/elsewhere?token=${TOKEN}`)).rejects.toMatchObject({ status: 404 });
    const ok = await openSocket(`${base}?token=${TOKEN}`, { origin: `http://127.0.0.1:${port}` });
    const viaCookie = await openSocket(base, { cookie: `layerlab_token_${port}=${TOKEN}` });
    const reply = await new Promise<string>((resolve) => {
      ok.once('message', (d) => resolve(d.toString()));
      ok.send(JSON.stringify({ id: 1, method: 'training.list' }));
    });
    expect(JSON.parse(reply)).toEqual({ id: 1, result: { runs: [] } });
    ok.close();
    viaCookie.close();
  });

  const traversals = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/assets/..%2F..%2Fsecret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/C:/Windows/win.ini',
    '/index.html%00.js',
    '/%252e%252e/secret.txt',
    '/.%2e/secret.txt',
  ];
  it.each(traversals)('refuses the traversal %s and never returns the secret', async (target) => {
    const { status, text } = await rawGet(port, `${target}${target.includes('?') ? '&' : '?'}token=${TOKEN}`);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('root:');
    expect([400, 404]).toContain(status);
  });

  it('answers absolute-form targets without leaving the folder', async () => {
    const { text } = await rawGet(port, `http://127.0.0.1:${port}/../secret.txt?token=${TOKEN}`);
    expect(text).not.toContain(secret);
  });
});

describe('layerlab serve: other setups', () => {
  it('shows a clear page when the renderer is not built', async () => {
    const service = createBackendService();
    const server = await startServer({ service, port: 0, token: TOKEN, rendererDir: '/nonexistent/layerlab-renderer', log: () => {} });
    const page = await get(server.port, `/?token=${TOKEN}`);
    expect(page.status).toBe(503);
    expect(page.body).toContain('npm run build:renderer');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    await server.close();
    await service.close();
  });

  it('warns when told to listen beyond loopback, and makes a random token when none is given', async () => {
    const service = createBackendService();
    const logs: string[] = [];
    const server = await startServer({ service, host: '0.0.0.0', port: 0, log: (l) => logs.push(l) });
    expect(logs.join('\n')).toMatch(/warning: listening on 0\.0\.0\.0, not loopback/);
    expect(server.token.length).toBeGreaterThanOrEqual(24);
    const other = await startServer({ service, port: 0, log: () => {} });
    expect(other.token).not.toBe(server.token);
    expect((await get(server.port, '/')).status).toBe(401);
    await Promise.all([server.close(), other.close()]);
    await service.close();
  });
});
