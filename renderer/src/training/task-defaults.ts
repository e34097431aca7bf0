/**
 * The training form follows the dataset's task: a regression dataset (boston-housing, or own data the backend read
 * as regression) trains with mse and reports mae; a classification dataset with a cross-entropy loss. The form says
 * what it changed, so the user is not surprised by a loss they did not pick.
 */
import type { DataFingerprint, Task } from '../../../shared/data-preprocessing';
import { isClassificationLoss, type TrainingForm } from './form';

/** The form's loss and metrics for `task`, and the note to show; null when the form already fits the task. */
export function formForTask(form: TrainingForm, task: Task, dataset: string): { form: TrainingForm; note: string } | null {
  if (task === 'regression' && isClassificationLoss(form.loss)) {
    return {
      form: { ...form, loss: 'mse', metrics: { mae: true, mse: false } },
      note: `${dataset} is a regression dataset (real-valued targets): the loss is now mse and the metric mae (was ${form.loss}).`,
    };
  }
  if (task === 'classification' && !isClassificationLoss(form.loss)) {
    return {
      form: { ...form, loss: 'sparse_categorical_crossentropy' },
      note: `${dataset} is a classification dataset: the loss is now sparse_categorical_crossentropy and the metric accuracy (was ${form.loss}).`,
    };
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
