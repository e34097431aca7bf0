// The folder boundaries of ../shared/docs/ARCHITECTURE.md are ESLint rules (eslint.config.js, run by `npm run lint`
// in CI). This checks that the rules themselves bite: each forbidden import is refused, with the reason, in the
// folder it is forbidden in and only there.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function refusals(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['shared/graph/x.ts', "import { x } from '../../main/service/service';", /shared\/ stays pure/],
    ['shared/graph/x.ts', "import { x } from '../../renderer/src/host';", /shared\/ stays pure/],
    ['shared/x.ts', "import { x } from 'node:fs';", /no Node/],
    ['renderer/src/views/x.ts', "import { x } from '../../../main/engine/train';", /only through shared\/api\.ts/],
    ['renderer/src/x.ts', "import { x } from 'electron';", /Only main\/electron\/ imports electron/],
    ['main/engine/x.ts', "import { x } from 'electron';", /Only main\/electron\/ imports electron/],
    ['main/service/x.ts', "import { x } from 'node:worker_threads';", /start it through main\/engine\/worker\/client\.ts/],
    ['main/electron/x.ts', "import { x } from '../../renderer/src/host/desktop';", /share the type through shared/],
    ['main/projects/x.ts', "import { x } from '@tensorflow/tfjs';", /tfjs runs in main\/engine/],
    ['main/sweep/x.ts', "import { x } from '../service/runs';", /RunLauncher/],
  ])('%s: %s is refused', async (file, source, reason) => {
    const messages = await refusals(file, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(reason);
  });

  it.each([
    ['shared/x.ts', "import { x } from 'zod';"],
    ['main/electron/x.ts', "import { x } from 'electron';"],
    ['main/engine/worker/x.ts', "import { x } from 'node:worker_threads';"],
    ['main/engine/x.ts', "import { x } from '@tensorflow/tfjs';"],
    ['renderer/src/x.ts', "import { x } from '../../shared/api';"],
    ['test/unit/x.ts', "import { x } from '../../main/electron/menu';"],
  ])('%s: %s is allowed', async (file, source) => {
    expect(await refusals(file, source)).toEqual([]);
  });
});
