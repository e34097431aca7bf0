/**
 * emscripten's `Aborted(). Build with -sASSERTIONS` means the wasm heap could not grow (its ceiling is 4 GiB):
 * say so, and what to change, instead of passing the build hint on.
 */
export function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!/^Aborted\(/.test(message) && !/Cannot enlarge memory|Out of memory/i.test(message)) return message;
  return (
    'the wasm backend ran out of memory (wasm memory ends at 4 GiB for weights, optimizer state and activations): ' +
    'make the largest layers smaller or lower the batch size, or train with a native backend (tfjs-node)'
  );
}
