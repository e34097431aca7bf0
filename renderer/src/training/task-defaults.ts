/**
 * The training form follows the dataset's task: a regression dataset (boston-housing, or own data the backend read
 * as regression) trains with mse and reports mae; a classification dataset with a cross-entropy loss. The form says
 * what it changed, so the user is not surprised by a loss they did not pick.
 */
import type { DataFingerprint, Task } from '../../../shared/data-preprocessing';
import { chooseLoss, isClassificationLoss, REGRESSION_METRICS, type TrainingDraft } from './form';

/** Sets the draft's loss and metrics for `task`; returns the note to show, or null when the draft already fits the task. */
export function followTask(draft: TrainingDraft, task: Task, dataset: string): string | null {
  const was = draft.config.loss;
  if (task === 'regression' && isClassificationLoss(was)) {
    chooseLoss(draft, 'mse');
    draft.config.metrics = [...REGRESSION_METRICS];
    return `${dataset} is a regression dataset (real-valued targets): the loss is now mse and the metric ${REGRESSION_METRICS.join(', ')} (was ${was}).`;
  }
  if (task === 'classification' && !isClassificationLoss(was)) {
    chooseLoss(draft, 'sparse_categorical_crossentropy');
    return `${dataset} is a classification dataset: the loss is now sparse_categorical_crossentropy and the metric accuracy (was ${was}).`;
  }
  return null;
}

/** Why the data on disk is not the data a config or run was made with; null when the fingerprints agree. */
export function dataChangedNote(stored: DataFingerprint | undefined | null, now: DataFingerprint | undefined | null, what: string): string | null {
  if (!stored || !now || stored.sha256 === now.sha256) return null;
  return (
    `The data changed since ${what} (${stored.files} files, ${stored.bytes} bytes then; ${now.files} files, ${now.bytes} bytes now): ` +
    'training on it now fits the preprocessing (standardisation, classes) again, so results are not comparable with that run.'
  );
}
