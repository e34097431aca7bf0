import { describe, expect, it } from 'vitest';
import { formatShape, formatSummary, summaryTable } from '../../../shared/graph/summary';
import { getTemplate } from '../../../shared/templates/registry';
import { chain, node } from '../../support/graphs';

const summary = (id: string) => formatSummary(summaryTable(getTemplate(id)!.graph));

describe('Keras-style summary', () => {
  it('mlp-64: 784-64-64-10 has 55,050 params', () => {
    const text = summary('mlp-64');
    expect(text).toContain('Total params: 55,050');
    expect(text).toContain('Trainable params: 55,050');
    expect(text).toContain('Non-trainable params: 0');
    expect(text).toMatch(/^Model: "sequential"\n_{65}\n Layer \(type\) {16}Output Shape {14}Param #\n={65}\n/);
    expect(text).toMatch(/ dense \(Dense\) {15}\(None, 64\) {16}50,240\n/);
    expect(text).not.toContain('InputLayer');
  });

  it('mlp-512: 669,706 params', () => {
    expect(summary('mlp-512')).toContain('Total params: 669,706');
  });

  it('cnn-dropout (Keras mnist_cnn): exactly 1,199,882 params', () => {
    const text = summary('cnn-dropout');
    expect(text).toContain('Total params: 1,199,882');
    expect(text).toContain('(None, 12, 12, 64)');
    expect(text).toContain('1,179,776');
  });

  it('cnn-batchnorm splits trainable and non-trainable', () => {
    const table = summaryTable(getTemplate('cnn-batchnorm')!.graph);
    expect(table.totals.nonTrainable).toBe(2 * 32 + 2 * 64);
    expect(formatSummary(table)).toContain(`Non-trainable params: 192`);
  });

  it('functional models list the input and what each layer is connected to', () => {
    const table = summaryTable(getTemplate('resnet-cifar')!.graph);
    expect(table.functional).toBe(true);
    const add = table.rows.find((r) => r.type === 'Add')!;
    expect(add.connectedTo).toHaveLength(2);
    const text = formatSummary(table);
    expect(text).toContain('Connected to');
    expect(text).toContain('input_layer (InputLayer)');
    expect(text).toMatch(/ add \(Add\) +\(None, 32, 32, 16\) +0 +batch_normalization_2\[0\]\[0\]\n +re_lu\[0\]\[0\]\n/);
  });

  it('marks unknowns of an invalid model', () => {
    const text = formatSummary(summaryTable(chain(node('in', 'InputLayer', { batch_input_shape: [null, 10] }), node('c', 'Conv2D'))));
    expect(text).toMatch(/c \(Conv2D\) +\? +\?/);
    expect(text).toContain('The model has errors');
  });

  it('formats shapes like Keras', () => {
    expect(formatShape([null, 26, 26, 32])).toBe('(None, 26, 26, 32)');
    expect(formatShape([null])).toBe('(None,)');
  });
});
