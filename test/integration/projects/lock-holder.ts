/** Takes a project file's lock in its own process and holds it until a line arrives on stdin (lock.test.ts). */
import { withProjectLock } from '../../../main/projects/lock';

const file = process.argv[2]!;
await withProjectLock(file, () => new Promise<void>((release) => {
  process.stdout.write('held\n');
  process.stdin.once('data', () => release());
}));
process.exit(0);
