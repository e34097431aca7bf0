/**
 * `layerlab` command line: a dispatcher over one explicit registry of commands (main/commands/*.ts).
 * Each command gets its argv tail and returns an exit code; errors it throws are printed as one clear line.
 */
import { commands } from './commands/registry';

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`layerlab: unknown command '${name}'.\n\n${usage()}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: layerlab ${command.usage}\n\n${command.summary}\n${command.help ? `\n${command.help.trimEnd()}\n` : ''}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    process.stderr.write(`layerlab ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.LAYERLAB_DEBUG) console.error(err);
    return 1;
  }
}

function usage(): string {
  // Short usages line up in a column; a long one puts its summary on the next line, so the help fits 100 columns.
  const width = Math.min(36, Math.max(...commands.map((c) => c.usage.length)));
  const lines = commands.flatMap((c) =>
    c.usage.length <= width ? [`  ${c.usage.padEnd(width)}  ${c.summary}`] : [`  ${c.usage}`, `  ${''.padEnd(width)}  ${c.summary}`],
  );
  return ['Layerlab: a visual deep-learning model builder.', '', 'Usage: layerlab <command> [options]', '', ...lines, '', 'Run layerlab <command> --help for its options.', ''].join('\n');
}
