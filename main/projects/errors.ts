import type { FormatIssue } from '../../shared/format/errors';

export type ProjectFileErrorCode =
  /** The path does not exist or cannot be read. */
  | 'unreadable'
  /** Not a zip archive at all (no end-of-central-directory record). */
  | 'not-a-zip'
  /** A zip, but damaged: truncated, bad offsets, checksum mismatch, undecodable data. */
  | 'corrupt'
  /** An entry name that could escape a folder when extracted (absolute, `..`, backslash, drive letter). */
  | 'unsafe-entry'
  /** Declared sizes beyond the limits (zip bomb) or a zip feature this reader refuses (zip64, encryption). */
  | 'unsupported'
  /** A zip without project.json: some other kind of file. */
  | 'not-a-project'
  /** project.json or a run.json fails its schema. */
  | 'invalid'
  /** Written by a newer Layerlab. */
  | 'future-version';

/** Opening or saving a project file failed; the message names the file, what is wrong and what to do. */
export class ProjectFileError extends Error {
  override name = 'ProjectFileError';
  /** For 'invalid': every schema problem with its JSON path. */
  readonly issues: FormatIssue[];
  constructor(
    readonly code: ProjectFileErrorCode,
    readonly file: string,
    message: string,
    options?: { cause?: unknown; issues?: FormatIssue[] },
  ) {
    super(`${file}: ${message}`, options);
    this.issues = options?.issues ?? [];
  }
}
