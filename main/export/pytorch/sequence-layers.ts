/**
 * PyTorch code for the sequence kinds (issue 16). Sequences keep Keras' (batch, steps, features) layout between
 * layers; Conv1D and the 1-D pools transpose to PyTorch's (batch, channels, steps) around their call. A layer that
 * makes a mask (Embedding with mask_zero, Masking) writes `<name>_mask`, which model-code.ts hands on to the layers
 * Keras hands it to (shared/graph/mask-flow.ts); recurrent layers and GlobalAveragePooling1D consume it (sequence-helpers.ts says how).
 */
import type { RecurrentActivationName, RecurrentClassName, RecurrentConfig } from '../../../shared/layers/recurrent';
import { dilatedKernel } from '../../../shared/layers/conv-arithmetic';
import { assigned, type ExportLayer } from '../model';
import { pyLiteral, pyString } from '../python-names';
import { TORCH_ACTIVATIONS, type LayerCode, type Names, type TorchEmitter } from './layers';

export type SequenceKind =
  | 'Embedding' | 'Masking' | 'Conv1D' | 'MaxPooling1D' | 'AveragePooling1D' | 'GlobalAveragePooling1D' | 'GlobalMaxPooling1D'
  | 'SimpleRNN' | 'LSTM' | 'GRU' | 'Bidirectional';

/** hard_sigmoid is a gate activation only (not in TORCH_ACTIVATIONS' names): TF.js' piecewise-linear form. */
function activationLambda(name: RecurrentActivationName): string {
  if (name === 'hard_sigmoid') return 'lambda t: torch.clamp(0.2 * t + 0.5, 0.0, 1.0)';
  return `lambda t: ${TORCH_ACTIVATIONS[name]('t', -1)}`;
}

/** The module call of one recurrent layer (Keras config fields; go_backwards for Bidirectional's copy). */
function recurrentModule(kind: RecurrentClassName, inputSize: number, c: RecurrentConfig, goBackwards = false): string {
  const standard = c.activation === 'tanh' && (kind === 'SimpleRNN' || c.recurrent_activation === 'sigmoid') && (kind !== 'GRU' || c.reset_after);
  const args = [
    pyString(kind), String(inputSize), String(c.units),
    `activation=${activationLambda(c.activation)}`,
    `recurrent_activation=${activationLambda(kind === 'SimpleRNN' ? 'sigmoid' : c.recurrent_activation)}`,
    `fused=${standard ? 'True' : 'False'}`,
  ];
  if (!c.use_bias) args.push('bias=False');
  if (c.return_sequences) args.push('return_sequences=True');
  if (c.return_state) args.push('return_state=True');
  if (goBackwards) args.push('go_backwards=True');
  if (kind === 'GRU' && !c.reset_after) args.push('reset_after=False');
  // Active in training mode only, as in Keras (sequence-helpers.ts: the step loop with Keras' masks).
  if (c.dropout) args.push(`dropout=${c.dropout}`);
  if (c.recurrent_dropout) args.push(`recurrent_dropout=${c.recurrent_dropout}`);
  return `KerasRNN(${args.join(', ')})`;
}

const lastDim = (l: ExportLayer): number => l.inputShapes[0]![l.inputShapes[0]!.length - 1] as number;
const maskArg = (n: Names): string => (n.mask ? `, ${n.mask}` : '');

function recurrent<N extends RecurrentClassName>(kind: N): TorchEmitter<N> {
  return (l, n) => {
    const c = l.config as RecurrentConfig;
    return {
      init: recurrentModule(kind, lastDim(l), c),
      forward: [`${assigned(l, n.o)} = self.${n.attr}(${n.v[0]}${maskArg(n)})`],
      helpers: ['KerasRNN'],
      mask: c.return_sequences ? (n.mask ?? null) : null,
    };
  };
}

