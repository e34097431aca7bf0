/**
 * Dataset errors carry the file they are about, so the CLI and the UI can show the file and the fix together.
 */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** The bytes of a file do not hash to the published value: corrupt, truncated, or not the file we asked for. */
export class ChecksumError extends DatasetError {
  constructor(
    file: string,
    readonly algorithm: 'sha256' | 'md5',
    readonly expected: string,
    readonly actual: string,
    readonly source: string,
  ) {
    super(
      `${file}: ${algorithm} mismatch (expected ${expected}, got ${actual}) for the copy from ${source}. ` +
        `The file is corrupt, truncated or a different file; it was not used and not kept. ` +
        `Fetch it again (layerlab datasets fetch), or replace the copy in your mirror with the official file.`,
      file,
    );
    this.name = 'ChecksumError';
  }
}

/** The bytes are not in the format they claim (wrong magic number, short data, bad header). */
export class FormatError extends DatasetError {
  constructor(message: string, file?: string) {
    super(file ? `${file}: ${message}` : message, file);
    this.name = 'FormatError';
  }
}
