/**
 * Compiles a model outside a training run, for tests and benchmarks that drive model.fit themselves: the optimizer
 * validated by the config's schema and built by the engine's own factory (a run compiles with compileArgs instead).
 */
import type * as tf from '@tensorflow/tfjs';
import { createOptimizer } from '../../main/engine/training/optimizers';
import { OptimizerSchema, type OptimizerConfig } from '../../shared/training';

export interface CompileOptions {
  /** Name and Keras parameters; defaults per shared/training (sgd: learning_rate 0.01). */
  optimizer?: Partial<OptimizerConfig> & { name: OptimizerConfig['name'] };
  /** A tfjs loss name; default categoricalCrossentropy (labels are one-hot encoded by the data path). */
  loss?: string;
  metrics?: string[];
}

/** Validates the optimizer settings (same rules as the UI) and compiles. */
export function compileModel(model: tf.LayersModel, options: CompileOptions = {}): OptimizerConfig {
  const parsed = OptimizerSchema.safeParse(options.optimizer ?? { name: 'sgd' });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid optimizer settings: ${issue?.path.join('.') || 'optimizer'} ${issue?.message ?? ''}`.trim());
  }
  model.compile({
    optimizer: createOptimizer(parsed.data),
    loss: options.loss ?? 'categoricalCrossentropy',
    metrics: options.metrics ?? ['accuracy'],
  });
  return parsed.data;
}
