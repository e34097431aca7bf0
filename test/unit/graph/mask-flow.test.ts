/**
 * The mask table (shared/graph/mask-flow.ts) against Keras 3's rules (keras/src/layers: `supports_masking`, and which
 * calls take a mask), the flow through graphs, and the notes the inspector shows.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph';
import { maskFlow, maskNote, maskRole, type MaskRole } from '../../../shared/graph/mask-flow';
import { layerKinds } from '../../../shared/layers/registry';
import { GraphBuilder, sequentialGraph } from '../../../shared/templates/builder';
import type { Graph } from '../../../shared/graph/types';

function flowOf(graph: Graph) {
  const flow = maskFlow(graph, analyzeGraph(graph).order);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  return {
    input: (name: string) => flow.get(byName.get(name)!.id)!.input,
    outputs: (name: string) => flow.get(byName.get(name)!.id)!.outputs,
    note: (name: string) => maskNote(byName.get(name)!, flow.get(byName.get(name)!.id)),
  };
}

describe('mask roles as Keras 3 has them', () => {
  it.each<[string, MaskRole]>([
    // supports_masking = True in Keras 3: the mask passes on.
    ['Dense', 'passes'], ['Dropout', 'passes'], ['Activation', 'passes'], ['ReLU', 'passes'], ['LayerNormalization', 'passes'], ['BatchNormalization', 'passes'],
    ['LeakyReLU', 'passes'], ['ELU', 'passes'],
    // Keras' Softmax applies a mask to its own axis (a [batch, steps] mask does not fit): Layerlab ends it there.
    ['Softmax', 'ends'],
    // No supports_masking: Keras drops the mask (with a warning).
    ['Conv1D', 'ends'], ['MaxPooling1D', 'ends'], ['AveragePooling1D', 'ends'], ['Flatten', 'ends'], ['Reshape', 'ends'],
    // call(inputs, mask): the average pool and the recurrent layers compute with it; GlobalMaxPooling1D's call has none.
    ['GlobalAveragePooling1D', 'uses'], ['LSTM', 'uses'], ['GRU', 'uses'], ['SimpleRNN', 'uses'], ['Bidirectional', 'uses'],
    ['GlobalMaxPooling1D', 'ignores'],
    ['Embedding', 'makes'], ['Masking', 'makes'], ['Add', 'merges'], ['Concatenate', 'merges'],
  ])('%s %s the mask', (kind, role) => {
    expect(maskRole(kind)).toBe(role);
  });

  it('every kind of the catalog has a role (a new kind must decide)', () => {
    const roles = new Set<MaskRole>(['makes', 'passes', 'merges', 'uses', 'ignores', 'ends']);
    for (const k of layerKinds) expect(roles.has(maskRole(k.className)), k.className).toBe(true);
  });
});

describe('maskFlow', () => {
  it('starts at Embedding(mask_zero), passes Dense and Dropout, and the average pool ends it', () => {
    const f = flowOf(sequentialGraph([null, 20], [
      ['Embedding', { mask_zero: true }], ['Dense', { units: 4 }], ['Dropout', { rate: 0.2 }], ['GlobalAveragePooling1D', {}], ['Dense', { units: 1 }],
    ]));
    expect(f.input('dense')).toBe('embedding');
    expect(f.input('global_average_pooling1d')).toBe('embedding');
    expect(f.outputs('global_average_pooling1d')).toEqual([null]);
    expect(f.input('dense_1')).toBeNull();
    expect(f.note('global_average_pooling1d')).toContain('Averages only the steps');
    expect(f.note('dense_1')).toBeUndefined();
  });

  it('no mask without mask_zero', () => {
    const f = flowOf(sequentialGraph([null, 20], [['Embedding', {}], ['GlobalMaxPooling1D', {}]]));
    expect(f.input('global_max_pooling1d')).toBeNull();
    expect(f.note('global_max_pooling1d')).toBeUndefined();
  });

  it('GlobalMaxPooling1D receives it but counts the padding, and says so', () => {
    const f = flowOf(sequentialGraph([null, 20], [['Embedding', { mask_zero: true }], ['GlobalMaxPooling1D', {}]]));
    expect(f.input('global_max_pooling1d')).toBe('embedding');
    expect(f.note('global_max_pooling1d')).toMatch(/padded steps count.*GlobalAveragePooling1D/);
  });

  it('Conv1D ends it: the LSTM after it gets none', () => {
    const f = flowOf(sequentialGraph([null, 20], [['Embedding', { mask_zero: true }], ['Conv1D', {}], ['LSTM', { units: 4 }]]));
    expect(f.note('conv1d')).toContain("the mask of 'embedding' ends here");
    expect(f.input('lstm')).toBeNull();
  });

  it.each<[string, boolean, boolean]>([
    ['Add', true, true], ['Add', false, false], ['Multiply', false, false], ['Concatenate', true, true], ['Concatenate', false, true],
  ])('%s of a masked sequence and one with mask_zero=%s: output masked %s (Keras: Concatenate if any, the others if all)', (kind, second, out) => {
    const b = new GraphBuilder();
    const ids = b.layer('InputLayer', { batch_input_shape: [null, 20] });
    const a = b.layer('Embedding', { mask_zero: true }, [ids]);
    const c = b.layer('Embedding', { mask_zero: second }, [ids]);
    b.layer(kind, {}, [a, c]);
    const f = flowOf(b.build());
    const name = kind === 'Add' ? 'add' : kind === 'Multiply' ? 'multiply' : 'concatenate';
    expect(f.outputs(name)).toEqual([out ? 'embedding' : null]);
    expect(f.note(name)).toContain(out ? 'Combines' : 'the result carries no mask');
    // Keras 3's Multiply reads a masked step as 1; Add and Concatenate merge the raw values.
    expect(f.note(name)?.includes('count as 1 in the product')).toBe(kind === 'Multiply');
  });

  it('a recurrent layer hands it on with return_sequences only, and its states carry none', () => {
    const b = new GraphBuilder();
    const ids = b.layer('InputLayer', { batch_input_shape: [null, 20] });
    const m = b.layer('Masking', {}, [b.layer('Embedding', {}, [ids])]);
    const seq = b.layer('GRU', { units: 3, return_sequences: true, return_state: true }, [m]);
    b.layer('LSTM', { units: 2 }, [seq]);
    b.layer('Dense', { units: 2 }, [[seq, 1]]);
    const f = flowOf(b.build());
    expect(f.input('gru')).toBe('masking');
    expect(f.input('lstm')).toBe('masking');
    expect(f.input('dense')).toBeNull();
    expect(f.note('gru')).toContain('and hands the mask on');
    expect(f.note('lstm')).toContain('the mask ends here');
  });

  it('BatchNormalization says that its training statistics leave the masked steps out, as Keras 3\'s do', () => {
    const f = flowOf(sequentialGraph([null, 8], [['Embedding', { input_dim: 20, output_dim: 4, mask_zero: true }], ['BatchNormalization', {}], ['Dense', { units: 2 }]]));
    expect(f.note('batch_normalization')).toContain('cover only the steps the mask keeps');
    expect(f.note('dense')).toBe("Hands the mask of 'embedding' on to the next layer.");
  });
});
