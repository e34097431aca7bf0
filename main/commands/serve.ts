/** `layerlab serve`: the window in a browser (locally or through an SSH tunnel) with the API over WebSocket. */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createBackendService } from '../service/service';
import { removeStaleTempsIn } from '../projects/atomic-file';
import { ensureRendererBuilt } from '../server/build-renderer';
import { installProcessGuard } from '../server/process-guard';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RENDERER_DIR, startServer } from '../server/server';
import type { Command } from './types';

const USAGE = 'serve [--port P] [--host H] [--token T] [--root DIR] [--dataset-mirror DIR] [--checkpoint-dir DIR] [--renderer DIR]';

// The options, printed by `layerlab serve --help` (main/cli.ts prints usage and summary before them).
const HELP = `Serves the app to a browser and the API over WebSocket. Open the printed URL (it carries the access token).
Remote GPU machine: run it there on loopback and tunnel, e.g. ssh -L 8765:127.0.0.1:8765 gpu-host.

  --port P              port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H              address to listen on (default ${DEFAULT_HOST}; anything else is reachable by others: a warning is printed)
  --token T             access token (default: a random one each start; at least 16 characters)
  --renderer DIR        the built renderer (default out/renderer, built on the first start when missing)
  --checkpoint-dir DIR  where runs write their per-epoch checkpoints (default <cache>/checkpoints)
  --dataset-mirror DIR  a folder with one sub-folder per dataset, tried before downloading
  --root DIR            only let clients open, save and export inside DIR (repeatable; default: anywhere the
                        user running the server may write). Use it on a shared machine.
`;

export const MIN_TOKEN_LENGTH = 16;

export const serveCommand: Command = {
  name: 'serve',
  usage: USAGE,
  summary: 'Serve the app to a browser (loopback only unless --host says otherwise)',
  help: HELP,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: String(DEFAULT_PORT) },
        host: { type: 'string', default: DEFAULT_HOST },
        token: { type: 'string' },
        renderer: { type: 'string' },
        'checkpoint-dir': { type: 'string' },
        'dataset-mirror': { type: 'string' },
        root: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`Usage: layerlab ${USAGE}\n\n${HELP}`);
      return 0;
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in 0..65535. Received: ${values.port}`);
    if (values.token !== undefined && values.token.length < MIN_TOKEN_LENGTH) {
      throw new Error(`--token must be at least ${MIN_TOKEN_LENGTH} characters (got ${values.token.length}): a short token is easy to guess. Leave --token out to get a random one.`);
    }
    for (const r of values.root ?? []) {
      if (!existsSync(r) || !statSync(r).isDirectory()) throw new Error(`--root ${r} is not a folder: create it or name an existing folder`);
    }
    // Saves killed mid-write (a crash, a power cut) leave full-size temps beside the projects: remove the dead ones.
    for (const dir of values.root?.length ? values.root : [process.cwd()]) {
      const removed = await removeStaleTempsIn(resolve(dir));
      if (removed.length) process.stderr.write(`Removed ${removed.length} unfinished save(s) of killed processes in ${resolve(dir)}: ${removed.join(', ')}\n`);
    }
    // The default renderer is built on first start; a folder named with --renderer is the user's, left as it is.
    if (!values.renderer) {
      const built = await ensureRendererBuilt(DEFAULT_RENDERER_DIR, (line) => process.stdout.write(`${line}\n`));
      if (built.kind === 'failed') process.stderr.write(`warning: ${built.reason}; the page will say so until it is built.\n`);
    }
    const service = createBackendService({
      checkpointDir: values['checkpoint-dir'] ? resolve(values['checkpoint-dir']) : undefined,
      datasets: values['dataset-mirror'] ? { mirror: values['dataset-mirror'] } : {},
      ...(values.root?.length ? { roots: values.root.map((r) => resolve(r)), baseDir: resolve(values.root[0]!) } : {}),
    });
    const server = await startServer({
      service,
      host: values.host,
      port,
      token: values.token,
      rendererDir: values.renderer ? resolve(values.renderer) : undefined,
    }).catch(async (err: NodeJS.ErrnoException) => {
      await service.close();
      if (err.code === 'EADDRINUSE') throw new Error(`port ${port} on ${values.host} is in use: pick another with --port (0 picks a free one)`);
      if (err.code === 'EADDRNOTAVAIL') throw new Error(`${values.host} is not an address of this machine: use 127.0.0.1 or one of its interfaces`);
      throw err;
    });
    const removeGuard = installProcessGuard((line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`Layerlab at ${server.url}\n`);
    if (values.root?.length) process.stdout.write(`Clients may only use files inside: ${values.root.map((r) => resolve(r)).join(', ')}\n`);
    await new Promise<void>((done) => {
      const shutdown = () => {
        process.off('SIGINT', shutdown);
        process.off('SIGTERM', shutdown);
        void server.close().then(() => service.close()).then(() => {
          removeGuard();
          done();
        });
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });
    return 0;
  },
};
