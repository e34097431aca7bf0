/**
 * Limits and building blocks of the API contract (shared/api.ts), shared by the method and event schemas.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------------
// Limits

export const API_LIMITS = {
  /** A whole JSON message, in characters, checked before parsing. */
  messageChars: 8 * 1024 * 1024,
  id: 128,
  name: 256,
  text: 4096,
  path: 4096,
  graphNodes: 2000,
  graphEdges: 8000,
  configKeys: 64,
  /** Pixels of one prediction input: 256 x 256 x 4. */
  predictValues: 262_144,
  previewCount: 64,
  /** A project document as JSON text, in characters. */
  projectChars: 4 * 1024 * 1024,
  /** Entries of one folder listing (files.list). */
  folderEntries: 2000,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

export const Id = z
  .string()
  .min(1)
  .max(API_LIMITS.id)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'expected an id of letters, digits, "_", ".", ":" or "-"');
/**
 * Node and edge ids of a graph. Looser than Id (never used in file names): templates and importers name edges
 * like 'conv2d->max_pooling2d#0', and projects store them so.
 */
export const GraphId = z
  .string()
  .min(1)
  .max(API_LIMITS.id)
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: ids must have none.
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'expected an id without control characters');
export const Name = z.string().min(1).max(API_LIMITS.name);
export const Path = z
  .string()
  .min(1)
  .max(API_LIMITS.path)
  .refine((p) => !p.includes('\0'), 'a path must not contain NUL characters');
export const Int = z.int();
export const NonNegInt = z.int().min(0);
export const Finite = z.number().finite();

/** A JSON value of bounded nesting, for layer configs (whose fields each layer kind validates itself). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const JsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.string().max(API_LIMITS.text),
    Finite,
    z.boolean(),
    z.null(),
    z.array(JsonValue).max(256),
    z.record(z.string().max(API_LIMITS.name), JsonValue).refine((r) => Object.keys(r).length <= API_LIMITS.configKeys, {
      message: `expected at most ${API_LIMITS.configKeys} keys`,
    }),
  ]),
);

export const GraphNodeSchema = z.strictObject({
  id: GraphId,
  kind: z.string().min(1).max(64),
  name: Name,
  config: z.record(z.string().max(64), JsonValue).refine((r) => Object.keys(r).length <= API_LIMITS.configKeys, {
    message: `expected at most ${API_LIMITS.configKeys} config fields`,
  }),
  position: z.strictObject({ x: Finite, y: Finite }).optional(),
  group: z.strictObject({ id: GraphId, model: z.enum(['Sequential', 'Functional']), trainable: z.boolean() }).optional(),
});

export const GraphEdgeSchema = z.strictObject({
  id: GraphId,
  source: GraphId,
  target: GraphId,
  targetIndex: NonNegInt.max(64).optional(),
  /** Which output of a multi-output layer (return_state: 1 = h, 2 = c). */
  sourceIndex: NonNegInt.max(64).optional(),
});

/** Mirrors shared/graph/types.ts Graph; the compile-time check below keeps the two in step. */
export const GraphSchema = z.strictObject({
  nodes: z.array(GraphNodeSchema).max(API_LIMITS.graphNodes),
  edges: z.array(GraphEdgeSchema).max(API_LIMITS.graphEdges),
});

/** `interrupted`: the process that trained it died mid-run (a stored run); it resumes from its last checkpoint. */
export const RunStatusSchema = z.enum(['queued', 'running', 'paused', 'stopped', 'completed', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

