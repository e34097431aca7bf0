/**
 * The TF.js export of a run on text: vocabulary.json (text-vocabulary.ts), text-encoder.js (a sentence to the model's
 * input by that file's rules, plain JavaScript for a web page or Node) and predict.js (a Node example that loads the
 * model with stock @tensorflow/tfjs and classifies the sentences on its command line), and the README's words on
 * them.
 */
import { VOCABULARY_FILE, type VocabularyFile } from './text-vocabulary';

export const TEXT_ENCODER_FILE = 'text-encoder.js';
export const PREDICT_FILE = 'predict.js';

export const TEXT_ENCODER_JS = `// A sentence as the model's input, by the rules of vocabulary.json (written by Layerlab with this model).
// Plain JavaScript (ES module): works in a web page and in Node.

const indexes = new WeakMap();

/** word -> id, built once per vocabulary. */
function wordIds(vocabulary) {
  let index = indexes.get(vocabulary);
  if (!index) {
    index = new Map();
    // Every id with a word (own text's '' and '[UNK]' never match a token: tokens are not empty, brackets are stripped).
    vocabulary.words.forEach((word, id) => {
      if (word !== null) index.set(word, id);
    });
    indexes.set(vocabulary, index);
  }
  return index;
}

/** The sentence's words: lower case, characters of \`strip\` replaced, split, empty ones dropped. */
export function tokenize(sentence, vocabulary) {
  const s = vocabulary.standardize;
  const text = s.lowercase ? sentence.toLowerCase() : sentence;
  return text.replace(new RegExp(s.strip, 'g'), s.strip_with).split(new RegExp(s.split)).filter((w) => w.length > 0);
}

/**
 * { ids, input }: the word ids (with the start id, unknown words as the OOV id), and the model's input row: the ids
 * padded with 0 and cut to sequence_length at the ends the file names, or the multi-hot row of \`width\` 0/1 values.
 */
export function textToInput(sentence, vocabulary) {
  const index = wordIds(vocabulary);
  const ids = vocabulary.start_id === null ? [] : [vocabulary.start_id];
  for (const word of tokenize(sentence, vocabulary)) {
    const id = index.get(word);
    if (id !== undefined) ids.push(id);
    else if (vocabulary.oov_id !== null) ids.push(vocabulary.oov_id);
  }
  if (vocabulary.output_mode === 'multi_hot') {
    const input = new Array(vocabulary.width).fill(0);
    for (const id of ids) if (id < vocabulary.width) input[id] = 1;
    return { ids, input };
  }
  const length = vocabulary.sequence_length;
  const kept = ids.length <= length ? ids : vocabulary.truncating === 'pre' ? ids.slice(ids.length - length) : ids.slice(0, length);
  const zeros = new Array(length - kept.length).fill(vocabulary.padding_id);
  return { ids, input: vocabulary.padding === 'pre' ? [...zeros, ...kept] : [...kept, ...zeros] };
}
`;

/** predict.js; `shim`: the export has layerlab-layers.js, which stock tfjs needs for some of its layers. */
export function predictJs(shim: boolean): string {
  return `// Classifies sentences with this model, as Layerlab's text view does:
//   npm install @tensorflow/tfjs      (or @tensorflow/tfjs-node, faster)
//   node predict.js "a sentence" ["another sentence" ...]
// Prints one JSON line per sentence: its word ids, the model's outputs and the most likely class.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { textToInput } from './text-encoder.js';
${shim ? "import { registerLayerlabLayers } from './layerlab-layers.js';\n\nregisterLayerlabLayers(tf);\n" : ''}
const here = new URL('.', import.meta.url);
const read = (file) => readFileSync(new URL(file, here));
const vocabulary = JSON.parse(read('${VOCABULARY_FILE}'));
const json = JSON.parse(read('model.json'));
const shards = json.weightsManifest.flatMap((group) => group.paths.map((p) => read(p)));
const weights = Buffer.concat(shards);
const model = await tf.loadLayersModel(tf.io.fromMemory({
  modelTopology: json.modelTopology,
  weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
  weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
}));

for (const sentence of process.argv.slice(2)) {
  const { ids, input } = textToInput(sentence, vocabulary);
  const output = model.predict(tf.tensor2d([input]));
  const probabilities = Array.from(await output.data());
  output.dispose();
  const names = vocabulary.class_names ?? [];
  // One sigmoid unit: the probability of class 1; otherwise one probability per class.
  const best = probabilities.length === 1 ? Number(probabilities[0] > 0.5) : probabilities.indexOf(Math.max(...probabilities));
  console.log(JSON.stringify({ sentence, ids, probabilities, predicted: names[best] ?? best }));
}
`;
}

export function textReadmeSection(v: VocabularyFile): string {
  const form = v.output_mode === 'multi_hot' ? `a multi-hot row of ${v.width} values (1 for each word id present)` : `${v.sequence_length} word ids (padded with 0 ${v.padding === 'pre' ? 'before' : 'after'} the words, cut ${v.truncating === 'pre' ? 'at the start' : 'at the end'})`;
  const origin = v.source === 'own-text' ? `the run's own vocabulary (${v.words.length} entries: 0 padding, 1 unknown words)` : `Keras' ${v.dataset} word index as load_data coded it (num_words=${v.num_words}, start_char=${v.start_id}, oov_char=${v.oov_id}, index_from=${v.index_from})`;
  return `
## Text in, classes out
The model was trained on text. \`${VOCABULARY_FILE}\` holds ${origin}, the tokenizer's rules and the input form: ${form}.
\`${TEXT_ENCODER_FILE}\` applies them, so a sentence becomes exactly the input Layerlab gave the model:
\`\`\`js
import { textToInput } from './${TEXT_ENCODER_FILE}';
const vocabulary = await (await fetch('${VOCABULARY_FILE}')).json();
const { input } = textToInput('a sentence to classify', vocabulary);
const probabilities = model.predict(tf.tensor2d([input]));
\`\`\`
In Node: \`npm install @tensorflow/tfjs\`, then \`node ${PREDICT_FILE} "a sentence" "another one"\`.
`;
}
