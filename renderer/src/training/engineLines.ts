import type { EngineInfo } from '../../../shared/api';

/**
 * The engine panel as one line per backend ("✓ wasm (SIMD, 2 threads): in use", "✗ tfjs-node-gpu: not installed"),
 * the full reasons and GPU notes on demand. It used to print each reason in full, with the backend's name
 * repeated ("tfjs-node-gpu: tfjs-node-gpu: not installed (optional dependency; ...)"). Lists whatever backends
 * the API reports, so a new one (webgpu) needs no change here.
 */
export interface EngineLine {
  backend: string;
  used: boolean;
  /** A few words: "in use", "not installed", "libcudart.so.11.0 not found". */
  short: string;
  /** The whole reason, for the details. */
  detail: string;
}

export function shortReason(backend: string, reason: string): string {
  let r = reason.trim();
  while (r.toLowerCase().startsWith(`${backend.toLowerCase()}:`)) r = r.slice(backend.length + 1).trim();
  const cut = r.search(/ \(|; |: |\. /);
  const head = (cut > 0 ? r.slice(0, cut) : r).replace(/\.$/, '');
  return head.length > 60 ? `${head.slice(0, 57)}…` : head;
}

export function engineLines(engine: EngineInfo): EngineLine[] {
  const used: EngineLine = { backend: engine.backend, used: true, short: 'in use', detail: '' };
  const skipped = engine.skipped.map((s) => ({ backend: s.backend, used: false, short: shortReason(s.backend, s.reason), detail: s.reason }));
  return [...skipped, used];
}
