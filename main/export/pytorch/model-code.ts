/**
 * PyTorch model.py: an nn.Module with the same layers and the same function as the Keras model, written from the
 * per-kind table in layers.ts. The module takes and returns Keras' channels-last layout, so inputs prepared for
 * the Keras model work unchanged.
 */
import type { LayerClassName } from '../../../shared/layers/registry';
import { maskRole } from '../../../shared/graph/mask-flow';
import { inputVariables, layerNamed, tableEntry, type ExportGraph, type ExportLayer } from '../model';
import { pythonNames, pyLiteral } from '../python-names';
import { ExportError } from '../types';
import { HELPER_ORDER, HELPERS, type Helper } from './helpers';
import { mergedMaskCode } from './merge-masks';
import { TO_NHWC, TORCH_LAYERS, UnsupportedConfig, type LayerCode, type Names, type TorchEmitter } from './layers';

function layerCode(l: ExportLayer, names: Names): LayerCode {
  const emit = tableEntry(TORCH_LAYERS as Record<LayerClassName, TorchEmitter<LayerClassName>>, l, 'PyTorch');
  try {
    return emit(l, names);
  } catch (err) {
    if (err instanceof UnsupportedConfig) throw new ExportError(`layer '${l.name}' (${l.className}): ${err.message}`);
    throw err;
  }
}

/** Python names of the groups' submodules (nested models), unique beside the layers' names. */
function groupAttributes(g: ExportGraph): Map<string, string> {
  const ids = [...new Set(g.layers.flatMap((l) => (l.group ? [l.group.id] : [])))];
  const names = pythonNames([...g.layers.map((l) => l.name), ...ids]);
  return new Map(ids.map((id) => [id, names.get(id)!]));
}

/**
 * Attribute path (and state_dict prefix) per Keras layer name; model.py and weights.npz agree through this. A layer
 * of a nested model lives in that model's submodule: `backbone.conv1`.
 */
export function torchAttributeNames(g: ExportGraph): Map<string, string> {
  const vars = pythonNames(g.layers.map((l) => l.name));
  const groups = groupAttributes(g);
  return new Map(g.layers.map((l) => [l.name, l.group ? `${groups.get(l.group.id)}.${vars.get(l.name)}` : vars.get(l.name)!]));
}

/** Whether a kind hands its input's mask on unchanged (shared/graph/mask-flow.ts: Keras' rules, as the engine runs). */
const passesMask = (l: ExportLayer): boolean => maskRole(l.className) === 'passes';

/** The mask variable reaching each input of `l` (null: none). A recurrent layer's states (outputs after the first) carry no mask, as in TF.js. */
function inputMasks(l: ExportLayer, masks: Map<string, string | null>): (string | null)[] {
  return l.inputs.map((i, k) => ((l.inputOutputs[k] ?? 0) === 0 ? (masks.get(i) ?? null) : null));
}

