/**
 * The "Your data..." form's text options (a CSV with a text column, or class folders of .txt files): empty fields
 * mean the backend's defaults (the longest string column, 10000 tokens, 200 ids per sample, ids not multi-hot).
 */
import type { InspectParams } from '../../../shared/api-own-data';

export interface OwnTextFields {
  textColumn: string;
  maxTokens: number | null;
  sequenceLength: number | null;
  multiHot: boolean;
}

export const NO_OWN_TEXT: OwnTextFields = { textColumn: '', maxTokens: null, sequenceLength: null, multiHot: false };

/** The inspect parameters the filled-in text fields ask for (a number input left empty binds null). */
export function ownTextParams(o: OwnTextFields): Pick<InspectParams, 'text_column' | 'max_tokens' | 'sequence_length' | 'multi_hot'> {
  const n = (v: number | null) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const maxTokens = n(o.maxTokens);
  const length = n(o.sequenceLength);
  return {
    ...(o.textColumn.trim() ? { text_column: o.textColumn.trim() } : {}),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(length !== undefined ? { sequence_length: length } : {}),
    ...(o.multiHot ? { multi_hot: true } : {}),
  };
}
