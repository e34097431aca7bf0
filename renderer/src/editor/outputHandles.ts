/**
 * A layer with several outputs (an LSTM with return_state: out, h, c) has one source handle per output. The first
 * keeps Svelte Flow's default (no id), so edges and tests of single-output layers are unchanged; output i > 0 is
 * the handle `out-i`, and an edge from it carries `sourceIndex: i` (Keras' tensor index).
 */
export function outputHandleId(index: number): string | undefined {
  return index === 0 ? undefined : `out-${index}`;
}

export function outputIndexOf(handle: string | null | undefined): number {
  const match = /^out-(\d+)$/.exec(handle ?? '');
  return match ? Number(match[1]) : 0;
}
