// The training panel's defaults are the config schema's, written once (shared/training.ts): every field starts at
// the schema's default except where the panel's stated overrides (PANEL_DEFAULTS, SCHEDULE_DEFAULTS) say otherwise,
// each override differs from the schema's default (one that repeats it is a default written twice), and every
// control shows the value of the field it edits. The fields are walked from the schema, so a new one is covered.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { editorContext } from '../../renderer/src/lib/editor/context';
import { EditorStore } from '../../renderer/src/lib/editor/editor.svelte';
import { autoValidationLimit, defaultDraft, PANEL_DEFAULTS, runConfig, SCHEDULE_DEFAULTS, SCHEDULE_KINDS } from '../../renderer/src/training/form';
import TrainingPanel from '../../renderer/src/training/TrainingPanel.svelte';
import { TrainingStore } from '../../renderer/src/training/training.svelte';
import { EarlyStoppingSchema, LrScheduleSchema, TrainingConfigObject, TrainingConfigSchema } from '../../shared/training';
import { chain, MNIST_CNN } from './fixtures';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every leaf of a config-shaped value as [dotted path, value]; arrays are leaves. */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (!isRecord(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, key) => (isRecord(cur) ? cur[key] : undefined), value);
}

/** A copy of `value` without the leaf at `path`. */
function without(value: Record<string, unknown>, path: string): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const { [head!]: inner, ...others } = value;
  return rest.length && isRecord(inner) ? { ...others, [head!]: without(inner, rest.join('.')) } : others;
}

/** What a control shows, in the config's terms. */
function shown(el: HTMLElement): unknown {
  if (el instanceof HTMLInputElement && el.type === 'checkbox') return el.checked;
  const text = (el as HTMLInputElement | HTMLSelectElement).value;
  return text === '' ? null : text;
}

/** The schema's value as its control shows it (inputs show text; an empty one is null). */
const asShown = (v: unknown) => (typeof v === 'boolean' || v === null ? v : String(v));

function mount(): TrainingStore {
  const training = new TrainingStore();
  render(TrainingPanel, { props: { training }, context: editorContext(new EditorStore(chain(MNIST_CNN))) });
  return training;
}

/** Checks every control whose field starts with `prefix` against `expected`; returns the fields checked. */
function expectControls(prefix: string, expected: unknown): string[] {
  const controls = [...document.querySelectorAll<HTMLElement>('[data-field]')].filter((el) => el.dataset.field!.startsWith(prefix));
  for (const el of controls) {
    const field = el.dataset.field!;
    expect(shown(el), field).toEqual(asShown(at(expected, field)));
  }
  return controls.map((el) => el.dataset.field!);
}

describe('the training panel takes its defaults from the schema', () => {
  const schema = TrainingConfigSchema.parse({});
  const panel = TrainingConfigSchema.parse(PANEL_DEFAULTS);

  it('every field the panel does not override starts at the schema default', () => {
    const overridden = new Set(Object.keys(PANEL_DEFAULTS));
    const initial = runConfig(defaultDraft());
    for (const key of Object.keys(TrainingConfigObject.shape)) {
      if (overridden.has(key)) expect(at(initial, key), key).toEqual(at(panel, key));
      // limit_test is "auto" in the panel: a slice of the overridden training subset.
      else if (key === 'limit_test') expect(initial.limit_test).toBe(autoValidationLimit(PANEL_DEFAULTS.limit_train));
      else expect(at(initial, key), key).toEqual(at(schema, key));
    }
  });

  it('each override differs from the schema default it replaces (none repeats one)', () => {
    const paths = leaves(PANEL_DEFAULTS).map(([path]) => path);
    expect(paths.length).toBeGreaterThan(3);
    for (const path of paths) {
      const dropped = TrainingConfigSchema.safeParse(without(PANEL_DEFAULTS, path));
      // Without its tag (optimizer.name) an override does not parse at all: it is needed.
      if (dropped.success) expect(at(dropped.data, path), path).not.toEqual(at(panel, path));
    }
    for (const kind of SCHEDULE_KINDS) {
      for (const [field, value] of Object.entries(SCHEDULE_DEFAULTS[kind] ?? {})) {
        expect(at(LrScheduleSchema.parse({ kind }), field), `${kind}.${field}`).not.toEqual(value);
      }
    }
  });

  it('every control shows its field: the schema default, or the override', async () => {
    mount();
    const checked = expectControls('', panel);
    // The top-level controls: dataset, subsets, augmentation, optimizer, loss, batch size, epochs, schedule kind.
    expect(checked).toEqual(expect.arrayContaining(['dataset.name', 'limit_train', 'limit_test', 'optimizer.learning_rate', 'optimizer.momentum', 'loss', 'batch_size', 'epochs', 'lr_schedule.kind']));
    const augmentation = leaves(schema.augmentation).map(([path]) => `augmentation.${path}`);
    expect(checked.filter((f) => f.startsWith('augmentation.')).length).toBeGreaterThanOrEqual(augmentation.length - 1);

    const select = screen.getByTestId('train-schedule') as HTMLSelectElement;
    for (const kind of SCHEDULE_KINDS) {
      select.value = kind;
      await fireEvent.change(select);
      flushSync();
      const fields = expectControls('lr_schedule.', { lr_schedule: LrScheduleSchema.parse({ kind, ...SCHEDULE_DEFAULTS[kind] }) });
      // Each kind's parameters all have a control (besides a few Keras options the panel leaves at their default).
      const params = Object.keys(LrScheduleSchema.parse({ kind })).filter((k) => !['kind', 'staircase', 'cooldown', 'mode'].includes(k));
      expect(fields, kind).toEqual(expect.arrayContaining(params.map((p) => `lr_schedule.${p}`)));
    }

    await fireEvent.click(screen.getByTestId('train-early-stopping'));
    flushSync();
    const stopping = expectControls('early_stopping.', { early_stopping: EarlyStoppingSchema.parse({}) });
    expect(stopping.sort()).toEqual(Object.keys(EarlyStoppingSchema.shape).map((k) => `early_stopping.${k}`).sort());
  });
});
