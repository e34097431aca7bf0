import pkg from '../../package.json' with { type: 'json' };

/** Written into every project file (informational: compatibility is decided by the format version). */
export const APP_VERSION: string = pkg.version;
