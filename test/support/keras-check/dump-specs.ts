/**
 * Manual check that Keras 3 reads our compiled JSON with the same shapes and parameter counts (no Python Keras in
 * CI). Run: node --import tsx test/support/keras-check/dump-specs.ts /tmp/specs.json, then in a Python with keras
 * (+ jax or torch): KERAS_BACKEND=jax python test/support/keras-check/check_keras.py /tmp/specs.json
 * Last run (keras 3.15.1): every layer case, template and random graph agreed.
 */

import { writeFileSync } from 'node:fs';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { compileGraph } from '../../../shared/graph/compile';
import type { Graph } from '../../../shared/graph/types';
import { templates } from '../../../shared/templates/registry';
import { GraphBuilder } from '../../../shared/templates/builder';
import { layerCases } from '../layer-cases';
import { randomGraph } from '../random-graph';
const out: unknown[] = [];
const add = (title: string, g: Graph) => {
  const a = analyzeGraph(g);
  const expected: Record<string, unknown> = {};
  for (const n of g.nodes) expected[n.name] = { shape: a.nodes[n.id]!.outputShape, params: a.nodes[n.id]!.params };
  out.push({ title, spec: compileGraph(g), expected, total: a.totals });
};
for (const c of layerCases) {
  const b = new GraphBuilder();
  if (c.kind === 'InputLayer') b.layer('InputLayer', c.config);
  else b.layer(c.kind, c.config, c.inputs.map((s) => b.layer('InputLayer', { batch_input_shape: s })));
  add(`${c.kind} ${JSON.stringify(c.config)}`, b.build());
}
for (const t of templates) add(t.id, t.graph);
for (let s = 1; s <= 30; s++) add(`random ${s}`, randomGraph(s, { dag: s % 3 !== 0, layers: s % 3 === 0 ? 7 : 12 }));
writeFileSync(process.argv[2] ?? 'specs.json', JSON.stringify(out));
