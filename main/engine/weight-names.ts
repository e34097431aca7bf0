/**
 * The one place where a model's weights are matched to named weights (a stored run's, a model.json's, a
 * checkpoint's): fine-tuning (--init-from, the window's Fine-tune), the exports' rebuild of a model from stored
 * weights, and anything else that pairs weights by name.
 *
 * tfjs names a Bidirectional layer's inner layers with a counter that runs over the whole process
 * ('bi/forward_lstm_LSTM2/kernel'; the graph gives the wrapped layer no name of its own), so the same graph built
 * in another process, or again later in the same one, names them apart ('bi/forward_lstm_LSTM7/kernel'), and Keras
 * names them without any counter ('bi/forward_lstm/kernel'). A Bidirectional layer holds exactly one forward and
 * one backward layer, so the inner layer's name says nothing the wrapper's name and the side do not: it is matched
 * as 'bi/forward/kernel'. Stored names are never rewritten, so every project ever saved still matches.
 */

/** The name weights are matched by: a Bidirectional's inner layer name is left out ('bi/forward_lstm_LSTM2/k' -> 'bi/forward/k'). */
export function canonicalWeightName(name: string): string {
  // Only a scope nested in a layer ('<layer>/forward_...'): a top-level layer the user called 'forward_x' keeps its name.
  return name.replace(/\/(forward|backward)_[^/]+\//, '/$1/');
}

interface Named {
  name: string;
}

export interface WeightMatch<M, G> {
  /** Each of the model's weights with the given weight of the same canonical name (undefined when none). */
  pairs: { weight: M; given: G | undefined }[];
  /** The given weights no weight of the model took. */
  unused: G[];
}

/**
 * Pairs the model's weights (in its order) with the given ones: by exact name first (so two given weights that
 * differ only in a counter still go where they were), else by canonical name.
 */
export function matchWeights<M extends Named, G extends Named>(model: readonly M[], given: readonly G[]): WeightMatch<M, G> {
  const byName = new Map(given.map((g) => [g.name, g]));
  const byCanonical = new Map<string, G>();
  for (const g of given) if (!byCanonical.has(canonicalWeightName(g.name))) byCanonical.set(canonicalWeightName(g.name), g);
  const taken = new Set<G>();
  const pairs = model.map((weight) => {
    let found = byName.get(weight.name);
    if (!found || taken.has(found)) found = byCanonical.get(canonicalWeightName(weight.name));
    if (found && taken.has(found)) found = undefined;
    if (found) taken.add(found);
    return { weight, given: found };
  });
  return { pairs, unused: given.filter((g) => !taken.has(g)) };
}
