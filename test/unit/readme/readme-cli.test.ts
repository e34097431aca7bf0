/**
 * The README is what a new user reads first: its command table must name exactly the flags each command's
 * `--help` lists (a flag only one of them knows is a defect), every file or folder of the repository it names must
 * exist, and every `npm run SCRIPT` it shows must be a script of package.json.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../main/cli';
import { commands } from '../../../main/commands/registry';
import { formatRunsTable } from '../../../main/commands/info';
import { explainLoadError } from '../../../main/engine/backend';
import { ChecksumError } from '../../../main/datasets/errors';
import { MIN_TOKEN_LENGTH } from '../../../main/commands/serve';
import { writePoolModel } from '../../../bench/pool-sections';

const root = path.resolve(import.meta.dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** `--flag` names in a text; `--limit-*` (a family named in prose) is not a flag. */
function flagsOf(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]).filter((f) => !f.endsWith('-')));
}

/** The first cell of the README command table's row for `name` (the command with its flags). */
function readmeRow(name: string): string {
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${name} `) || l.startsWith(`| \`${name}\``));
  if (!row) throw new Error(`README's command table has no row for ${name}`);
  // Cells are split on ' | ' (an escaped \| inside a cell has no space before it).
  return row.slice(2).split(' | ')[0]!;
}

async function helpOf(name: string): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    expect(await main([name, '--help'])).toBe(0);
  } finally {
    write.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('README command table and --help name the same flags', () => {
  for (const { name } of commands) {
    it(name, async () => {
      const help = flagsOf(await helpOf(name));
      const documented = flagsOf(readmeRow(name));
      help.delete('--help');
      expect({ inHelpOnly: [...help].filter((f) => !documented.has(f)), inReadmeOnly: [...documented].filter((f) => !help.has(f)) }).toEqual({ inHelpOnly: [], inReadmeOnly: [] });
    });
  }
});

describe('what the README names exists', () => {
  it('every repository path and image it names', () => {
    const named = new Set<string>();
    for (const m of readme.matchAll(/\]\(([^)#]+)\)/g)) named.add(m[1]!);
    for (const m of readme.matchAll(/`((?:assets|bench|main|renderer|scripts|shared|test|tools|patches|\.ci)\/[\w./-]*)`/g)) named.add(m[1]!);
    for (const m of readme.matchAll(/(?:^|\s)((?:assets|bench|scripts|tools)\/[\w.-]+\.(?:json|mjs|sh|py|ts))/gm)) named.add(m[1]!);
    const missing = [...named].filter((p) => !/[<*]|\.\.\.$/.test(p) && !p.startsWith('bench/gpu-kit') && !existsSync(path.join(root, p)));
    expect(named.size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('every npm script it runs', () => {
    const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const named = new Set([...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((s) => !(s in scripts))).toEqual([]);
  });
});

it("info's way on from an interrupted run can be pasted into a shell (#1 quoted, else it is a comment)", () => {
  const table = formatRunsTable(
    [{ number: 3, id: 'run-1', name: 'p', dataset: 'mnist', status: 'interrupted', epochs: 2, best: {}, durationSeconds: 5, hasWeights: false } as Parameters<typeof formatRunsTable>[0][number]],
    'p.layerlab',
  );
  expect(table).toContain("continue one with: layerlab train p.layerlab --resume '#3'");
});

describe('Troubleshooting quotes what Layerlab prints', () => {
  const troubleshooting = readme.slice(readme.indexOf('## Troubleshooting'), readme.indexOf('## Layout'));

  it('the CUDA libraries a native backend cannot load', () => {
    for (const lib of ['libcudart.so.11.0', 'libcudnn.so.8']) {
      const err = Object.assign(new Error(`${lib}: cannot open shared object file: No such file or directory`), { code: 'ERR_DLOPEN_FAILED' });
      expect(troubleshooting).toContain(`\`${explainLoadError('tfjs-node-gpu', err)}\``);
    }
    const missing = Object.assign(new Error("Cannot find module '@tensorflow/tfjs-node'"), { code: 'MODULE_NOT_FOUND' });
    expect(explainLoadError('tfjs-node', missing)).toMatch(/^tfjs-node: not installed/);
    expect(troubleshooting).toContain('`tfjs-node: not installed`');
  });

  it("a dataset file whose checksum is wrong (the message's start)", () => {
    const message = new ChecksumError('train-images-idx3-ubyte.gz', 'sha256', 'e', 'a', 'm').message;
    expect(message).toMatch(/^train-images-idx3-ubyte\.gz: sha256 mismatch \(expected e, got a\) for the copy from m/);
    expect(troubleshooting).toContain('`train-images-idx3-ubyte.gz: sha256 mismatch (expected 440f..., got ...) for the copy from ...`');
  });

  it('messages the source prints as they are quoted', () => {
    const sources = ['main/engine/train.ts', 'main/engine/backend.ts', 'main/service/paths.ts', 'scripts/start.mjs'].map((f) => readFileSync(path.join(root, f), 'utf8')).join('\n');
    for (const quoted of ['the loss became NaN or infinite, so training stopped', 'wasm: the backend failed to initialise (see the warning above)', 'is outside the folders this server may use', 'the Electron binary could not be obtained']) {
      expect(readme).toContain(quoted);
      expect(sources).toContain(quoted);
    }
    expect(sources).toContain('-thread build did not start: set LAYERLAB_WASM_THREADS=1');
  });
});

it("the README's serve --token examples are tokens serve accepts", () => {
  const tokens = [...readme.matchAll(/serve [^\n`]*--token (\S+)/g)].map((m) => m[1]!).filter((t) => !/^T\]?$/.test(t));
  expect(tokens.length).toBeGreaterThan(0);
  expect(tokens.filter((t) => t.length < MIN_TOKEN_LENGTH)).toEqual([]);
});

it('layerlab datasets refuses a mistyped flag instead of ignoring it (it used to fetch without the mirror)', async () => {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  expect(await main(['datasets', 'fetch', 'mnist', '--mirrror', '/nowhere'])).toBe(1);
  expect(err).toContain('unknown option --mirrror; the options are --mirror');
});

it("the README's text-figure model file is the model bench:text-accuracy measures", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'layerlab-readme-pool-'));
  try {
    const written = JSON.parse(readFileSync(writePoolModel(dir), 'utf8')) as unknown;
    expect(JSON.parse(readFileSync(path.join(root, 'assets/examples/sections-pool.json'), 'utf8'))).toEqual(written);
    expect(readme).toContain('npx layerlab train assets/examples/sections-pool.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
