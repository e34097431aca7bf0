import type { ProjectJson, RunJson, StoredTelemetry, TfjsModelJson } from '../../shared/format';

/** A run's trained weights in the TF.js layers format: model.json (with one manifest group) + weights.bin bytes. */
export interface StoredWeights {
  /** Its weightsManifest has exactly one group whose paths are ['weights.bin']. */
  modelJson: TfjsModelJson;
  weightData: Uint8Array;
}

/** Where a run's weights are: in memory (new, not saved yet) or in a saved project file, read on demand. */
export type WeightsSource = { kind: 'memory'; weights: StoredWeights } | { kind: 'file'; path: string; runId: string };

/**
 * Where a run's stored telemetry is: in memory (a live run's latest), in a saved project file (read on demand), or
 * encoded as the zip stores it (telemetry.json.gz bytes, as read from a run's live file beside the project).
 */
export type TelemetrySource = { kind: 'memory'; telemetry: StoredTelemetry } | { kind: 'file'; path: string; runId: string } | { kind: 'encoded'; bytes: Uint8Array };

export interface ProjectRun {
  meta: RunJson;
  weights: WeightsSource | null;
  /** The best epoch's weights when they differ from the final ones (meta.bestWeights says which epoch). */
  bestWeights?: WeightsSource | null;
  /** Absent or null: the run has no stored telemetry (older files, imported runs). */
  telemetry?: TelemetrySource | null;
}

/** An open project: what project.json says, plus its runs with lazily read weights. */
export interface ProjectDocument {
  /** The file it was opened from or last saved to; null for a new, never saved project. */
  path: string | null;
  project: ProjectJson;
  runs: ProjectRun[];
  /**
   * Runs removed from this document since it was read: a save over its file drops them there, while it keeps the
   * runs other writers stored meanwhile (projects/writer.ts).
   */
  removedRuns?: string[];
  /** Set when the file was in an older format and was migrated on open (saving writes the current format). */
  migratedFrom?: number;
}
