// `fis report <id> --format … -o FILE` — a report as a file, through the same export service as the web app.
import type { Command } from 'commander';
import { getConfig } from '../../platform/config';
import { UserError } from '../../platform/errors';
import { action, collect, once } from '../run';
import { printTable } from '../table';

interface ReportOptions {
  format?: string;
  output?: string;
  filter?: string[];
  from?: string;
  to?: string;
  as?: string;
  lang: string;
  list?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('export one of the seven reports as CSV, XLSX, PDF or Parquet — the same file the web app gives')
    .argument('[id]', 'report id (see --list)')
    .option('--format <format>', 'csv, csv-de (semicolon, decimal comma, for German Excel), xlsx, pdf or parquet', once('--format'))
    .option('-o, --output <file>', 'where to write ("-" for standard output; default: fis-<report>-<data as of>.<ext> here)', once('--output'))
    .option('--filter <dim=values>', "filter, e.g. state=09 or office=MUC|NUE (repeatable; the report's filters)", collect)
    .option('--from <date>', 'first day (inclusive), YYYY-MM-DD (default: start of the year or twelve months back)', once('--from'))
    .option('--to <date>', 'last day (inclusive), YYYY-MM-DD (default: the data as of)', once('--to'))
    .option('--as <user>', "with this user's rights and disclosure control, exactly as the web app (default: operator, unrestricted)", once('--as'))
    .option('--lang <lang>', 'de or en', once('--lang'), 'de')
    .option('--list', 'list the reports and their filters')
    .action(
      action(async (id: string | undefined, o: ReportOptions) => {
        const { REPORTS } = await import('../../dashboards/catalog');
        const { REPORT_DEFS } = await import('../../dashboards/reports/defs');
        if (o.list) {
          printTable(REPORT_DEFS.map((d) => ({ report: d.id, title: REPORTS.find((r) => r.id === d.id)!.title.de, filters: d.filters.join(', ') })));
          return;
        }
        if (!id) throw new UserError(`Name a report: ${REPORTS.map((r) => r.id).join(', ')}.`, { exitCode: 2 });
        if (o.lang !== 'de' && o.lang !== 'en') throw new UserError(`--lang must be de or en, not "${o.lang}".`, { exitCode: 2 });
        const { checkFileFormat } = await import('../../dashboards/exports/service');
        try {
          checkFileFormat(o.format);
        } catch (e) {
          throw new UserError((e as Error).message.replace(/^Name a format/, 'Name a format with --format'), { exitCode: 2 });
        }
        const config = getConfig();
        const { openAppDb } = await import('../../roles/app-db');
        const { principalByName, operatorPrincipal } = await import('../../roles/access');
        const { SnapshotReader } = await import('../../warehouse/snapshots');
        const { exportReport } = await import('../../dashboards/exports/service');
        const { writeOutput } = await import('../output');
        const { join } = await import('node:path');
        const { userInfo } = await import('node:os');
        const app = await openAppDb({ dataDir: config.dataDir, url: config.appDbUrl });
        const reader = new SnapshotReader(config.dataDir);
        try {
          const principal = o.as ? await principalByName(app.db, o.as, config.suppressionMin) : operatorPrincipal(`cli:${userInfo().username}`, config.suppressionMin);
          const file = await exportReport(
            { reader, db: app.db, principal, lang: o.lang, via: 'cli', tmpDir: join(config.dataDir, 'tmp', 'exports') },
            id,
            o.format,
            { filter: o.filter, from: o.from, to: o.to },
          );
          const target = await writeOutput(file, o.output);
          if (target) process.stderr.write(`fis: wrote ${target} (${file.rows.toLocaleString('de-DE')} rows)\n`);
        } finally {
          reader.close();
          await app.close();
        }
      }),
    );
}
