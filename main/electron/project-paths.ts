/** Which command-line arguments are project files (kept free of Electron so that tests can import it). */
import { extname, resolve } from 'node:path';

const PROJECT_EXTENSIONS = new Set(['.layerlab', '.json']);

/** Project files named on a command line or by the OS (file associations). */
export function projectPathsFromArgv(argv: string[], cwd: string): string[] {
  return argv
    .slice(1)
    .filter((a) => !a.startsWith('-') && PROJECT_EXTENSIONS.has(extname(a).toLowerCase()))
    .map((a) => resolve(cwd, a));
}
