/**
 * A trainer storing a run epoch by epoch in its own process (service/run-store.ts, default fold interval), so that
 * live-runs.test.ts can SIGKILL it. argv: project file, run id, epochs. Prints 'stored N' after its Nth epoch's
 * store, then waits to be killed.
 */
import { RunStore } from '../../../main/service/run-store';
import { liveEntry } from './live-run-entry';

const [file, id, epochs] = process.argv.slice(2) as [string, string, string];
const store = new RunStore();
for (let k = 0; k <= Number(epochs); k++) {
  await store.save(id, { path: () => file, entry: async () => liveEntry(id, k) }, () => {});
  process.stdout.write(`stored ${k}\n`);
}
setInterval(() => {}, 1000);
