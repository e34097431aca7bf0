/**
 * Refuses, before training, a model whose weights and activations would not fit: without this a Dense(100000) on
 * 784 inputs grows the wasm heap to its 4 GiB ceiling and the worker dies with emscripten's `Aborted()`, and on the
 * cpu backend the process swaps the machine to a halt. The estimate is deliberately rough (tfjs' temporaries are
 * counted as a few copies of the weights); the budget is a share of system memory, configurable with
 * LAYERLAB_MEMORY_BUDGET (bytes, "6G", "512M" or "40%") or `train --memory-budget`.
 */
import { totalmem } from 'node:os';
import { analyzeGraph, importModelJson, type ModelSpec } from '../../shared/graph';
import type { OptimizerConfig, TrainingConfig } from '../../shared/training';

export const MEMORY_BUDGET_ENV = 'LAYERLAB_MEMORY_BUDGET';
/** Default share of the machine's memory one training run may plan to use. */
const DEFAULT_SHARE = 0.5;
/**
 * wasm32 memory ends at 4 GiB for everything tfjs-backend-wasm holds (weights, optimizer state, activations,
 * XNNPACK's packed copies, fragmentation): plan with half of it.
 */
const WASM_BUDGET = 2 * 2 ** 30;

export interface MemoryBudget {
  bytes: number;
  /** Where the number comes from, for the error message. */
  source: string;
}

const GiB = (n: number) => `${(n / 2 ** 30).toFixed(n < 2 ** 30 ? 2 : 1)} GiB`;

/** Parses "123456", "6G", "512M", "1.5GiB" or "40%" (of system memory); throws with the accepted forms. */
export function parseMemoryAmount(text: string, total = totalmem()): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|[kmgt]i?b?|b)?\s*$/i.exec(text);
  const value = m ? Number(m[1]) : NaN;
  const unit = (m?.[2] ?? '').toLowerCase();
  const bytes = unit === '%' ? (value / 100) * total : value * 1024 ** ('bkmgt'.indexOf(unit[0] ?? 'b') || 0);
  if (!m || !(bytes > 0) || (unit === '%' && value > 100)) {
    throw new Error(`memory budget '${text}' is not an amount: use bytes or a size like 6G, 512M, or a share of memory like 40%`);
  }
  return Math.floor(bytes);
}

export function memoryBudget(backend: string, env: NodeJS.ProcessEnv = process.env, total = totalmem()): MemoryBudget {
  const configured = env[MEMORY_BUDGET_ENV];
  if (configured) return { bytes: parseMemoryAmount(configured, total), source: `${MEMORY_BUDGET_ENV}=${configured}` };
  const share = { bytes: Math.floor(total * DEFAULT_SHARE), source: `${DEFAULT_SHARE * 100}% of this machine's ${GiB(total)}` };
  if (backend === 'wasm' && WASM_BUDGET < share.bytes) return { bytes: WASM_BUDGET, source: 'the wasm backend: 4 GiB of wasm memory at most, half of it planned' };
  return share;
}

/** Per-weight state the optimizer keeps besides the weight itself. */
function optimizerSlots(o: OptimizerConfig): number {
  switch (o.name) {
    case 'sgd':
      return o.momentum > 0 || o.nesterov ? 1 : 0;
    case 'rmsprop':
      return 1 + (o.momentum > 0 ? 1 : 0) + (o.centered ? 1 : 0);
    case 'adagrad':
      return 1;
    case 'adam':
    case 'adadelta':
    case 'adamax':
      return 2;
  }
}

export interface MemoryEstimate {
  params: number;
  /** Weights, their gradients, optimizer state and update temporaries. */
  weightBytes: number;
  /** Layer outputs and their gradients for one batch (and one prediction batch of the validation set). */
  activationBytes: number;
  total: number;
}

/** null when the spec cannot be analysed here (then nothing is refused: the engine reports its own errors). */
export function estimateTrainingMemory(spec: ModelSpec, config: TrainingConfig): MemoryEstimate | null {
  let analysis;
  try {
    analysis = analyzeGraph(importModelJson(spec));
  } catch {
    return null;
  }
  const params = analysis.totals.total;
  // weight + gradient + slots + ~3 same-size temporaries of the update and of the backend's packed copies.
  const weightBytes = params * 4 * (5 + optimizerSlots(config.optimizer));
  let perSample = 0;
  for (const node of Object.values(analysis.nodes)) {
    const shape = node.outputShape;
    if (shape) perSample += shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  }
  // Forward outputs, their gradients and a temporary per layer while training; outputs alone while predicting.
  const activationBytes = perSample * 4 * (3 * config.batch_size + Math.max(config.batch_size, 256));
  return { params, weightBytes, activationBytes, total: weightBytes + activationBytes };
}

/** Throws, naming the estimate, the budget and the ways out, when the run would not fit. */
export function checkMemoryBudget(spec: ModelSpec, config: TrainingConfig, backend: string, env: NodeJS.ProcessEnv = process.env): MemoryEstimate | null {
  const estimate = estimateTrainingMemory(spec, config);
  if (!estimate) return null;
  const budget = memoryBudget(backend, env);
  if (estimate.total > budget.bytes) {
    throw new Error(
      `this model needs about ${GiB(estimate.total)} to train (${estimate.params.toLocaleString('en-US')} parameters: ${GiB(estimate.weightBytes)} ` +
        `for weights, gradients and ${config.optimizer.name} state; ${GiB(estimate.activationBytes)} for activations at batch size ${config.batch_size}), ` +
        `more than the ${GiB(budget.bytes)} budget (${budget.source}). Make the largest layers smaller or lower the batch size; ` +
        `to allow more, set ${MEMORY_BUDGET_ENV} (e.g. 8G) or pass --memory-budget.`,
    );
  }
  return estimate;
}
