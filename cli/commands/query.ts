// Domain modules are imported inside the action, so `fis --help` and argument errors stay fast.
import type { Command } from 'commander';
import { getConfig } from '../../platform/config';
import { UserError } from '../../platform/errors';
import { DIMENSIONS } from '../../warehouse/semantic/dimensions';
import { METRICS } from '../../warehouse/semantic/metrics';
import { parseQuery } from '../../warehouse/semantic/parse';
import { toCsv } from '../../warehouse/semantic/format';
import type { Access } from '../../warehouse/semantic/types';
import { action, collect, once } from '../run';
import { printTable } from '../table';

/** `accessFor(undefined)`: the operator (unrestricted); a name: that user's rights, as in the web app. */
export function registerQuery(program: Command, accessFor: (username: string | undefined) => Promise<Access>): void {
  program
    .command('query')
    .description('ask the warehouse: metrics by dimensions, filtered, for a period — the same answer as GET /api/query')
    .option('--metric <names>', 'metric(s), comma-separated or repeated (see --list)', collect)
    .option('--by <dimensions>', 'dimension(s) to group by, comma-separated or repeated', collect)
    .option('--filter <dim=values>', 'filter, e.g. state=08|09 (repeatable)', collect)
    .option('--from <date>', 'first day (inclusive), YYYY-MM-DD', once('--from'))
    .option('--to <date>', 'last day (inclusive), YYYY-MM-DD', once('--to'))
    .option('--as <user>', "answer with this user's rights, exactly as the web app does (default: operator, unrestricted)", once('--as'))
    .option('--format <format>', 'json, csv or table', once('--format'), 'json')
    .option('--list', 'list the metrics and dimensions')
    .action(
      action(async (o: { metric?: string[]; by?: string[]; filter?: string[]; from?: string; to?: string; as?: string; format: string; list?: boolean }) => {
        if (o.list) {
          printTable(METRICS.map((m) => ({ metric: m.name, domain: m.domain, format: m.format, date: m.date, label: m.label.de })));
          process.stdout.write('\n');
          printTable(DIMENSIONS.map((d) => ({ dimension: d.name, label: d.label.de })));
          return;
        }
        if (!['json', 'csv', 'table'].includes(o.format)) throw new UserError(`--format must be json, csv or table, not "${o.format}".`, { exitCode: 2 });
        if (!o.metric?.length) throw new UserError('Name at least one metric with --metric (see --list).', { exitCode: 2 });
        const q = parseQuery({ metric: o.metric, by: o.by, filter: o.filter, from: o.from, to: o.to });
        const access = await accessFor(o.as);
        const { SnapshotReader } = await import('../../warehouse/snapshots');
        const { runQuery } = await import('../../warehouse/semantic/query');
        const reader = new SnapshotReader(getConfig().dataDir);
        try {
          const r = await runQuery(reader, q, access);
          if (o.format === 'csv') process.stdout.write(toCsv(r));
          else if (o.format === 'table') printTable(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))));
          else process.stdout.write(JSON.stringify(r) + '\n');
        } finally {
          reader.close();
        }
      }),
    );
}
