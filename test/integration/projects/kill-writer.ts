/**
 * Child process for the kill-during-save test: saves version after version of a project to argv[2], starting at
 * argv[3], printing "saved N" after each completed save, until it is killed.
 */
import { writeProjectFile } from '../../../main/projects/file';
import { versionedDocument } from './kill-versions';

const [target, startArg] = process.argv.slice(2);
let n = Number(startArg);
process.stdout.write('ready\n');
for (;;) {
  await writeProjectFile(target!, versionedDocument(n));
  process.stdout.write(`saved ${n}\n`);
  n++;
}
