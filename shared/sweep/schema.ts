/**
 * A sweep config: the search dimensions, how trials are chosen (grid, seeded random, successive halving) and the
 * objective. Pure zod, so the window validates a sweep form with the same rules the CLI and the runner use.
 *
 * A dimension targets one of three things:
 * - `{ node, field }`: a Keras config field of a layer, the node named by id or by layer name ('dense_1', 'units');
 * - `{ training }`: a training setting ('optimizer', 'learning_rate', 'momentum', 'nesterov', 'batch_size', 'epochs',
 *   'augmentation', or any dotted path of shared/training's config such as 'augmentation.rotation_range');
 * - `{ toggle }`: a one-input layer whose output shape equals its input shape (Dropout, BatchNormalization, ...),
 *   switched on (true) or off (false: removed, its input wired to its consumers).
 */
import { z } from 'zod';

export const SWEEP_CONFIG_VERSION = 1;

/** A value a dimension can take: JSON (numbers, strings, booleans, tuples like kernel_size [3, 3], objects). */
export type SweepValue = null | boolean | number | string | SweepValue[] | { [key: string]: SweepValue };
const SweepValueSchema: z.ZodType<SweepValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(SweepValueSchema), z.record(z.string(), SweepValueSchema)]),
);

const nonEmpty = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `name ${what}` });

export const SweepTargetSchema = z.union(
  [
    z.strictObject({ node: nonEmpty('a node id or layer name, e.g. "dense_1"'), field: nonEmpty('a Keras config field, e.g. "units"') }),
    z.strictObject({ training: nonEmpty('a training setting, e.g. "learning_rate" or "augmentation.rotation_range"') }),
    z.strictObject({ toggle: nonEmpty('the id or name of the layer to switch on and off, e.g. "dropout_1"') }),
  ],
  { error: 'a target is {"node": ID_OR_NAME, "field": KERAS_FIELD}, {"training": SETTING} or {"toggle": ID_OR_NAME}' },
);

export const RangeSchema = z
  .strictObject({
    type: z.enum(['int', 'float'], { error: "range.type must be 'int' or 'float'" }).default('float'),
    min: z.number({ error: 'range.min must be a number' }),
    max: z.number({ error: 'range.max must be a number' }),
    scale: z.enum(['linear', 'log'], { error: "range.scale must be 'linear' or 'log'" }).default('linear'),
    /** Grid spacing: added (linear) or multiplied (log) from min up to max. */
    step: z.number().positive({ error: 'range.step must be > 0 (a factor > 1 for a log scale)' }).optional(),
    /** Grid points from min to max inclusive, evenly spaced on the scale. */
    count: z.number().int().min(1, { error: 'range.count must be a whole number >= 1' }).max(1000).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.max < r.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `range.max (${r.max}) is below range.min (${r.min}): swap them` });
    if (r.scale === 'log' && r.min <= 0) ctx.addIssue({ code: 'custom', path: ['min'], message: `a log range needs min > 0 (got ${r.min}): use e.g. 1e-4` });
    if (r.scale === 'log' && r.step !== undefined && r.step <= 1) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: `a log range's step is a factor and must be > 1 (got ${r.step}), e.g. 10` });
    }
    if (r.step !== undefined && r.count !== undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: 'give range.step or range.count, not both' });
  });
export type RangeSpec = z.output<typeof RangeSchema>;

export const DimensionSchema = z
  .strictObject({
    /** Column name in tables; default derived from the target ('dense_1.units', 'learning_rate', 'dropout_1 on'). */
    name: z.string().min(1).optional(),
    target: SweepTargetSchema,
    values: z.array(SweepValueSchema).min(1, { error: 'values must list at least one value' }).optional(),
    range: RangeSchema.optional(),
  })
  .superRefine((d, ctx) => {
    const isToggle = 'toggle' in d.target;
    if (d.values !== undefined && d.range !== undefined) ctx.addIssue({ code: 'custom', path: ['range'], message: 'give values or range, not both' });
    if (!isToggle && d.values === undefined && d.range === undefined) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'a dimension needs values (a list) or a range ({min, max, ...})' });
    }
    if (isToggle && d.range !== undefined) ctx.addIssue({ code: 'custom', path: ['range'], message: 'a toggle takes values [true, false] (the default), not a range' });
    if (isToggle && d.values?.some((v) => typeof v !== 'boolean')) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'a toggle takes booleans only: true keeps the layer, false removes it' });
    }
  });
export type Dimension = z.output<typeof DimensionSchema>;

const trials = z.number().int({ error: 'trials must be a whole number' }).min(1).max(10_000, { error: 'trials must be <= 10000' });
const seed = z.number().int().min(0).max(2 ** 31 - 1).default(0);
const Sampler = z.enum(['grid', 'random'], { error: "sampler must be 'grid' or 'random'" });

