import type { Graph } from '../../../../shared/graph/types';

/**
 * "Build the first MLP": the workshop's first model, step by step, each step ticked from the graph itself (not
 * from clicks), so it stays right whatever order the learner works in and after undo.
 */
export interface WalkStep {
  id: string;
  text: string;
  done: boolean;
}

export function mlpSteps(graph: Graph): WalkStep[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const fed = (kind: string, test: (c: Record<string, unknown>) => boolean = () => true) =>
    graph.edges.some((e) => {
      const t = byId.get(e.target);
      return t?.kind === kind && test(t.config);
    });
  const input = graph.nodes.find((n) => n.kind === 'InputLayer');
  const shape = Array.isArray(input?.config['batch_input_shape']) ? (input.config['batch_input_shape'] as unknown[]).slice(1).join(',') : '';
  return [
    { id: 'input', text: 'Drag an Input from the palette (its shape 28, 28, 1 fits MNIST)', done: shape === '28,28,1' },
    { id: 'flatten', text: 'Add a Flatten and drag from the Input\'s bottom port onto it', done: fed('Flatten') },
    {
      id: 'hidden',
      text: 'Add a Dense below it: units 128, activation relu',
      done: fed('Dense', (c) => c['units'] === 128 && c['activation'] === 'relu'),
    },
    {
      id: 'output',
      text: 'End with a Dense: units 10 (one per digit), activation softmax',
      done: fed('Dense', (c) => c['units'] === 10 && c['activation'] === 'softmax'),
    },
    { id: 'train', text: 'Press Train (Ctrl+Enter) and watch the curves', done: false },
  ];
}
