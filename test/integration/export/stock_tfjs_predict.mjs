// Loads a TF.js export with stock @tensorflow/tfjs only (no Layerlab classes), optionally after the export's own
// layerlab-layers.js, and predicts x.json. argv: export folder, 'shim' | 'stock'. Prints {"y": [...]} or {"error"}.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, mode] = process.argv.slice(2);
try {
  if (mode === 'shim') (await import(pathToFileURL(join(dir, 'layerlab-layers.js')).href)).registerLayerlabLayers(tf);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const bin = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  }));
  const { shape, data } = JSON.parse(readFileSync(join(dir, 'x.json'), 'utf8'));
  const y = model.predict(tf.tensor(data, shape));
  console.log(JSON.stringify({ y: Array.from(await y.data()) }));
} catch (err) {
  console.log(JSON.stringify({ error: err.message }));
}