export const StrategySchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('grid') }),
    z.strictObject({ type: z.literal('random'), trials, seed }),
    /**
     * Successive halving run one trial after another (the asynchronous rule of ASHA): every trial is budgeted
     * max_epochs; at each rung (min_epochs * eta^k epochs) it goes on only while its objective is in the top
     * 1/eta of all trials that reached that rung so far (the first trial at a rung always goes on).
     */
    z
      .strictObject({
        type: z.literal('successive_halving'),
        sampler: Sampler.default('grid'),
        trials: trials.optional(),
        seed,
        min_epochs: z.number().int().min(1, { error: 'min_epochs must be >= 1' }).default(1),
        max_epochs: z.number().int().min(1, { error: 'max_epochs must be >= 1' }),
        eta: z.number().int().min(2, { error: 'eta must be a whole number >= 2, e.g. 3' }).default(3),
      })
      .superRefine((s, ctx) => {
        if (s.max_epochs <= s.min_epochs) {
          ctx.addIssue({ code: 'custom', path: ['max_epochs'], message: `max_epochs (${s.max_epochs}) must exceed min_epochs (${s.min_epochs}) or no trial can be cut` });
        }
        if (s.sampler === 'random' && s.trials === undefined) ctx.addIssue({ code: 'custom', path: ['trials'], message: 'a random sampler needs trials (how many)' });
      }),
  ],
  { error: "strategy.type must be 'grid', 'random' or 'successive_halving'" },
);
export type Strategy = z.output<typeof StrategySchema>;

export const ObjectiveSchema = z.strictObject({
  /** A logged epoch metric: 'val_acc', 'val_loss', 'acc', 'loss', ... (tfjs logs accuracy as 'acc'). */
  metric: z.string().min(1).default('val_acc'),
  mode: z.enum(['max', 'min'], { error: "objective.mode must be 'max' or 'min'" }).default('max'),
  /** A trial's value: its metric at the last epoch, or its best epoch. */
  summary: z.enum(['last', 'best'], { error: "objective.summary must be 'last' or 'best'" }).default('last'),
});
export type Objective = z.output<typeof ObjectiveSchema>;

export const SweepConfigSchema = z
  .strictObject({
    version: z.literal(SWEEP_CONFIG_VERSION, { error: `unsupported version: this build reads sweep version ${SWEEP_CONFIG_VERSION}` }).default(SWEEP_CONFIG_VERSION),
    name: z.string().min(1).default('sweep'),
    dimensions: z.array(DimensionSchema).min(1, { error: 'a sweep needs at least one dimension' }).max(32),
    strategy: StrategySchema.prefault({ type: 'grid' }),
    objective: ObjectiveSchema.prefault({}),
    /** Training settings applied over the model's own (the project's training config); the base of every trial. */
    training: z.record(z.string(), z.unknown()).optional(),
    /** Refuse grids larger than this (a typo in a range can mean millions of trials). */
    max_trials: z.number().int().min(1).max(100_000).default(1000),
  })
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.dimensions.forEach((d, i) => {
      const name = dimensionName(d);
      if (names.has(name)) ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'name'], message: `two dimensions are called '${name}': give one a distinct name` });
      names.add(name);
      if (c.strategy.type === 'successive_halving' && 'training' in d.target && d.target.training === 'epochs') {
        ctx.addIssue({ code: 'custom', path: ['dimensions', i], message: 'successive halving sets the epochs itself (max_epochs): remove the epochs dimension' });
      }
    });
  });
export type SweepConfig = z.output<typeof SweepConfigSchema>;
/** @internal The schema's input type, for tests that write sweep configs by hand. */
export type SweepConfigInput = z.input<typeof SweepConfigSchema>;

/** The column name of a dimension: its own name, else one derived from its target. */
export function dimensionName(d: Pick<Dimension, 'name' | 'target'>): string {
  if (d.name) return d.name;
  const t = d.target;
  if ('field' in t) return `${t.node}.${t.field}`;
  if ('training' in t) return t.training;
  return `${t.toggle} on`;
}

export type ParseSweepResult = { ok: true; config: SweepConfig } | { ok: false; message: string };

/** Validates a sweep config (a JSON string or a parsed value); the message has one "path: problem" line per issue. */
export function parseSweepConfig(json: unknown): ParseSweepResult {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json);
    } catch (e) {
      return { ok: false, message: `not valid JSON (${(e as Error).message}): fix the syntax of the sweep file` };
    }
  }
  const result = SweepConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(sweep)';
    const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}: remove them or fix the spelling` : issue.message;
    return `${path}: ${message}`;
  });
  return { ok: false, message: lines.join('\n') };
}
