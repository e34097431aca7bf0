/**
 * Where a sequence mask goes, as Keras 3 decides it (keras/src/layers: a layer passes the mask on when it
 * `supports_masking`, a layer without it drops the mask with a warning). A mask starts at an Embedding with
 * mask_zero=True (id 0 is padding) or a Masking layer. Layerlab's engine, its PyTorch export and the TF.js export's
 * layerlab-layers.js follow this table; the editor shows each layer's part in the inspector (maskNote).
 *
 * Kept apart from the layer files on purpose: one table, typed by every class name, so a new kind cannot be added
 * without deciding what it does with a mask.
 */
import type { LayerClassName } from '../layers/registry';
import { inboundEdges } from './analyze';
import type { Graph, GraphNode } from './types';

/**
 * - makes: starts a mask (Embedding only with mask_zero);
 * - passes: hands its input's mask on unchanged (Dense, Dropout, Activation, ReLU, the normalisations);
 * - merges: Concatenate is masked when an input is, the others when every input is (Keras ORs the masks);
 * - uses: computes with it: recurrent layers skip masked steps (and hand it on with return_sequences),
 *   GlobalAveragePooling1D averages the unmasked steps only and ends it;
 * - ignores: GlobalMaxPooling1D: Keras 3's call has no mask argument, so padded steps count in the max; ends it;
 * - ends: does not support masking; the layers after it see every step (Conv1D, the 1-D pools, Flatten, Reshape...).
 */
export type MaskRole = 'makes' | 'passes' | 'merges' | 'uses' | 'ignores' | 'ends';

const MASK_ROLES: { [N in LayerClassName]: MaskRole } = {
  InputLayer: 'ends',
  Dense: 'passes',
  Flatten: 'ends',
  Activation: 'passes',
  Conv2D: 'ends',
  SeparableConv2D: 'ends',
  DepthwiseConv2D: 'ends',
  Conv2DTranspose: 'ends',
  MaxPooling2D: 'ends',
  AveragePooling2D: 'ends',
  GlobalAveragePooling2D: 'ends',
  GlobalMaxPooling2D: 'ends',
  BatchNormalization: 'passes',
  LayerNormalization: 'passes',
  Dropout: 'passes',
  SpatialDropout2D: 'passes',
  ReLU: 'passes',
  // tfjs-layers drops the mask at these two; Layerlab registers classes that pass it (mask-passing-activations.ts).
  LeakyReLU: 'passes',
  ELU: 'passes',
  // Keras 3's Softmax applies a mask to its own (last) axis, which a [batch, steps] mask does not fit (Keras raises
  // for most shapes): Layerlab ends the mask here, as tfjs does. Listed in the README.
  Softmax: 'ends',
  Reshape: 'ends',
  ZeroPadding2D: 'ends',
  Cropping2D: 'ends',
  UpSampling2D: 'ends',
  Add: 'merges',
  Subtract: 'merges',
  Concatenate: 'merges',
  Multiply: 'merges',
  Average: 'merges',
  Maximum: 'merges',
  Minimum: 'merges',
  Embedding: 'makes',
  Masking: 'makes',
  Conv1D: 'ends',
  MaxPooling1D: 'ends',
  AveragePooling1D: 'ends',
  GlobalAveragePooling1D: 'uses',
  GlobalMaxPooling1D: 'ignores',
  SimpleRNN: 'uses',
  LSTM: 'uses',
  GRU: 'uses',
  Bidirectional: 'uses',
};

export function maskRole(className: string): MaskRole {
  return (MASK_ROLES as Record<string, MaskRole>)[className] ?? 'ends';
}

/** What reaches one layer: the name of the layer that made the mask on its first input, or null for none. */
export interface NodeMask {
  /** The mask-making layer (Embedding/Masking name) whose mask reaches this layer's (first) input; null: none. */
  input: string | null;
  /** The same for every input, in order. */
  inputs: (string | null)[];
  /** Per output: the mask-making layer whose mask the output carries, or null. */
  outputs: (string | null)[];
}

function outputMasks(node: GraphNode, role: MaskRole, inputs: (string | null)[]): (string | null)[] {
  const first = inputs[0] ?? null;
  switch (role) {
    case 'makes':
      return [node.kind === 'Embedding' && node.config['mask_zero'] !== true ? null : node.name];
    case 'passes':
      return [first];
    case 'merges':
      // Keras: Concatenate keeps a mask if any input has one; the others only if every input has one.
      if (node.kind === 'Concatenate' || inputs.every((m) => m !== null)) return [inputs.find((m) => m !== null) ?? null];
      return [null];
    case 'uses':
      // A recurrent layer's states (outputs after the first) carry no mask; its sequence output keeps it.
      return [node.config['return_sequences'] === true ? first : null];
    default:
      return [null];
  }
}

/** The mask reaching and leaving each node (by id), for a graph and a topological order of its node ids. */
export function maskFlow(graph: Graph, order: readonly string[]): Map<string, NodeMask> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inbound = inboundEdges(graph);
  const flow = new Map<string, NodeMask>();
  for (const id of order) {
    const node = byId.get(id);
    if (!node) continue;
    const inputs = (inbound.get(id) ?? []).map((e) => flow.get(e.source)?.outputs[e.sourceIndex ?? 0] ?? null);
    flow.set(id, { input: inputs[0] ?? null, inputs, outputs: outputMasks(node, maskRole(node.kind), inputs) });
  }
  return flow;
}

/** What the inspector says about a layer's mask, or undefined where no mask reaches it. */
export function maskNote(node: GraphNode, mask: NodeMask | undefined): string | undefined {
  const from = mask?.input;
  if (!mask || !from) return undefined;
  const source = `the mask of '${from}'`;
  switch (maskRole(node.kind)) {
    case 'passes':
      if (node.kind === 'BatchNormalization') {
        return `Hands ${source} on; in training its batch mean and variance (and so the moving statistics) cover only the steps the mask keeps, as in Keras 3.`;
      }
      return `Hands ${source} on to the next layer.`;
    case 'merges': {
      // Keras 3's Multiply/Maximum/Minimum fill a step one input masks (engine/layers/merge-values.ts).
      const fill = node.kind === 'Multiply' ? ' Its masked steps count as 1 in the product.'
        : node.kind === 'Maximum' || node.kind === 'Minimum' ? ' Its masked steps take the other input\'s value.' : '';
      return (mask.outputs[0]
        ? `Combines ${source} with the other inputs' (a step is kept where any input keeps it), as Keras does.`
        : `Merges ${source} with an unmasked sequence: as in Keras, the result carries no mask.`) + fill;
    }
    case 'makes':
      return `Replaces ${source} with its own.`;
    case 'uses':
      if (node.kind === 'GlobalAveragePooling1D') return `Averages only the steps ${source} keeps (padding left out), as Keras does; the mask ends here.`;
      return `Skips the steps ${source} masks${node.config['return_sequences'] === true ? ' and hands the mask on' : '; the mask ends here'}.`;
    case 'ignores':
      return (
        `Receives ${source} but, as in Keras 3, takes the maximum over every step: padded steps count. ` +
        'Use GlobalAveragePooling1D or a recurrent layer to leave the padding out.'
      );
    default:
      return `Does not support masking (as in Keras): ${source} ends here, and the layers after it see every step, padding included.`;
  }
}
