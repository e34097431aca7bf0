import { exportCommand } from './export';
import { datasetsCommand } from './datasets';
import { serveCommand } from './serve';
import { newCommand } from './new';
import { infoCommand } from './info';
import { summaryCommand } from './summary';
import { trainCommand } from './train';
import { sweepCommand } from './sweep';
import { gpuCommand } from './gpu';
import type { Command } from './types';

/** Every CLI command, in the order `layerlab --help` lists them. Add a command by adding its module here. */
export const commands: Command[] = [summaryCommand, trainCommand, sweepCommand, datasetsCommand, exportCommand, serveCommand, newCommand, infoCommand, gpuCommand];
