import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import ConfusionMatrix from '../../renderer/src/training/ConfusionMatrix.svelte';
import Histograms from '../../renderer/src/training/Histograms.svelte';
import TrainingPanel from '../../renderer/src/training/TrainingPanel.svelte';
import { smooth } from '../../renderer/src/training/smoothing';
import { runConfig } from '../../renderer/src/training/form';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { TrainingConfigSchema } from '../../shared/training';
import { chain, MNIST_CNN } from './fixtures';

describe('training panel', () => {
  it('shows every control with the form’s values, and the form makes a valid TrainingConfig', () => {
    const training = new TrainingStore();
    render(TrainingPanel, { props: { training }, context: editorContext(new EditorStore(chain(MNIST_CNN))) });
    const value = (id: string) => (screen.getByTestId(id) as HTMLInputElement | HTMLSelectElement).value;
    expect(value('dataset-select')).toBe('mnist');
    expect(value('train-optimizer')).toBe('sgd');
    expect(Number(value('train-learning-rate'))).toBe(training.form.config.optimizer.learning_rate);
    expect(Number(value('train-batch-size'))).toBe(training.form.config.batch_size);
    expect(Number(value('train-epochs'))).toBe(training.form.config.epochs);
    expect(Number(value('train-limit'))).toBe(training.form.config.limit_train);
    // Nothing runs yet: Pause and Stop are off, and the progress says idle.
    expect(screen.getByTestId('train-start').textContent).toBe('Start');
    expect((screen.getByTestId('train-pause') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('train-stop') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('train-progress').dataset.status).toBe('idle');
    const parsed = TrainingConfigSchema.safeParse(runConfig(training.form));
    expect(parsed.success).toBe(true);
    // No backend connected: nothing to start.
    expect((screen.getByTestId('train-start') as HTMLButtonElement).disabled).toBe(true);
  });

  it('refuses to start while the graph has errors, and says so', () => {
    const training = new TrainingStore();
    training.connection = 'open';
    render(TrainingPanel, {
      props: { training },
      context: editorContext(new EditorStore(chain([['InputLayer', { batch_input_shape: [null, 784] }], ['Conv2D']]))),
    });
    expect((screen.getByTestId('train-start') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('cannot-train').textContent).toMatch(/^Cannot train: 1 error: conv2d_1: Conv2D expects a 4-D input/);
  });
});

describe('dashboard views', () => {
  it('draws the confusion matrix with every count and the accuracy', () => {
    const matrix = [
      [5, 1, 0],
      [0, 7, 2],
      [1, 0, 4],
    ];
    render(ConfusionMatrix, {
      props: {
        confusion: { type: 'confusion', epoch: 0, matrix, precision: [], recall: [], accuracy: 16 / 20, samples: 20, confidentlyWrong: [] },
      },
    });
    const cells = screen.getByTestId('confusion-matrix').querySelectorAll('.cell');
    expect([...cells].map((c) => Number(c.textContent))).toEqual(matrix.flat());
    expect(screen.getByText(/^Accuracy/).textContent).toBe('Accuracy 80.0% on 20 validation samples');
  });

  it('long class names stand upright in full, with the full name on hover (not cut to "T-s…")', () => {
    const classNames = ['T-shirt/top', 'Trouser', 'Pullover'];
    const matrix = [
      [5, 1, 0],
      [0, 7, 2],
      [1, 0, 4],
    ];
    render(ConfusionMatrix, {
      props: { confusion: { type: 'confusion', epoch: 0, matrix, precision: [], recall: [], accuracy: 16 / 20, samples: 20, confidentlyWrong: [], classNames } },
    });
    const cm = screen.getByTestId('confusion-matrix');
    expect(cm.classList.contains('upright')).toBe(true);
    expect([...cm.querySelectorAll('.head.col')].map((h) => [h.textContent, h.getAttribute('title')])).toEqual(classNames.map((n) => [n, n]));
    expect([...cm.querySelectorAll('.head.row')].map((h) => h.getAttribute('title'))).toEqual(classNames);
  });

  it('offers a cell\'s most confidently wrong example for the activation probe', async () => {
    const matrix = [
      [5, 1, 0],
      [0, 7, 2],
      [1, 0, 4],
    ];
    const picked: number[] = [];
    const confidentlyWrong = [
      { index: 12, trueLabel: 1, predicted: 2, probability: 0.7 },
      { index: 40, trueLabel: 1, predicted: 2, probability: 0.95 },
      { index: 3, trueLabel: 2, predicted: 0, probability: 0.6 },
    ];
    render(ConfusionMatrix, {
      props: { confusion: { type: 'confusion', epoch: 0, matrix, precision: [], recall: [], accuracy: 16 / 20, samples: 20, confidentlyWrong }, onprobe: (i: number) => picked.push(i) },
    });
    const cells = [...screen.getByTestId('confusion-matrix').querySelectorAll('.cell')];
    // Only the two cells with a kept example are clickable: true 1 / predicted 2, and true 2 / predicted 0.
    const buttons = screen.getAllByTestId('confusion-probe');
    expect(buttons.map((b) => cells.indexOf(b))).toEqual([5, 6]);
    (buttons[0] as HTMLButtonElement).click();
    (buttons[1] as HTMLButtonElement).click();
    expect(picked).toEqual([40, 3]);
    expect(buttons[0]!.title).toContain('validation image #40 (95% 2)');
  });

  it('draws one histogram per weight with a bar per bin', () => {
    const h = (weight: string) => ({ type: 'histogram' as const, epoch: 0, layer: 'dense', weight, of: 'weights' as const, bins: 4, min: -1, max: 1, counts: [1, 3, 5, 2], count: 11, mean: 0, std: 0.5 });
    render(Histograms, { props: { histograms: { type: 'histograms', epoch: 0, histograms: [h('kernel'), h('bias')] } } });
    const svgs = screen.getByTestId('histograms-view').querySelectorAll('svg');
    expect(svgs).toHaveLength(2);
    expect(svgs[0].querySelectorAll('rect')).toHaveLength(4);
  });

  it('smooths curves like TensorBoard without biasing the first point', () => {
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = smooth([2, 2, 2], 0.9);
    s.forEach((v) => expect(v).toBeCloseTo(2, 10));
    expect(smooth([0, 10], 0.5)[1]).toBeCloseTo(10 * 0.5 / 0.75, 10);
  });
});
