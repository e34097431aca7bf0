/**
 * The window's document <-> project.json (shared/format, current version). Pure: the ProjectStore does the I/O.
 * Fields the window does not edit (created, notes, sweeps...) are carried over from the document that was opened,
 * so that a save from the window never drops what another tool wrote.
 */
import { CURRENT_FORMAT_VERSION, migrateProject, type ProjectJson, type Viewport } from '../../../../shared/format';
import type { Graph } from '../../../../shared/graph/types';
import { OWN_DATASET, runConfig, type TrainingDraft } from '../../training/form';
import { draftFromConfig } from '../../training/read-draft';

export interface WindowDocument {
  name: string;
  graph: Graph;
  viewport: Viewport;
  form: TrainingDraft;
}

/** What the renderer writes as appVersion when it creates a file itself (the backend's own files carry theirs). */
const RENDERER_APP_VERSION = '0.1.0';

export function toProjectJson(doc: WindowDocument, base: ProjectJson | null, now: Date = new Date()): ProjectJson {
  const stamp = now.toISOString();
  return {
    ...(base ?? {}),
    formatVersion: CURRENT_FORMAT_VERSION,
    appVersion: base?.appVersion ?? RENDERER_APP_VERSION,
    name: doc.name,
    created: base?.created ?? stamp,
    modified: stamp,
    graph: doc.graph,
    viewport: doc.viewport,
    training: runConfig(doc.form),
    dataset:
      doc.form.config.dataset.name === OWN_DATASET && doc.form.ownData
        ? { kind: 'file', path: doc.form.ownData.source.path, format: doc.form.ownData.source.kind }
        : { kind: 'builtin', id: doc.form.config.dataset.name },
    notes: base?.notes ?? '',
  };
}

/** Reads project.json as the API returned it (any supported format version); throws with the file's problem. */
export function fromProjectJson(raw: unknown, fallback: TrainingDraft): { doc: WindowDocument; project: ProjectJson } {
  const { project } = migrateProject(raw);
  return {
    project,
    doc: {
      name: project.name,
      graph: project.graph as Graph,
      viewport: project.viewport,
      form: draftFromConfig(project.training, project.dataset, fallback),
    },
  };
}
