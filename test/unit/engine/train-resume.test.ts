/** Which flags may go with `layerlab train P.layerlab --resume #N` (main/commands/train-resume.ts). */
import { describe, expect, it } from 'vitest';
import type { RunJson } from '../../../shared/format';
import { parseTrainArgs } from '../../../main/commands/train';
import { resumeConflicts } from '../../../main/commands/train-resume';
import { findStoredRun } from '../../../main/projects/run-numbers';
import type { ProjectDocument } from '../../../main/projects/types';

const stored = { dataset: { name: 'mnist' }, epochs: 10, batch_size: 32, seed: 3, limit_train: 500, optimizer: { name: 'sgd', learning_rate: 0.01, momentum: 0.9 } };
const ref = { meta: { id: 'run-a' } as RunJson, number: 2 };
const conflicts = (...flags: string[]) => resumeConflicts(parseTrainArgs(['p.layerlab', '--resume', '#2', ...flags]), ref, stored, 4);

describe('resumeConflicts', () => {
  it('no flags, or flags equal to the stored config or about where it runs: none', () => {
    expect(conflicts()).toEqual([]);
    expect(conflicts('--optimizer', 'sgd', '--batch-size', '32', '--seed', '3', '--learning-rate', '0.01', '--backend', 'cpu', '--data-dir', '/m', '--json')).toEqual([]);
  });
  it.each([
    [['--optimizer', 'adam'], "--optimizer adam contradicts run #2's stored optimizer (sgd)"],
    [['--learning-rate', '0.1'], "--learning-rate 0.1 contradicts run #2's stored learning-rate (0.01)"],
    [['--momentum', '0.5'], "--momentum 0.5 contradicts run #2's stored momentum (0.9)"],
    [['--batch-size', '64'], "--batch-size 64 contradicts run #2's stored batch-size (32)"],
    [['--dataset', 'fashion-mnist'], "--dataset fashion-mnist contradicts run #2's stored dataset (mnist)"],
    [['--seed', '4'], "--seed 4 contradicts run #2's stored seed (3)"],
    [['--limit-train', '100'], "--limit-train 100 contradicts run #2's stored limit-train (500)"],
    [['--limit-test', '100'], "--limit-test 100 contradicts run #2's stored limit-test (none)"],
    [['--config', 'c.json'], '--config c.json: run #2 continues with its own stored config: drop --config'],
    [['--label-column', 'y'], '--label-column: run #2 reads its data as it did'],
    [['--num-words', '500', '--shuffle-seed', '7'], '--num-words, --shuffle-seed: run #2 reads its data as it did'],
  ])('%j is refused, naming the stored value and the fix', (flags, message) => {
    const out = conflicts(...flags);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(message);
    expect(out[0]).toMatch(/drop --|train a new run without --resume/);
  });
  it('--epochs must be above the epochs trained: more extends, fewer than planned ends earlier', () => {
    expect(conflicts('--epochs', '20')).toEqual([]);
    expect(conflicts('--epochs', '5')).toEqual([]);
    expect(conflicts('--epochs', '4')).toEqual(['--epochs 4 is not above the 4 epochs run #2 has trained: pass --epochs 5 or more to continue it, or train a new run without --resume']);
    expect(resumeConflicts(parseTrainArgs(['p.layerlab', '--resume', '#2']), ref, stored, 10)).toEqual(['run #2 has trained all its 10 epochs: pass --epochs N with N above 10 to train it further']);
  });
});

it('findStoredRun takes #N, N or an id', () => {
  const doc = { runs: [{ meta: { id: 'run-x', number: 1 } }, { meta: { id: 'run-y', number: 3 } }] } as unknown as ProjectDocument;
  expect(findStoredRun(doc, '#3')?.meta.id).toBe('run-y');
  expect(findStoredRun(doc, '1')?.meta.id).toBe('run-x');
  expect(findStoredRun(doc, 'run-y')?.number).toBe(3);
  expect(findStoredRun(doc, '#2')).toBeUndefined();
  expect(findStoredRun(doc, '/some/checkpoint')).toBeUndefined();
});
