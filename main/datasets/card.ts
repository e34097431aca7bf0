/**
 * The dataset card the window shows for the user's own data: kind, samples per split, classes with counts or the
 * target's range and histogram, feature columns with their encodings, and a preview (images, or the table's first rows).
 */
import { PNG } from 'pngjs';
import type { DatasetCard } from '../../shared/api-own-data';
import { decode } from '../../shared/text/vectorization';
import { readCsvTable } from './csv';
import type { OwnData } from './own-data';
import type { LoadedSplit } from './types';

const PREVIEW_IMAGES = 16;
const PREVIEW_ROWS = 10;
const HISTOGRAM_BINS = 20;

function imagePng(split: LoadedSplit, i: number): string {
  const [h, w, c] = split.sampleShape as [number, number, number];
  const per = h * w * c;
  const png = new PNG({ width: w, height: h });
  for (let p = 0; p < h * w; p++) {
    const v = (k: number) => Number(split.x[i * per + p * c + k]);
    png.data[p * 4] = v(0);
    png.data[p * 4 + 1] = c === 3 ? v(1) : v(0);
    png.data[p * 4 + 2] = c === 3 ? v(2) : v(0);
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png).toString('base64');
}

function histogram(y: ArrayLike<number>, rows: number, min: number, max: number): number[] {
  const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
  const width = (max - min) / HISTOGRAM_BINS || 1;
  for (let i = 0; i < rows; i++) bins[Math.min(HISTOGRAM_BINS - 1, Math.floor((y[i]! - min) / width))]!++;
  return bins;
}

export async function datasetCard(own: OwnData): Promise<DatasetCard> {
  const { dataset: d, config } = own;
  const p = config.preprocessing;
  const trainRows = p.validation.kind === 'test-split' ? d.train.count : d.train.count - Math.round(d.train.count * p.validation.fraction);
  const validation = p.validation.kind === 'test-split' ? (d.test?.count ?? 0) : d.train.count - trainRows;
  const card: DatasetCard = {
    config,
    kind: p.kind,
    task: p.task,
    splits: { train: trainRows, validation },
    sampleShape: p.sample_shape,
    warnings: own.warnings,
  };
  if (p.task === 'classification' && p.class_names) {
    const counts = new Array<number>(p.class_names.length).fill(0);
    for (let i = 0; i < trainRows; i++) counts[d.train.y[i]!]!++;
    card.classes = p.class_names.map((name, k) => ({ name, count: counts[k]! }));
  }
  if (p.target) card.target = { ...p.target, histogram: histogram(d.train.y, trainRows, p.target.min, p.target.max) };
  if (p.features) card.features = p.features.map((f) => (f.type === 'numeric' ? { name: f.name, type: 'numeric' } : { name: f.name, type: 'one-hot', categories: f.categories }));
  if (p.image || (d.train.sampleShape.length === 3 && d.train.x instanceof Uint8Array)) {
    const names = p.class_names;
    card.images = Array.from({ length: Math.min(PREVIEW_IMAGES, d.train.count) }, (_, i) => ({
      png: imagePng(d.train, i),
      label: names?.[d.train.y[i]!] ?? String(d.train.y[i]),
    }));
  }
  if (p.text) {
    const v = p.text;
    const per = d.train.sampleShape.reduce((a, b) => a * b, 1);
    card.texts = Array.from({ length: Math.min(PREVIEW_ROWS, d.train.count) }, (_, i) => {
      const row = d.train.x.subarray(i * per, (i + 1) * per);
      // Multi-hot rows hold 0/1 per word: their words are the indices set (order lost, as the model sees it).
      const ids = v.outputMode === 'multi_hot' ? Array.from(row.keys()).filter((k) => row[k] === 1) : row;
      return { text: decode(v, ids), label: p.class_names?.[d.train.y[i]!] ?? String(d.train.y[i]) };
    });
    card.vocabulary = { size: v.vocabulary.length, top: v.vocabulary.slice(2, 22) };
  }
  if (p.kind === 'csv') {
    const table = await readCsvTable(config.source.path);
    card.table = { columns: table.names, rows: table.rows.slice(0, PREVIEW_ROWS) };
  }
  return card;
}