export function generateTorchModel(ir: ExportGraph): string {
  const names = pythonNames(ir.layers.map((l) => l.name));
  const attrs = torchAttributeNames(ir);
  const init: string[] = [];
  const forward: string[] = [];
  const helpers = new Set<Helper>();
  // A nested model (a backbone) is a submodule, frozen as a whole when it is frozen in Layerlab.
  for (const [id, attr] of groupAttributes(ir)) {
    const group = ir.layers.find((l) => l.group?.id === id)!.group!;
    init.push(`        # ${id}: a nested ${group.model} model${group.trainable ? '' : ', frozen in Layerlab (training leaves its weights as they are)'}`);
    init.push(`        self.${attr} = nn.Module()`);
  }
  const masks = new Map<string, string | null>();
  for (const l of ir.layers) {
    const o = names.get(l.name)!;
    const inMasks = inputMasks(l, masks);
    const mask = inMasks[0] ?? undefined;
    const v = inputVariables(ir, l, (name) => names.get(name)!);
    const code = layerCode(l, { v, o, attr: attrs.get(l.name)!, ...(mask ? { mask } : {}) });
    // A merge combines its inputs' masks by Keras 3's rules (merge-masks.ts); other layers read the first input's.
    if (maskRole(l.className) === 'merges') {
      const merged = mergedMaskCode(l, inMasks, v, o);
      if (merged.value) code.forward = [merged.value];
      code.forward.push(...merged.forward);
      code.helpers = [...(code.helpers ?? []), ...merged.helpers];
      code.mask = merged.mask;
    }
    masks.set(l.name, code.mask !== undefined ? code.mask : passesMask(l) ? (mask ?? null) : null);
    if (code.init) init.push(`        self.${attrs.get(l.name)} = ${code.init}`);
    for (const line of code.extraInit ?? []) init.push(`        ${line}`);
    for (const h of code.helpers ?? []) helpers.add(h);
    if (code.forward.length) forward.push(`        # ${l.name}: ${l.className} -> ${shapeText(l.outputShape)}`, ...code.forward.map((f) => `        ${f}`));
  }
  for (const [id, attr] of groupAttributes(ir)) if (ir.layers.some((l) => l.group?.id === id && !l.group.trainable)) init.push(`        self.${attr}.requires_grad_(False)`);
  const outs = ir.outputs.map((out) => {
    const layer = layerNamed(ir, out);
    return `${names.get(out)}${layer.outputShape.length === 4 ? TO_NHWC : ''}`;
  });
  const args = ir.inputs.map((i) => names.get(i)!).join(', ');
  const inputDoc = ir.inputs.map((i) => `${i} ${shapeText(layerNamed(ir, i).outputShape)}`).join(', ');
  const helperCode = HELPER_ORDER.filter((h) => helpers.has(h)).map((h) => HELPERS[h]);
  return `"""${ir.name}: PyTorch version of a Layerlab (Keras) model, written by \`layerlab export --format pytorch\`.

Inputs and outputs use Keras' channels-last layout (batch, height, width, channels); inside, image tensors are
channels-first as PyTorch's layers expect. build_model() loads weights.npz (converted Keras weights) when it exists.
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
INPUT_SHAPES = ${pyLiteral(ir.inputs.map((i) => layerNamed(ir, i).outputShape.slice(1)))}


${helperCode.join('\n\n')}${helperCode.length ? '\n\n' : ''}class Model(nn.Module):
    """Inputs: ${inputDoc} (channels last)."""

    def __init__(self):
        super().__init__()
${init.length ? init.join('\n') : '        pass'}

    def forward(self, ${args}):
${forward.join('\n')}
        return ${outs.length === 1 ? outs[0] : `(${outs.join(', ')})`}


def keras_init(model):
    """Keras' default initialisation (glorot_uniform kernels, zero biases), used when no weights are exported."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.uniform_(module.weight, -0.05, 0.05)
        elif hasattr(module, 'keras_init'):
            module.keras_init()


def load_weights(model, path):
    """Loads weights.npz (keys are state_dict names, arrays already in PyTorch layout)."""
    with np.load(path) as archive:
        state = {key: torch.from_numpy(archive[key]) for key in archive.files}
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith('num_batches_tracked')]
    if missing or result.unexpected_keys:
        raise ValueError(f'{path} does not match the model: missing {missing}, unexpected {result.unexpected_keys}')
    return model


def count_params(model):
    """Keras' total parameter count: trainable parameters plus BatchNorm's moving mean and variance."""
    params = sum(p.numel() for p in model.parameters() if not getattr(p, 'keras_absent', False))
    stats = sum(b.numel() for name, b in model.named_buffers() if name.endswith(('running_mean', 'running_var')))
    return params + stats


def build_model(weights=os.path.join(HERE, 'weights.npz')):
    model = Model()
    if weights and os.path.exists(weights):
        load_weights(model, weights)
    else:
        keras_init(model)
    return model


if __name__ == '__main__':
    model = build_model().eval()
    print(model)
    print('parameters (Keras count):', count_params(model))
`;
}

function shapeText(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}
