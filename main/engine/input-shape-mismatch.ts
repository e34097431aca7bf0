/**
 * What to say when the data's samples do not fit the model's input. A 1-D sample (a text's ids, a CSV's columns)
 * fits only a 1-D input of its size, so "[300] or [300] with a Flatten/Reshape" helped nobody; text can instead be
 * loaded to fit the model, which is usually what a user running a template wants.
 */
export function inputShapeMismatch(sampleShape: readonly number[], inputShape: readonly number[], isText: boolean): string {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const want = inputShape.reduce((a, b) => a * b, 1);
  const head = `the dataset's samples are [${sampleShape.join(', ')}] = ${size} values but the model takes [${inputShape.join(', ')}] = ${want}: `;
  if (sampleShape.length !== 1) return `${head}change the InputLayer shape (e.g. [${sampleShape.join(', ')}] or [${size}] with a Flatten/Reshape)`;
  const text = isText && inputShape.length === 1 ? `, or load the text to fit the model with --sequence-length ${want}` : '';
  return `${head}change the InputLayer shape to [${size}]${text}`;
}
