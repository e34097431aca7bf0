/**
 * Defence in depth for `layerlab serve`: the Host header (DNS rebinding), wrong-token attempts per client with a
 * backoff, the token's minimum length, and temp files of killed saves removed at start.
 */
import { spawnSync } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../../main/commands/serve';
import { removeStaleTempsIn } from '../../../main/projects/atomic-file';
import { AuthLimiter } from '../../../main/server/auth-limiter';
import { hostAllowed } from '../../../main/server/security';
import { startServer, type RunningServer } from '../../../main/server/server';
import { handleApiMessage } from '../../../main/service/handle';
import { createBackendService } from '../../../main/service/service';
import { get, makeRendererDir, openSocket } from './helpers';

const TOKEN = 'limits-token-0123456789';
const engineInfo = async () => ({ backend: 'cpu' as const, skipped: [], gpuNotes: [] });

describe('the Host header', () => {
  const service = createBackendService({ engineInfo });
  const { root } = makeRendererDir();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ service, port: 0, token: TOKEN, rendererDir: root, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    await service.close();
  });

  it('refuses a page and a socket asked for under another name (DNS rebinding), even with the token', async () => {
    const page = await get(server.port, `/?token=${TOKEN}`, { host: `evil.example:${server.port}` });
    expect(page.status).toBe(403);
    expect(page.body).toMatch(/Host header 'evil\.example:\d+' refused/);
    expect(page.body).not.toContain('LAYERLAB_INDEX');
    await expect(openSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`, { host: 'evil.example' })).rejects.toMatchObject({ status: 403 });
  });

  it('accepts the address it listens on, localhost and another local port (an SSH tunnel)', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, 'localhost:9000', '127.0.0.1']) {
      expect((await get(server.port, `/?token=${TOKEN}`, { host })).status, host).toBe(200);
    }
    const ws = await openSocket(`ws://localhost:${server.port}/api?token=${TOKEN}`);
    ws.close();
  });

  it('accepts the --host name (and this machine’s name when listening beyond loopback), nothing else', () => {
    const req = (host: string | undefined) => ({ headers: { host } }) as unknown as IncomingMessage;
    const names = ['gpu-node.example', 'my-machine'];
    for (const ok of ['gpu-node.example:8765', 'GPU-Node.Example', 'my-machine:1', '10.0.0.7:8765', '[::1]:8765', 'app.localhost:1']) expect(hostAllowed(req(ok), names), ok).toBe(true);
    for (const bad of ['evil.example:8765', 'gpu-node.example.evil.test', 'gpu-node.example:8765:1', '', undefined]) expect(hostAllowed(req(bad), names), String(bad)).toBe(false);
  });
});

describe('wrong-token attempts', () => {
  it('backoff doubles per wrong attempt after the free ones, up to the ceiling, and a right token resets it', () => {
    let now = 0;
    const limiter = new AuthLimiter({ freeAttempts: 2, baseDelayMs: 1000, maxDelayMs: 4000, forgetAfterMs: 60_000 }, () => now);
    limiter.failed('a');
    limiter.failed('a');
    expect(limiter.waitMs('a')).toBe(0);
    const waits = [];
    for (let i = 0; i < 4; i++) {
      limiter.failed('a');
      waits.push(limiter.waitMs('a'));
      now += limiter.waitMs('a');
    }
    expect(waits).toEqual([1000, 2000, 4000, 4000]);
    expect(limiter.waitMs('b')).toBe(0); // per client
    limiter.succeeded('a');
    limiter.failed('a');
    expect(limiter.waitMs('a')).toBe(0);
    now += 61_000;
    limiter.failed('a');
    limiter.failed('a');
    expect(limiter.waitMs('a')).toBe(0); // forgotten after a quiet while: two free attempts again
  });

  it('locks a guessing client out (429 with Retry-After) for pages and sockets alike, the right token included', async () => {
    const service = createBackendService({ engineInfo });
    const { root } = makeRendererDir();
    const server = await startServer({
      service,
      port: 0,
      token: TOKEN,
      rendererDir: root,
      log: () => {},
      authLimits: { freeAttempts: 3, baseDelayMs: 1500, maxDelayMs: 1500, forgetAfterMs: 60_000 },
    });
    try {
      // Requests with no token at all guess nothing and do not count.
      for (let i = 0; i < 5; i++) expect((await get(server.port, '/')).status).toBe(401);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(server.port, `/?token=guess-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401]);
      const locked = await get(server.port, `/?token=${TOKEN}`);
      expect(locked.status).toBe(429);
      expect(locked.headers['retry-after']).toMatch(/^[12]$/);
      expect(locked.body).toMatch(/too many wrong tokens from 127\.0\.0\.1: try again in [12] s/);
      await expect(openSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`)).rejects.toMatchObject({ status: 429 });
      await new Promise((r) => setTimeout(r, 1600));
      expect((await get(server.port, `/?token=${TOKEN}`)).status).toBe(200);
    } finally {
      await server.close();
      await service.close();
    }
  });
});

describe('layerlab serve --token', () => {
  it('refuses a token shorter than 16 characters, naming the rule and the fix', async () => {
    await expect(serveCommand.run(['--token', '0123456789abcde', '--port', '0'])).rejects.toThrow(
      /--token must be at least 16 characters \(got 15\): a short token is easy to guess\. Leave --token out to get a random one/,
    );
  });
});

describe('temp files of killed saves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-temps-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A PID that certainly ran and has ended: a child that exited.
  const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;

  it('removes only project temps whose writer PID is dead', async () => {
    const names = {
      dead: `.a.layerlab.${deadPid}.k3j2h1.tmp`,
      live: `.a.layerlab.${process.pid}.zz9.tmp`,
      otherProgram: `.notes.txt.${deadPid}.abc.tmp`,
      project: 'a.layerlab',
    };
    for (const n of Object.values(names)) writeFileSync(join(dir, n), 'x');
    expect(await removeStaleTempsIn(dir)).toEqual([names.dead]);
    expect(readdirSync(dir).sort()).toEqual([names.live, names.otherProgram, names.project].sort());
  });

  it('projects.open removes the dead temps of the file it opens', async () => {
    const service = createBackendService({ engineInfo, baseDir: dir });
    try {
      const created = await handleApiMessage(service, JSON.stringify({ id: 1, method: 'projects.new', params: { template: 'mlp-64' } }));
      const project = 'result' in created ? (created.result as { project: unknown }).project : null;
      const file = join(dir, 'b.layerlab');
      await handleApiMessage(service, JSON.stringify({ id: 2, method: 'projects.saveAs', params: { path: file, project } }));
      const stale = join(dir, `.b.layerlab.${deadPid}.q1w2e3.tmp`);
      writeFileSync(stale, Buffer.alloc(1024));
      expect(await handleApiMessage(service, JSON.stringify({ id: 3, method: 'projects.open', params: { path: file } }))).toMatchObject({ result: {} });
      expect(existsSync(stale)).toBe(false);
    } finally {
      await service.close();
    }
  });
});
