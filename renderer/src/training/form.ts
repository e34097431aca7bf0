import type { LossName, OptimizerName, TrainingConfigInput } from '../../../shared/training';

/** The panel's form: the fields a workshop run changes; everything else keeps TrainingConfig's defaults. */
export interface TrainingForm {
  dataset: string;
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  loss: LossName;
  batchSize: number;
  epochs: number;
  /** Training samples to use; null for the whole split. */
  limit: number | null;
  augmentation: AugmentationForm;
}

/** The engine's augmentations (shared/training AugmentationSchema); all off by default. */
export interface AugmentationForm {
  /** Degrees either way. */
  rotation: number;
  /** Fraction of the width and of the height. */
  shift: number;
  /** Scale drawn from [1 - zoom, 1 + zoom]. */
  zoom: number;
  horizontalFlip: boolean;
  /** Standard deviation, in normalised units. */
  noise: number;
}

export function noAugmentation(): AugmentationForm {
  return { rotation: 0, shift: 0, zoom: 0, horizontalFlip: false, noise: 0 };
}

export function defaultForm(): TrainingForm {
  return {
    dataset: 'mnist',
    optimizer: 'sgd',
    learningRate: 0.01,
    momentum: 0.9,
    loss: 'sparse_categorical_crossentropy',
    batchSize: 64,
    epochs: 1,
    limit: 2000,
    augmentation: noAugmentation(),
  };
}

export function toConfig(form: TrainingForm): TrainingConfigInput {
  const optimizer =
    form.optimizer === 'sgd' || form.optimizer === 'rmsprop'
      ? { name: form.optimizer, learning_rate: form.learningRate, momentum: form.momentum }
      : { name: form.optimizer, learning_rate: form.learningRate };
  return {
    dataset: { name: form.dataset },
    optimizer: optimizer as TrainingConfigInput['optimizer'],
    loss: form.loss,
    batch_size: form.batchSize,
    epochs: form.epochs,
    limit_train: form.limit,
    // Validation on a matching slice of the test split keeps a quick run quick.
    limit_test: form.limit === null ? null : Math.max(100, Math.round(form.limit / 5)),
    augmentation: {
      rotation_range: form.augmentation.rotation,
      width_shift_range: form.augmentation.shift,
      height_shift_range: form.augmentation.shift,
      zoom_range: form.augmentation.zoom,
      horizontal_flip: form.augmentation.horizontalFlip,
      gaussian_noise: form.augmentation.noise,
    },
  };
}
