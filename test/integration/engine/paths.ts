import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The real MNIST IDX files (../shared/datasets/mnist from the repo root). */
export const mnistDir = path.resolve(repoRoot, '../shared/datasets/mnist');
export const fixture = (name: string) => path.join(repoRoot, 'test/integration/engine/fixtures', name);
