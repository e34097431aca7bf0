/**
 * The panel's draft from a stored training config (a project's, a run's, a sweep trial's), read leniently: the
 * format keeps the config as it was written (shared/format), so any field may be missing, from an older version, or
 * off; each such field keeps the fallback draft's value (the panel's current one) and the rest is read as stored.
 */
import { OwnDatasetConfigSchema } from '../../../shared/data-preprocessing';
import type { ProjectJson } from '../../../shared/format';
import { isClassificationLoss } from '../../../shared/losses';
import { TrainingConfigObject, type TrainingConfig, type TrainingConfigInput } from '../../../shared/training';
import { autoValidationLimit, defaultDraft, OWN_DATASET, type TrainingDraft } from './form';
import { readLeniently } from './lenient';

function readConfig(input: TrainingConfigInput, fallback: TrainingConfig): TrainingConfig {
  const read = TrainingConfigObject.safeParse(readLeniently(TrainingConfigObject, input, fallback));
  // The fallback itself may hold a half-typed value (the panel's); the schema's defaults stand in for it then.
  return read.success ? read.data : TrainingConfigObject.parse(readLeniently(TrainingConfigObject, input, defaultDraft().config));
}

/** The draft for a stored config; `projectDataset` names the dataset where an old config does not. */
export function draftFromConfig(stored: TrainingConfigInput, projectDataset: ProjectJson['dataset'], fallback: TrainingDraft): TrainingDraft {
  const base = fallback.config;
  const own = OwnDatasetConfigSchema.safeParse(stored.dataset);
  const dataset = own.success ? { name: OWN_DATASET } : (stored.dataset ?? (projectDataset?.kind === 'builtin' ? { name: projectDataset.id } : undefined));
  const config = readConfig({ ...stored, dataset }, base);
  const kept = {
    schedules: { ...fallback.kept.schedules, [base.lr_schedule.kind]: base.lr_schedule },
    earlyStopping: base.early_stopping ?? fallback.kept.earlyStopping,
    optimizer: { ...fallback.kept.optimizer, ...base.optimizer },
    regressionMetrics: isClassificationLoss(base.loss) ? fallback.kept.regressionMetrics : base.metrics,
  };
  // A classification config lists accuracy: a regression loss keeps the metrics picked before.
  if (!isClassificationLoss(config.loss) && (stored.metrics === undefined || config.metrics.includes('accuracy'))) config.metrics = [...kept.regressionMetrics];
  // Own data's validation follows its card (runConfig); a catalog dataset picked later validates on its test split.
  if (own.success) config.validation = TrainingConfigObject.shape.validation.parse(undefined);
  // A stored limit equal to what auto gives for the subset reads as auto, so that changing the subset moves it along.
  if (config.limit_test !== null && config.limit_test === autoValidationLimit(config.limit_train)) config.limit_test = null;
  return { config, ownData: own.success ? own.data : null, kept };
}
