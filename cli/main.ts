/**
 * `fis` — the command line of FIS. Thin: parse arguments, call a domain module, print.
 */
import { userInfo } from 'node:os';
import { Command, CommanderError } from 'commander';
import { getConfig } from '../platform/config';
import { registerAdmin } from './commands/admin';
import { registerDemo } from './commands/demo';
import { registerEtl } from './commands/etl';
import { registerEvents } from './commands/events';
import { registerFixtures } from './commands/fixtures';
import { registerQuery } from './commands/query';
import { registerReport } from './commands/report';
import { registerServe } from './commands/serve';
import { registerSubscriptions } from './commands/subscriptions';
import { fail } from './run';

const program = new Command('fis')
  .description('FIS – Führungsinformationssystem (management information system, fictitious data)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.replace(/^error: /, 'fis: ')) });

registerFixtures(program, {
  // the demo users of architecture §6 come with the demo data, never with a production setup
  async afterGenerate() {
    const config = getConfig();
    const { openAppDb } = await import('../roles/app-db');
    const { installDemo } = await import('../roles/store');
    const app = await openAppDb({ dataDir: config.dataDir, url: config.appDbUrl });
    try {
      await installDemo(app.db, config.demoPassword);
    } finally {
      await app.close();
    }
  },
});
registerEtl(program);
registerQuery(program, async (username) => {
  const config = getConfig();
  const { principalByName, operatorPrincipal } = await import('../roles/access');
  if (username === undefined) return operatorPrincipal(`cli:${userInfo().username}`, config.suppressionMin).access;
  const { openAppDb } = await import('../roles/app-db');
  const app = await openAppDb({ dataDir: config.dataDir, url: config.appDbUrl });
  try {
    return (await principalByName(app.db, username, config.suppressionMin)).access;
  } finally {
    await app.close();
  }
});
registerReport(program);
registerAdmin(program);
registerDemo(program);
registerServe(program);
registerSubscriptions(program);
registerEvents(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  fail(e);
}