function pool1d(l: ExportLayer<'MaxPooling1D' | 'AveragePooling1D'>, { v, o }: Names): LayerCode {
  const k = l.config.pool_size[0];
  const s = (l.config.strides ?? l.config.pool_size)[0];
  const x = `${v[0]}.transpose(1, 2)`;
  const max = l.className === 'MaxPooling1D';
  if (l.config.padding === 'valid') return { forward: [`${o} = F.${max ? 'max' : 'avg'}_pool1d(${x}, ${k}, ${s}).transpose(1, 2)`] };
  if (max) return { forward: [`${o} = F.max_pool1d(same_pad1d(${x}, ${k}, ${s}, value=float('-inf')), ${k}, ${s}).transpose(1, 2)`], helpers: ['same_pad1d'] };
  return { forward: [`${o} = avg_pool1d_same(${x}, ${k}, ${s}).transpose(1, 2)`], helpers: ['same_pad1d', 'avg_pool1d_same'] };
}

export const TORCH_SEQUENCE_LAYERS: { [N in SequenceKind]: TorchEmitter<N> } = {
  Embedding: (l, { v, o, attr }) => {
    const c = l.config;
    const forward = [`${o} = self.${attr}(${v[0]}.long())`];
    // The mask is read off the ids before the lookup: id 0 is padding.
    if (c.mask_zero) forward.unshift(`${o}_mask = ${v[0]} != 0`);
    return { init: `nn.Embedding(${c.input_dim}, ${c.output_dim})`, forward, mask: c.mask_zero ? `${o}_mask` : null };
  },
  Masking: (l, { v, o }) => ({
    forward: [`${o}_mask = (${v[0]} != ${pyLiteral(l.config.mask_value)}).any(dim=-1)`, `${o} = ${v[0]} * ${o}_mask.unsqueeze(-1).to(${v[0]}.dtype)`],
    mask: `${o}_mask`,
  }),
  Conv1D: (l, { v, o, attr }) => {
    const c = l.config;
    const [k, s, d] = [c.kernel_size[0], c.strides[0], c.dilation_rate[0]];
    const dk = dilatedKernel(k, d);
    const args = [String(lastDim(l)), String(c.filters), String(k)];
    if (s !== 1) args.push(`stride=${s}`);
    if (d !== 1) args.push(`dilation=${d}`);
    let x = `${v[0]}.transpose(1, 2)`;
    const helpers: LayerCode['helpers'] = [];
    // causal: pad the past only, so step t sees no later step
    if (c.padding === 'causal') x = `F.pad(${x}, [${dk - 1}, 0])`;
    else if (c.padding === 'same' && s === 1 && dk % 2 === 1) args.push(`padding=${(dk - 1) / 2}`);
    else if (c.padding === 'same') {
      x = `same_pad1d(${x}, ${k}, ${s}, ${d})`;
      helpers.push('same_pad1d');
    }
    if (!c.use_bias) args.push('bias=False');
    return {
      init: `nn.Conv1d(${args.join(', ')})`,
      forward: [`${o} = ${TORCH_ACTIVATIONS[c.activation](`self.${attr}(${x}).transpose(1, 2)`, -1)}`],
      helpers,
    };
  },
  MaxPooling1D: pool1d,
  AveragePooling1D: pool1d,
  // As Keras: with a mask, the mean over the unmasked steps only (an all-padding row gives zeros, as in Layerlab,
  // where Keras gives NaN); the mask ends here.
  GlobalAveragePooling1D: (_l, { v, o, mask }) =>
    mask ? { forward: [`${o} = masked_mean(${v[0]}, ${mask})`], helpers: ['masked_mean'] } : { forward: [`${o} = ${v[0]}.mean(dim=1)`] },
  // Keras 3's GlobalMaxPooling1D takes no mask: the max runs over every step, padding included; the mask ends here.
  GlobalMaxPooling1D: (_l, { v, o }) => ({ forward: [`${o} = ${v[0]}.amax(dim=1)`] }),
  SimpleRNN: recurrent('SimpleRNN'),
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Bidirectional: (l, n) => {
    const c = l.config;
    const d = lastDim(l);
    return {
      init: `KerasBidirectional(${recurrentModule(c.layer, d, c)}, ${recurrentModule(c.layer, d, c, true)}, merge_mode=${pyString(c.merge_mode)})`,
      forward: [`${assigned(l, n.o)} = self.${n.attr}(${n.v[0]}${maskArg(n)})`],
      helpers: ['KerasRNN', 'KerasBidirectional'],
      mask: c.return_sequences ? (n.mask ?? null) : null,
    };
  },
};
