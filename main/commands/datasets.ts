/**
 * `layerlab datasets list|fetch|info|preview`: the catalog and the cache from the command line. Downloads show a
 * progress bar (bytes, rate, ETA) on a terminal and one line per file otherwise.
 */
import { writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import {
  cacheStatus,
  catalog,
  fetchDataset,
  getCatalogEntry,
  openDataset,
  renderPreview,
  resolveCacheDir,
  type DownloadProgress,
  type LoadedSplit,
  type OpenOptions,
} from '../datasets/index';
import type { Command } from './types';

interface Flags {
  positional: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

const VALUE_FLAGS = new Set(['--mirror', '--cache', '--out', '--count', '--seed', '--split', '--size', '--channels', '--label-column']);
const SWITCHES = new Set(['--offline', '--augment']);

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [key, inline] = a.split('=', 2);
    if (VALUE_FLAGS.has(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value.`);
      flags.values.set(key, v);
    } else if (SWITCHES.has(a)) flags.switches.add(a);
    else if (a.startsWith('--')) {
      // A mistyped flag (--mirrror) would otherwise be ignored and the command would quietly do something else.
      throw new Error(`unknown option ${a}; the options are ${[...VALUE_FLAGS, ...SWITCHES].join(', ')} (layerlab datasets --help)`);
    }
    else flags.positional.push(a);
  }
  return flags;
}

function intFlag(flags: Flags, name: string, fallback: number): number {
  const v = flags.values.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer. Received: ${v}`);
  return n;
}

function sourceOptions(flags: Flags): OpenOptions {
  const size = flags.values.get('--size');
  const channels = flags.values.get('--channels');
  const opts: OpenOptions = {
    mirror: flags.values.get('--mirror'),
    cacheDir: flags.values.get('--cache'),
    offline: flags.switches.has('--offline'),
  };
  const own: NonNullable<OpenOptions['own']> = {};
  if (size) {
    const s = Number(size);
    own.image_size = [s, s];
  }
  if (channels) own.color = channels === '1' ? 'grayscale' : 'rgb';
  const labelColumn = flags.values.get('--label-column');
  if (labelColumn !== undefined) own.label_column = labelColumn;
  opts.own = own;
  return opts;
}

const mb = (b: number) => (b / 1e6).toFixed(1);

function progressReporter(): { onProgress: (p: DownloadProgress & { dataset: string }) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    return {
      onProgress: (p) => {
        if (p.done) process.stderr.write(`${p.dataset}/${p.file}: ${mb(p.bytes)} MB at ${mb(p.rate)} MB/s from ${p.source}\n`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{file} [{bar}] {percentage}% | {done}/{size} MB | {rate} MB/s | ETA {etaText}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  return {
    onProgress: (p) => {
      const total = p.total ?? p.bytes;
      const payload = { file: p.file, done: mb(p.bytes), size: mb(total), rate: mb(p.rate), etaText: p.etaSeconds === undefined ? '?' : `${Math.ceil(p.etaSeconds)}s` };
      if (current !== p.file) {
        if (current) bar.stop();
        current = p.file;
        bar.start(total, p.bytes, payload);
      } else bar.update(p.bytes, payload);
    },
    stop: () => {
      if (current) bar.stop();
    },
  };
}

async function list(flags: Flags): Promise<number> {
  const opts = sourceOptions(flags);
  const lines = [`cache: ${resolveCacheDir(opts.cacheDir)}`, ''];
  for (const e of catalog) {
    const s = await cacheStatus(e, opts);
    const size = e.files.reduce((n, f) => n + f.bytes, 0);
    lines.push(
      `${e.name.padEnd(14)} ${e.title.padEnd(26)} ${`[${e.sampleShape.join('x')}]`.padEnd(10)} ${e.task === 'regression' ? 'regression ' : `${String(e.classNames.length).padStart(3)} classes`}  ` +
        `train ${e.splits.train} / test ${e.splits.test}  ${mb(size).padStart(6)} MB  ${s.state}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function fetchCmd(flags: Flags): Promise<number> {
  const [name] = flags.positional;
  if (!name) throw new Error('usage: layerlab datasets fetch NAME [--mirror DIR|URL] [--cache DIR]');
  const entry = getCatalogEntry(name);
  const progress = progressReporter();
  try {
    const files = await fetchDataset(entry, { ...sourceOptions(flags), onProgress: progress.onProgress });
    progress.stop();
    for (const f of files) process.stdout.write(`${f.path}  verified (${f.source === 'cache' ? 'already cached' : `from ${f.source}`})\n`);
  } finally {
    progress.stop();
  }
  return 0;
}

function describeSplit(label: string, split: LoadedSplit, classNames: string[] | undefined): string[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < split.x.length; i++) {
    const v = split.x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const lines = [`${label}: ${split.count} samples of [${split.sampleShape.join(', ')}] (${split.x.constructor.name}), values ${lo}..${hi}`];
  if (split.y instanceof Float32Array) {
    let ylo = Infinity;
    let yhi = -Infinity;
    for (const v of split.y) {
      ylo = Math.min(ylo, v);
      yhi = Math.max(yhi, v);
    }
    lines.push(`  regression targets ${ylo}..${yhi}`);
    return lines;
  }
  const counts = new Map<number, number>();
  for (const v of split.y) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const k of [...counts.keys()].sort((a, b) => a - b)) {
    lines.push(`  ${String(k).padStart(3)} ${(classNames?.[k] ?? '').padEnd(16)} ${counts.get(k)}`);
  }
  return lines;
}

async function info(flags: Flags): Promise<number> {
  const [name] = flags.positional;
  if (!name) throw new Error('usage: layerlab datasets info NAME|PATH [--mirror DIR]');
  const d = await openDataset(name, sourceOptions(flags));
  const entry = catalog.find((e) => e.name === d.name);
  const lines: string[] = [`${d.name}${entry ? `: ${entry.title}` : ''}`];
  if (entry) lines.push(`license: ${entry.license}`, `cite: ${entry.citation}`, `home: ${entry.homepage}`);
  lines.push(...describeSplit('train', d.train, d.classNames));
  if (d.test) lines.push(...describeSplit('test', d.test, d.classNames));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function preview(flags: Flags): Promise<number> {
  const [name] = flags.positional;
  const out = flags.values.get('--out');
  if (!name || !out) throw new Error('usage: layerlab datasets preview NAME|PATH --out FILE.png [--augment] [--count N] [--seed N] [--split train|test]');
  const d = await openDataset(name, sourceOptions(flags));
  const splitName = flags.values.get('--split') ?? 'train';
  const split = splitName === 'test' ? d.test : d.train;
  if (!split) throw new Error(`${d.name} has no ${splitName} split.`);
  const seed = flags.values.has('--seed') ? intFlag(flags, '--seed', 0) : undefined;
  const digits = /mnist/.test(d.name) && !/fashion/.test(d.name);
  const png = renderPreview(split, {
    count: intFlag(flags, '--count', 32),
    seed,
    classNames: d.classNames,
    // Flips turn digits into non-digits, so the default preview augmentation leaves them out for MNIST.
    augment: flags.switches.has('--augment') ? { rotation: 15, shift: 0.1, zoom: 0.1, noise: 0.03, horizontalFlip: !digits, seed: seed ?? 0 } : undefined,
  });
  await writeFile(out, png);
  process.stdout.write(`${out}: ${Math.min(intFlag(flags, '--count', 32), split.count)} ${splitName} samples of ${d.name}${flags.switches.has('--augment') ? ' (augmented)' : ''}\n`);
  return 0;
}

// Shown by `layerlab datasets --help` and by `layerlab datasets` without a subcommand.
const HELP =
  'usage: layerlab datasets list [--cache DIR]\n' +
  '       layerlab datasets fetch NAME [--mirror DIR|URL] [--cache DIR]\n' +
  '       layerlab datasets info NAME|PATH [--mirror DIR] [--cache DIR] [--offline]\n' +
  '       layerlab datasets preview NAME|PATH --out FILE.png [--augment] [--count N] [--seed N] [--split train|test] [--mirror DIR] [--cache DIR] [--offline]\n' +
  'PATH: a folder of class sub-folders (--size N --channels 1|3), an .npz (Keras layout) or a .csv[.gz] (--label-column C).\n' +
  'Mirrors: --mirror or LAYERLAB_DATASET_MIRROR; cache: --cache or LAYERLAB_CACHE_DIR; --offline: never download.\n';

const SUBCOMMANDS: Record<string, (flags: Flags) => Promise<number>> = { list, fetch: fetchCmd, info, preview };

export const datasetsCommand: Command = {
  name: 'datasets',
  usage: 'datasets list|fetch|info|preview',
  summary: 'Dataset catalog and cache: list, fetch NAME [--mirror DIR], info NAME|PATH, preview NAME --out FILE.png [--augment]',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    const handler = sub ? SUBCOMMANDS[sub] : undefined;
    if (!handler) {
      process.stderr.write(HELP);
      return sub ? 1 : 0;
    }
    return handler(parseFlags(rest));
  },
};
