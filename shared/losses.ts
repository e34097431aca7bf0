/**
 * Every loss Layerlab trains with, in one table: the task it serves, how the labels must be encoded for it, and
 * the output activation it expects of the last layer (Keras' losses with from_logits=False). The engine's feeder,
 * the engine's class-count check, the config's class-weight rule, the CLI's own-data defaults and the window's
 * form all read it.
 */
export interface LossSpec {
  task: 'classification' | 'regression';
  /** 'sparse': one class index (or numeric target) per sample; 'onehot': one column per class. */
  labels: 'sparse' | 'onehot';
  /** The last layer's activation the loss expects: softmax gives one probability per class. */
  output: 'softmax' | 'sigmoid' | 'linear';
}

export const LOSS_NAMES = ['sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy', 'mse', 'mae', 'huber'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export const LOSSES: Readonly<Record<LossName, LossSpec>> = {
  sparse_categorical_crossentropy: { task: 'classification', labels: 'sparse', output: 'softmax' },
  categorical_crossentropy: { task: 'classification', labels: 'onehot', output: 'softmax' },
  binary_crossentropy: { task: 'classification', labels: 'sparse', output: 'sigmoid' },
  mse: { task: 'regression', labels: 'sparse', output: 'linear' },
  mae: { task: 'regression', labels: 'sparse', output: 'linear' },
  huber: { task: 'regression', labels: 'sparse', output: 'linear' },
};

export function isLossName(name: string): name is LossName {
  return (LOSS_NAMES as readonly string[]).includes(name);
}

/** A cross-entropy: the labels are classes (class weights, accuracy and the confusion matrix apply). */
export function isClassificationLoss(loss: string): boolean {
  return isLossName(loss) && LOSSES[loss].task === 'classification';
}

/** The last layer of the model as the loss sees it: its units (last axis) and activation, where known. */
export interface ModelOutput {
  units: number;
  activation?: string;
}

/**
 * Why `loss` cannot train this output, or null. A single unit is one probability (sigmoid: P(class 1)); the
 * categorical cross-entropies need one softmax unit per class, and tfjs trains the mix without an error, to a
 * loss that says nothing (one class).
 */
export function lossOutputProblem(loss: LossName, output: ModelOutput): string | null {
  if (output.units !== 1 || LOSSES[loss].output !== 'softmax') return null;
  const layer = output.activation ? `1-unit ${output.activation}` : '1-unit';
  return `a ${layer} output needs binary_crossentropy, not ${loss} (which takes one softmax unit per class): set the loss to binary_crossentropy, or end with Dense(units=number of classes, activation=softmax)`;
}
