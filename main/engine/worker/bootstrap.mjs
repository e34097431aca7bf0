// Worker threads cannot take `--import tsx` in execArgv on Node 20, so the TypeScript entry is loaded through tsx here.
// A built app starts the compiled .js entry directly and never uses this file.
import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
await import(pathToFileURL(workerData.entry).href);
