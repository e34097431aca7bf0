/**
 * A run's telemetry as a project stores it (runs/<id>/telemetry.json.gz): the run's event stream, compacted
 * (shared/run-state.ts runStateEvents: per-batch points thinned, one entry per epoch of each kind), plus what the
 * events do not say (backend, telemetry time). Replaying the events through applyRunEvent rebuilds the dashboard.
 */
import { z } from 'zod';
import { RunEventSchema } from '../run-events';

export const TELEMETRY_FORMAT_VERSION = 1;

export const storedTelemetrySchema = z.object({
  version: z.literal(TELEMETRY_FORMAT_VERSION),
  /** The engine backend the run trained on (e.g. 'wasm'), when known. */
  backend: z.string().max(64).optional(),
  /** Seconds the run spent computing telemetry (its cost over plain training). */
  telemetrySeconds: z.number().nonnegative().optional(),
  /**
   * Batch events per kept batch point when the points were thinned (absent: every one kept), so that a resumed run
   * thins its new points as the stored ones were and the curve stays evenly spread.
   */
  batchStride: z.number().int().positive().optional(),
  events: z.array(RunEventSchema),
});

export type StoredTelemetry = z.infer<typeof storedTelemetrySchema>;
