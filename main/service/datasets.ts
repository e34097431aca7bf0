/** The datasets.* methods: catalog listing, local availability, preview images as PNG, fetching with progress. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ApiError, type DatasetInfo, type DatasetPreview, type DatasetSummary } from '../../shared/api';
import { catalog, fetchDataset, findCatalogEntry, loadDataset, resolveMirrors, type CatalogEntry } from '../datasets/index';
import { cachedFilePath } from '../datasets/store';
import { augmentConfigFromSettings, createAugmenter, type AugmentationSettings } from '../datasets/augment';
import type { LoadedDataset } from '../datasets/types';
import type { EventBus } from './events';
import type { DatasetSourceOptions } from './protocol';

async function sizeIs(path: string, bytes: number): Promise<boolean> {
  try {
    return (await stat(path)).size === bytes;
  } catch {
    return false;
  }
}

export class DatasetHandlers {
  /** The last loaded dataset, so that paging through previews does not re-read the files. */
  private cached: { name: string; data: Promise<LoadedDataset> } | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly source: DatasetSourceOptions,
  ) {}

  private entry(name: string): CatalogEntry {
    const entry = findCatalogEntry(name);
    if (!entry) throw new ApiError('not-found', `no dataset '${name}': use one of ${catalog.map((c) => c.name).join(', ')}`);
    return entry;
  }

  private async filePresence(entry: CatalogEntry): Promise<{ name: string; bytes: number; present: boolean }[]> {
    const mirrors = resolveMirrors(this.source.mirror).flatMap((m) => (m.kind === 'dir' ? [m.dir] : []));
    return Promise.all(
      entry.files.map(async (file) => {
        const candidates = [cachedFilePath(entry, file, { cacheDir: this.source.cacheDir }), ...mirrors.map((dir) => join(dir, entry.name, file.name))];
        const present = (await Promise.all(candidates.map((p) => sizeIs(p, file.bytes)))).some(Boolean);
        return { name: file.name, bytes: file.bytes, present };
      }),
    );
  }

  private async summary(entry: CatalogEntry): Promise<DatasetSummary> {
    const files = await this.filePresence(entry);
    return {
      name: entry.name,
      title: entry.title,
      description: entry.description,
      sampleShape: [...entry.sampleShape],
      classNames: [...entry.classNames],
      splits: { ...entry.splits },
      ...(entry.task ? { task: entry.task } : {}),
      ...(entry.layout.kind === 'keras-text' ? { text: { num_words: entry.layout.numWords, sequence_length: entry.layout.sequenceLength } } : {}),
      available: files.every((f) => f.present),
    };
  }

  async list(): Promise<{ datasets: DatasetSummary[] }> {
    return { datasets: await Promise.all(catalog.map((e) => this.summary(e))) };
  }

  async info(name: string): Promise<DatasetInfo> {
    const entry = this.entry(name);
    return { ...(await this.summary(entry)), license: entry.license, citation: entry.citation, homepage: entry.homepage, files: await this.filePresence(entry) };
  }

  classNames(name: string): string[] | undefined {
    const entry = findCatalogEntry(name);
    return entry ? [...entry.classNames] : undefined;
  }

  /** The dataset's split, loaded once for paging; `offset` must be one of its samples. */
  private async split(name: string, split: 'train' | 'test', offset: number) {
    if (this.cached?.name !== name) {
      const data = loadDataset(name, this.source);
      this.cached = { name, data };
      data.catch(() => {
        if (this.cached?.data === data) this.cached = undefined;
      });
    }
    const data = await this.cached.data;
    const part = split === 'train' ? data.train : data.test;
    if (!part) throw new ApiError('not-found', `${name} has no ${split} split`);
    if (offset >= part.count) throw new ApiError('invalid-params', `offset ${offset} is past the end of ${name}/${split} (${part.count} samples): use 0..${part.count - 1}`);
    return part;
  }

  /** One sample's raw values (0..255 for images) and label, as a run's worker takes them for a probe or a prediction. */
  async sample(name: string, split: 'train' | 'test', index: number): Promise<{ pixels: number[]; label: number }> {
    this.entry(name);
    const part = await this.split(name, split, index);
    const per = part.sampleShape.reduce((a, b) => a * b, 1);
    return { pixels: Array.from(part.x.subarray(index * per, (index + 1) * per), Number), label: Number(part.y[index]) };
  }

  async preview(
    name: string,
    split: 'train' | 'test',
    offset: number,
    count: number,
    augmentation?: AugmentationSettings,
    seed = 0,
  ): Promise<DatasetPreview> {
    const entry = this.entry(name);
    if (entry.sampleShape.length !== 3) throw new ApiError('invalid-params', `${name} is a table of ${entry.sampleShape.join('x')} numbers, not images: it has no picture preview`);
    const part = await this.split(name, split, offset);
    const [h, w, c] = part.sampleShape as [number, number, number];
    const per = h * w * c;
    let augmentCfg;
    try {
      augmentCfg = augmentation && augmentConfigFromSettings(augmentation, { clamp01: true, seed });
    } catch (err) {
      throw new ApiError('invalid-params', (err as Error).message);
    }
    // Augmented like training sees it: pixels scaled to [0, 1], warped and noised, then back to bytes for the PNG.
    const augment = augmentCfg ? createAugmenter([h, w, c], augmentCfg) : undefined;
    const sample = new Float32Array(per);
    const images: DatasetPreview['images'] = [];
    for (let i = offset; i < Math.min(part.count, offset + count); i++) {
      const png = new PNG({ width: w, height: h });
      for (let k = 0; k < per; k++) sample[k] = Number(part.x[i * per + k]) / 255;
      augment?.(sample);
      const byte = (k: number) => Math.max(0, Math.min(255, Math.round(sample[k]! * 255)));
      for (let p = 0; p < h * w; p++) {
        const r = byte(p * c);
        png.data[p * 4] = r;
        png.data[p * 4 + 1] = c === 3 ? byte(p * c + 1) : r;
        png.data[p * 4 + 2] = c === 3 ? byte(p * c + 2) : r;
        png.data[p * 4 + 3] = 255;
      }
      const label = Number(part.y[i]);
      images.push({ index: i, label, className: entry.classNames[label], png: PNG.sync.write(png).toString('base64') });
    }
    return { name, split, images };
  }

  async fetch(name: string): Promise<DatasetInfo> {
    const entry = this.entry(name);
    await fetchDataset(entry, {
      ...this.source,
      onProgress: (p) =>
        this.bus.emit('datasets.progress', {
          name: entry.name,
          file: p.file,
          receivedBytes: p.bytes,
          totalBytes: p.total ?? entry.files.find((f) => f.name === p.file)?.bytes ?? 0,
          done: p.done,
        }),
    });
    return this.info(name);
  }
}
