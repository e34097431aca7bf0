/**
 * The ranges of the training panel's number fields, read from the config's zod schemas (shared/training.ts) so that
 * the panel's clamps and the validation a run goes through cannot disagree.
 */
import { z } from 'zod';
import { AugmentationSchema, EarlyStoppingSchema, LrScheduleSchema } from '../../../shared/training';

export interface Bounds {
  min: number;
  max: number;
}

/** A field's range as z.toJSONSchema states it; an exclusive end moves inward by `inset` (the smallest step that fits). */
export function boundsOf(schema: z.ZodType, inset = 0): Bounds {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number };
  return {
    min: json.minimum ?? (json.exclusiveMinimum !== undefined ? json.exclusiveMinimum + inset : -Infinity),
    max: json.maximum ?? (json.exclusiveMaximum !== undefined ? json.exclusiveMaximum - inset : Infinity),
  };
}

type ScheduleKind = z.output<typeof LrScheduleSchema>['kind'];
function schedule<K extends ScheduleKind>(kind: K) {
  const option = LrScheduleSchema.options.find((o) => o.shape.kind.value === kind);
  if (!option) throw new Error(`no lr_schedule kind '${kind}' in shared/training.ts`);
  return option.shape as Record<string, z.ZodType>;
}

const aug = AugmentationSchema.shape;

export const FORM_BOUNDS = {
  rotation: boundsOf(aug.rotation_range),
  widthShift: boundsOf(aug.width_shift_range),
  heightShift: boundsOf(aug.height_shift_range),
  zoom: boundsOf(aug.zoom_range),
  noise: boundsOf(aug.gaussian_noise),
  stepSize: boundsOf(schedule('step').step_size!),
  gamma: boundsOf(schedule('step').gamma!, 0.001),
  decayRate: boundsOf(schedule('exponential').decay_rate!, 0.001),
  decaySteps: boundsOf(schedule('exponential').decay_steps!),
  cosineSteps: boundsOf(schedule('cosine').decay_steps!),
  alpha: boundsOf(schedule('cosine').alpha!),
  factor: boundsOf(schedule('reduce_on_plateau').factor!, 0.01),
  plateauPatience: boundsOf(schedule('reduce_on_plateau').patience!),
  plateauMinDelta: boundsOf(schedule('reduce_on_plateau').min_delta!),
  minLr: boundsOf(schedule('reduce_on_plateau').min_lr!),
  stopMinDelta: boundsOf(EarlyStoppingSchema.shape.min_delta),
  stopPatience: boundsOf(EarlyStoppingSchema.shape.patience),
} satisfies Record<string, Bounds>;
