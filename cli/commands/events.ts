// `fis events list|add|remove` — events on the time axes ("Ereignisse"), on the command line (audited as cli:<os user>).
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { UserError } from '../../platform/errors';
import { action, collect, once } from '../run';
import { withAppDb } from './admin';
import { printTable } from '../table';

const actor = () => `cli:${userInfo().username}`;
const list = (v: string[] | undefined) => (v ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);

interface AddOptions {
  date?: string;
  title?: string;
  text?: string;
  states?: string[];
  offices?: string[];
  roles?: string[];
}

export function registerEvents(program: Command): void {
  const events = program.command('events').description('events on the time axes of the charts: dated notes for roles, everywhere or for states / offices');
  events
    .command('list')
    .description('list the events (every one: the operator sees all)')
    .option('--from <date>', 'first day (YYYY-MM-DD)', once('--from'))
    .option('--to <date>', 'last day (YYYY-MM-DD)', once('--to'))
    .option('--json', 'as JSON')
    .action(
      action(async (o: { from?: string; to?: string; json?: boolean }) => {
        const { listEvents } = await import('../../dashboards/events/events');
        const { isIsoDate } = await import('../../platform/dates');
        for (const d of [o.from, o.to]) if (d !== undefined && !isIsoDate(d)) throw new UserError(`"${d.slice(0, 20)}" is not a date (YYYY-MM-DD).`, { exitCode: 2 });
        const rows = await withAppDb((db) => listEvents(db, { from: o.from, to: o.to }));
        if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else printTable(rows.map((e) => ({ id: e.id, date: e.date, title: e.title, states: e.scope.states.join(','), offices: e.scope.offices.join(','), roles: e.roles.join(','), by: e.createdBy })));
      }),
    );
  events
    .command('add')
    .description('add an event; prints its id')
    .requiredOption('--date <date>', 'the day (YYYY-MM-DD)', once('--date'))
    .requiredOption('--title <text>', 'short text shown at the marker (at most 120 characters)', once('--title'))
    .option('--text <text>', 'longer text, shown on hover and in the table', once('--text'))
    .option('--states <keys>', 'only for these states (comma-separated or repeated); default: everywhere', collect)
    .option('--offices <codes>', 'only for these offices (comma-separated or repeated)', collect)
    .requiredOption('--roles <roles>', 'visible to these roles (comma-separated or repeated; see fis roles list)', collect)
    .action(
      action(async (o: AddOptions) => {
        const { addEvent, eventInputSchema, EVENT_SHAPE } = await import('../../dashboards/events/events');
        const parsed = eventInputSchema.safeParse({ date: o.date, title: o.title, text: o.text ?? '', scope: { states: list(o.states), offices: list(o.offices) }, roles: list(o.roles) });
        if (!parsed.success) throw new UserError(`An event needs ${EVENT_SHAPE.replace(/"/g, '')}: ${parsed.error.issues[0]!.path.join('.') || 'input'} is not valid.`, { exitCode: 2 });
        const e = await withAppDb((db) => addEvent(db, parsed.data, actor()));
        process.stdout.write(`${e.id}\n`);
      }),
    );
  events
    .command('remove')
    .description('remove an event')
    .argument('<id>')
    .action(
      action(async (id: string) => {
        const { removeEvent } = await import('../../dashboards/events/events');
        await withAppDb((db) => removeEvent(db, id, actor()));
        process.stderr.write(`fis: removed event ${id}\n`);
      }),
    );
}
