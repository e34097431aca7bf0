/**
 * A `layerlab serve` whose catalog imdb and reuters are the small generated files in Keras' layout
 * (test/support/keras-text/mini-catalog.ts): the official files cannot be downloaded here, and the catalog verifies
 * every file against its published checksum. Everything else is the real server and service.
 *   node --import tsx/esm test/e2e/imdb-server.ts DIR TOKEN   (prints "Layerlab at URL")
 */
import { join, resolve } from 'node:path';
import { createBackendService } from '../../main/service/service';
import { startServer } from '../../main/server/server';
import { miniTextCatalog } from '../support/keras-text/mini-catalog';

const [dir, token] = process.argv.slice(2) as [string, string];
const mirror = join(resolve(dir), 'mirror');
const service = createBackendService({
  checkpointDir: join(resolve(dir), 'ck'),
  datasets: { mirror, cacheDir: join(resolve(dir), 'cache'), offline: true, catalog: miniTextCatalog(mirror) },
});
const server = await startServer({ service, port: 0, token });
process.stdout.write(`Layerlab at ${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => service.close()).then(() => process.exit(0)));
