/**
 * Turning a sweep config into its list of trials: the grid (every combination, first dimension slowest), or a
 * seeded random sample. Deterministic: the same config always gives the same trials, so a resumed sweep and the
 * window agree on what trial 3 is.
 */
import { dimensionName, type Dimension, type RangeSpec, type SweepConfig, type SweepValue } from './schema';
import { mulberry32 } from '../random';

/** One trial's assignment: dimension name -> value. */
export type TrialValues = Record<string, SweepValue>;

/** Drops float noise (0.1 * 3 = 0.30000000000000004) so values print and compare as written. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** The discrete grid points of a range; null when it has neither step nor count (continuous, random only). */
export function rangeValues(range: RangeSpec): number[] | null {
  const { min, max, scale, step, count } = range;
  let points: number[];
  if (count !== undefined) {
    if (count === 1) points = [min];
    else if (scale === 'log') {
      const a = Math.log(min);
      const b = Math.log(max);
      points = Array.from({ length: count }, (_, i) => Math.exp(a + ((b - a) * i) / (count - 1)));
    } else points = Array.from({ length: count }, (_, i) => min + ((max - min) * i) / (count - 1));
  } else if (step !== undefined) {
    points = [];
    // A relative tolerance keeps max itself when float steps land a hair above it.
    const limit = max * (1 + 1e-9) + 1e-12;
    for (let i = 0, v = min; v <= limit && i < 100_000; i++) {
      points.push(v);
      v = scale === 'log' ? min * step ** (i + 1) : min + step * (i + 1);
    }
  } else if (range.type === 'int' && scale === 'linear') {
    points = Array.from({ length: Math.floor(max) - Math.ceil(min) + 1 }, (_, i) => Math.ceil(min) + i);
  } else {
    return null;
  }
  const out = range.type === 'int' ? points.map((p) => Math.round(p)) : points.map(tidy);
  return [...new Set(out)];
}

/** The values a dimension takes in a grid. Throws when a range is continuous (it has no grid). */
export function dimensionValues(d: Dimension): SweepValue[] {
  if (d.values) return d.values;
  if (d.range) {
    const values = rangeValues(d.range);
    if (!values) {
      throw new Error(
        `dimension '${dimensionName(d)}': a continuous ${d.range.scale} float range has no grid: give range.count or range.step, or use the random strategy`,
      );
    }
    return values;
  }
  return [true, false];
}

/** Number of grid trials (the product of the dimensions' sizes). */
export function gridSize(config: Pick<SweepConfig, 'dimensions'>): number {
  return config.dimensions.reduce((n, d) => n * dimensionValues(d).length, 1);
}

/** Every combination, first dimension varying slowest (as nested loops written in dimension order). */
export function gridTrials(config: Pick<SweepConfig, 'dimensions' | 'max_trials'>): TrialValues[] {
  const size = gridSize(config);
  if (size > config.max_trials) {
    throw new Error(`the grid has ${size} trials, more than max_trials (${config.max_trials}): use fewer values, the random strategy, or raise max_trials`);
  }
  const columns = config.dimensions.map((d) => ({ name: dimensionName(d), values: dimensionValues(d) }));
  let trials: TrialValues[] = [{}];
  for (const { name, values } of columns) trials = trials.flatMap((t) => values.map((v) => ({ ...t, [name]: v })));
  return trials;
}

/** A seeded generator, uniform in [0, 1): the same seed gives the same random search everywhere. */
export const seededRandom = mulberry32;

function sampleDimension(d: Dimension, random: () => number): SweepValue {
  const grid = d.range ? rangeValues(d.range) : null;
  if (d.range && !grid) {
    const { min, max, scale, type } = d.range;
    const u = random();
    const x = scale === 'log' ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
    return type === 'int' ? Math.min(max, Math.max(min, Math.round(x))) : tidy(x);
  }
  const values = grid ?? dimensionValues(d);
  return values[Math.floor(random() * values.length)]!;
}

/** `trials` random assignments; each dimension sampled independently (uniform on its scale, or over its values). */
export function randomTrials(config: Pick<SweepConfig, 'dimensions'>, trials: number, seed: number): TrialValues[] {
  const random = seededRandom(seed);
  return Array.from({ length: trials }, () => Object.fromEntries(config.dimensions.map((d) => [dimensionName(d), sampleDimension(d, random)])));
}

/** The trials a sweep config asks for, in the order they run. */
export function expandTrials(config: SweepConfig): TrialValues[] {
  const s = config.strategy;
  if (s.type === 'grid') return gridTrials(config);
  if (s.type === 'random') return randomTrials(config, s.trials, s.seed);
  const all = s.sampler === 'random' ? randomTrials(config, s.trials!, s.seed) : gridTrials(config);
  return s.trials !== undefined ? all.slice(0, s.trials) : all;
}
