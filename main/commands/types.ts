export interface Command {
  name: string;
  /** e.g. 'summary FILE' */
  usage: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}
