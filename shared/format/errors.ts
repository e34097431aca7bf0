import type { z } from 'zod';

/** One schema problem: where (a JSON path such as `graph.nodes[3].position.x`) and what is wrong. */
export interface FormatIssue {
  path: string;
  message: string;
}

/** A project document that does not match its schema, or that no migration can read. */
export class ProjectFormatError extends Error {
  override name = 'ProjectFormatError';
  constructor(
    /** The document inside the project file, e.g. 'project.json' or 'runs/r1/run.json'. */
    readonly entry: string,
    readonly issues: FormatIssue[],
    summary?: string,
  ) {
    super(summary ?? `${entry} is not valid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** A file written by a newer Layerlab, whose format this build cannot read. */
export class FutureFormatError extends Error {
  override name = 'FutureFormatError';
  constructor(
    readonly entry: string,
    readonly formatVersion: number,
    readonly supported: number,
    readonly appVersion?: string,
  ) {
    super(
      `${entry} has format version ${formatVersion}${appVersion ? ` (written by Layerlab ${appVersion})` : ''}, ` +
        `but this Layerlab reads format versions up to ${supported}: open it with a newer Layerlab.`,
    );
  }
}

/** `graph.nodes[3].position.x` from zod's ['graph', 'nodes', 3, 'position', 'x']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function issuesFromZod(error: z.ZodError): FormatIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Parses `value` with `schema`, throwing a ProjectFormatError that lists every problem with its path. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, entry: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProjectFormatError(entry, issuesFromZod(result.error));
  return result.data;
}
