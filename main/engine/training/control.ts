/**
 * Pause, resume and stop for a running fit(), acting between batches. The worker's message handler calls
 * pause()/resume()/stop(); the training callback awaits `checkpoint()` after every batch.
 */
import type * as tf from '@tensorflow/tfjs';

export type TrainingState = 'running' | 'paused' | 'stopping';

export class TrainingControl {
  private state: TrainingState = 'running';
  private wake: (() => void) | null = null;
  private pausedPromise: Promise<void> | null = null;
  private lastYield = 0;

  /**
   * @param yieldEveryMs How often the batch loop hands the event loop a turn. tfjs' CPU and WASM kernels run
   *   synchronously, so without these turns a worker never sees the 'pause' or 'stop' message until fit() ends.
   */
  constructor(private readonly yieldEveryMs = 50) {}

  get current(): TrainingState {
    return this.state;
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.pausedPromise = new Promise((resolve) => (this.wake = resolve));
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.release();
  }

  /** Ends training after the current batch; the weights trained so far stay. Also ends a pause. */
  stop(): void {
    this.state = 'stopping';
    this.release();
  }

  private release(): void {
    const wake = this.wake;
    this.wake = null;
    this.pausedPromise = null;
    wake?.();
  }

  /**
   * Call between batches: yields to the event loop now and then, waits while paused, and sets
   * model.stopTraining when stopped. Returns true when training should end.
   */
  async checkpoint(model: tf.LayersModel): Promise<boolean> {
    const now = Date.now();
    if (now - this.lastYield >= this.yieldEveryMs) {
      this.lastYield = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    while (this.state === 'paused' && this.pausedPromise) await this.pausedPromise;
    if (this.state === 'stopping') {
      model.stopTraining = true;
      return true;
    }
    return false;
  }
}
