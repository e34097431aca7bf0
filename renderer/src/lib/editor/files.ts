import type { Graph } from '../../../../shared/graph/types';

/**
 * Browser-side save/open of a bare graph as JSON, for when no host (Electron or `serve`) offers projects.
 * The projects API replaces this where a host is connected.
 */
const FORMAT = 'layerlab-graph@1';

export function saveGraphFile(name: string, graph: Graph): void {
  const blob = new Blob([JSON.stringify({ format: FORMAT, name, graph }, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${name.replace(/[^\w.-]+/g, '_') || 'model'}.layerlab.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function parseGraphFile(text: string): { name: string; graph: Graph } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`This file is not JSON (${(e as Error).message}). Open a .layerlab.json file saved by Layerlab.`);
  }
  const d = data as { format?: unknown; name?: unknown; graph?: Graph };
  if (d.format !== FORMAT || !d.graph || !Array.isArray(d.graph.nodes) || !Array.isArray(d.graph.edges)) {
    throw new Error(`This file is not a Layerlab graph (expected "format": "${FORMAT}" with graph.nodes and graph.edges).`);
  }
  return { name: typeof d.name === 'string' ? d.name : 'Untitled model', graph: d.graph };
}

export function openGraphFile(): Promise<{ name: string; graph: Graph } | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.json,application/json';
    input.onchange = async () => {
      const file = input.files?.[0];
      if (!file) return resolve(null);
      try {
        resolve(parseGraphFile(await file.text()));
      } catch (e) {
        reject(e);
      }
    };
    input.click();
  });
}
