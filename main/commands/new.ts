/** `layerlab new PATH [--template ID | --from MODEL] [--name NAME] [--force]`: creates a project file. */
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { createProject, importModel, projectPathFor, saveProjectAs, templateIds } from '../projects/service';
import type { Command } from './types';

export const newCommand: Command = {
  name: 'new',
  usage: 'new PATH [--template ID | --from MODEL] [--name NAME] [--force]',
  summary: 'create a project file (PATH.layerlab) from a template, or from a Keras JSON / TF.js model.json (--from; its weights become run "imported")',
  async run(argv) {
    let path: string | undefined;
    let templateId: string | undefined;
    let from: string | undefined;
    let name: string | undefined;
    let force = false;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      const [flag, inline] = a.split('=', 2) as [string, string | undefined];
      if (flag === '--template' || flag === '--name' || flag === '--from') {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new Error(`${flag} needs a value${flag === '--template' ? ` (one of ${templateIds().join(', ')})` : flag === '--from' ? ' (a Keras model JSON or a TF.js model.json)' : ''}.`);
        if (flag === '--template') templateId = v;
        else if (flag === '--from') from = v;
        else name = v;
      } else if (a === '--force') force = true;
      else if (a.startsWith('--')) throw new Error(`unknown option ${a}; usage: layerlab ${newCommand.usage}`);
      else if (path === undefined) path = a;
      else throw new Error(`expected one PATH, got '${path}' and '${a}'.`);
    }
    if (!path) throw new Error(`missing PATH; usage: layerlab ${newCommand.usage}. Templates: ${templateIds().join(', ')}.`);
    const file = projectPathFor(path);
    if (!force) {
      const exists = await access(file).then(
        () => true,
        () => false,
      );
      if (exists) throw new Error(`${file} already exists; choose another name or pass --force to replace it (the old one is kept as ${file}.bak).`);
    }
    if (from && templateId) throw new Error('--template and --from exclude each other: a project starts from one of them.');
    const doc = from ? await importModel(from, { name: name ?? basename(file, '.layerlab') }) : createProject({ name: name ?? basename(file, '.layerlab'), templateId });
    await saveProjectAs(doc, file);
    const layers = doc.project.graph.nodes.length;
    const source = from ? `from ${from}${doc.runs.length > 0 ? `, its weights in run '${doc.runs[0]!.meta.id}'` : ', no weights'}` : `template ${templateId ?? 'blank'}`;
    process.stdout.write(`Created ${file} (${source}, ${layers} layer${layers === 1 ? '' : 's'}).\n`);
    return 0;
  },
};
