// Worker threads cannot take `--import tsx` in execArgv on Node 20, so the TypeScript entry is loaded through tsx here.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
