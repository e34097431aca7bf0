/** The refusal when the data's samples do not fit the model's input (main/engine/input-shape-mismatch.ts). */
import { expect, it } from 'vitest';
import { inputShapeMismatch } from '../../../main/engine/input-shape-mismatch';

it('text ids that do not fit a template: the InputLayer or --sequence-length, not "[300] or [300]"', () => {
  const message = inputShapeMismatch([300], [200], true);
  expect(message).toBe(
    "the dataset's samples are [300] = 300 values but the model takes [200] = 200: change the InputLayer shape to [300], or load the text to fit the model with --sequence-length 200",
  );
});

it('a table of 13 columns: the InputLayer only (no text flag to suggest)', () => {
  expect(inputShapeMismatch([13], [784], false)).toMatch(/change the InputLayer shape to \[13\]$/);
});

it('images keep the Flatten/Reshape hint', () => {
  expect(inputShapeMismatch([28, 28, 1], [13], false)).toMatch(/change the InputLayer shape \(e\.g\. \[28, 28, 1\] or \[784\] with a Flatten\/Reshape\)$/);
});
