/** How the window names a run's best epoch (the weights it keeps beside its final ones), as `layerlab info` does. */
import type { RunBestWeights } from '../../../shared/api';
import { formatMetric } from '../../../shared/format';

/** "epoch 4, val_loss 0.8844": 1-based, as the charts and the CLI number epochs. */
export function bestEpochText(best: RunBestWeights): string {
  return `epoch ${best.epoch + 1}, ${best.monitor} ${formatMetric(best.value)}`;
}

/** The chart whose lines hold the monitored metric gets the marker: loss for (val_)loss, accuracy for (val_)acc, ... */
export function markerOn(best: RunBestWeights | undefined, keys: readonly string[]): RunBestWeights | undefined {
  return best && keys.includes(best.monitor) ? best : undefined;
}
