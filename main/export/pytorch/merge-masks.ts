/**
 * The masks of merged sequences in model.py, as Keras 3 computes them and Layerlab trains with
 * (main/engine/layers/merge-masks.ts, keras/src/layers/merging/base_merge.py and concatenate.py):
 * - Add, Subtract, Multiply, Average, Maximum, Minimum: no mask unless every input has one, then their OR;
 * - Concatenate: no mask unless some input has one; an unmasked input counts as kept everywhere, and a step is kept
 *   where any of its concatenated features is (the `concat_mask` helper).
 * The merged values are the plain merge except where only some inputs mask a step: Multiply, Maximum and Minimum
 * then compute Keras 3's values (the `masked_merge` helper; main/engine/layers/merge-values.ts).
 */
import { ExportError } from '../types';
import type { ExportLayer } from '../model';
import type { Helper } from './helpers';

interface MergedMask {
  /** The statement computing the merged values in place of the plain merge's (Multiply, Maximum, Minimum). */
  value?: string;
  /** The statements computing the output's mask (none when it has no mask). */
  forward: string[];
  /** The variable holding the output's mask, or null: the merged sequence carries none. */
  mask: string | null;
  helpers: Helper[];
}

/** The merges whose values Keras 3 computes from the masks (the others merge the raw values). */
const MASKED_VALUES: Partial<Record<string, string>> = { Multiply: 'multiply', Maximum: 'maximum', Minimum: 'minimum' };

const NONE: MergedMask = { forward: [], mask: null, helpers: [] };

/** `masks`: each input's mask variable (null: none); `v`: the input variables; `o`: the output variable. */
export function mergedMaskCode(l: ExportLayer, masks: readonly (string | null)[], v: readonly string[], o: string): MergedMask {
  if (masks.every((m) => m === null)) return NONE;
  if (l.className !== 'Concatenate') {
    const op = MASKED_VALUES[l.className];
    // Masks are (batch, steps[, width]); the features are last in a sequence, first (channels) in an image.
    const value = op && { value: `${o} = masked_merge('${op}', [${v.join(', ')}], [${masks.map((m) => m ?? 'None').join(', ')}], dim=${l.outputShape.length === 4 ? 1 : -1})`, helpers: ['masked_merge' as const] };
    if (masks.some((m) => m === null)) return { ...NONE, ...value };
    return { forward: [`${o}_mask = ${masks.join(' | ')}`], mask: `${o}_mask`, helpers: [], ...value };
  }
  const rank = l.outputShape.length;
  // Image tensors live channels-first in model.py, where Keras' last-axis rule would read the wrong axis.
  if (rank === 4) {
    throw new ExportError(`layer '${l.name}' (Concatenate) joins masked image tensors; the PyTorch export combines masks of sequences only: end the mask (a Conv2D, Flatten) before the Concatenate.`);
  }
  const axis = (l.config as { axis: number }).axis;
  const dim = axis < 0 ? axis + rank : axis;
  const list = masks.map((m) => m ?? 'None').join(', ');
  return { forward: [`${o}_mask = concat_mask([${v.join(', ')}], [${list}], dim=${dim})`], mask: `${o}_mask`, helpers: ['concat_mask'] };
}
