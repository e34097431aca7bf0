import type { Command } from './types';

/** Every CLI command, in the order `layerlab --help` lists them. Add a command by adding its module here. */
export const commands: Command[] = [];
