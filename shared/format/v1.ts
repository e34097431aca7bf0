/**
 * Format version 1 (Layerlab 0.0.x), kept only so that old files can be migrated. Differences from v2: the graph
 * was `model: {layers, connections}` with flat node positions, there was no viewport, no notes, no sweeps, the
 * dataset was a bare catalog id, and runs kept per-epoch metrics flat with `durationMs`.
 */
import { z } from 'zod';

export const v1LayerSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  name: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  x: z.number().optional(),
  y: z.number().optional(),
});

export const v1ConnectionSchema = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  port: z.number().int().nonnegative().optional(),
});

export const v1ModelSchema = z.object({
  layers: z.array(v1LayerSchema),
  connections: z.array(v1ConnectionSchema),
});

/** v1 training settings: tfjs-style camelCase names, a bare optimizer name. */
export const v1TrainingSchema = z.object({
  optimizer: z.string(),
  learningRate: z.number().positive(),
  epochs: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  /** tfjs loss names, e.g. 'categoricalCrossentropy', 'meanSquaredError'. */
  loss: z.string().optional(),
  metrics: z.array(z.string()).optional(),
});

export const v1ProjectSchema = z.object({
  version: z.literal(1),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  model: v1ModelSchema,
  training: v1TrainingSchema,
  dataset: z.string().nullable(),
});

export const v1RunSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['done', 'stopped', 'error']),
  startedAt: z.string(),
  config: v1TrainingSchema,
  model: v1ModelSchema,
  /** [{epoch: 0, loss: 0.3, acc: 0.9, val_loss: ...}] */
  epochs: z.array(z.record(z.string(), z.number().nullable())),
  durationMs: z.number().nonnegative(),
  weights: z.boolean(),
});

/** @public */
export type V1Project = z.infer<typeof v1ProjectSchema>;
/** @public */
export type V1Run = z.infer<typeof v1RunSchema>;
export type V1Model = z.infer<typeof v1ModelSchema>;
export type V1Training = z.infer<typeof v1TrainingSchema>;
