export interface Command {
  name: string;
  /** e.g. 'summary FILE' */
  usage: string;
  summary: string;
  /** Options and examples shown by `layerlab <command> --help`, after the usage line and summary. */
  help?: string;
  run(argv: string[]): Promise<number>;
}
