/**
 * `fis` — the command line of FIS. Thin: parse arguments, call a domain module, print.
 */
import { Command, CommanderError } from 'commander';
import { registerDemo } from './commands/demo';
import { registerEtl } from './commands/etl';
import { registerFixtures } from './commands/fixtures';
import { fail } from './run';

const program = new Command('fis')
  .description('FIS – Führungsinformationssystem (management information system, fictitious data)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.replace(/^error: /, 'fis: ')) });

registerFixtures(program);
registerEtl(program);
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  fail(e);
}
