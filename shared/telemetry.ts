/**
 * Telemetry payloads pushed while a model trains, under the names the engine uses. The schemas and the types are
 * declared once, in shared/run-events.ts; this module re-exports the types and holds the base64 helpers.
 */
import type {
  ActivationMaps,
  BatchProgress,
  ConfusionReport,
  EpochMetrics,
  FilterTiles,
  HealthWarning,
  RegressionReport,
  TrainingNotice,
  WeightHistogram,
} from './run-events';

export type {
  ActivationMaps,
  BatchProgress,
  ConfidentlyWrong,
  ConfusionReport,
  EpochMetrics,
  FilterTiles,
  HealthWarning,
  LayerActivation,
  RegressionReport,
  TrainingNotice,
  WeightHistogram,
} from './run-events';

/**
 * What the engine's training callbacks report one by one; the worker groups each epoch's histograms and filters
 * into one event of the run's stream (shared/run-events.ts RunEvent).
 */
export type TelemetryEvent =
  | BatchProgress
  | EpochMetrics
  | WeightHistogram
  | FilterTiles
  | ActivationMaps
  | ConfusionReport
  | RegressionReport
  | HealthWarning
  | TrainingNotice;


/** Bytes to base64 without Node's Buffer, so the renderer can decode with the same helpers. */
export function bytesToBase64(bytes: Uint8Array): string {
  const g = globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: 'base64'): string } } };
  if (g.Buffer) return g.Buffer.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array {
  const g = globalThis as { Buffer?: { from(s: string, enc: 'base64'): Uint8Array } };
  if (g.Buffer) return new Uint8Array(g.Buffer.from(b64, 'base64'));
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
