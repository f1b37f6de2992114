// `fis subscriptions …` and `fis alerts …` — reports that arrive by themselves, on the command line.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { getConfig } from '../../platform/config';
import { UserError } from '../../platform/errors';
import type { AppDb } from '../../roles/app-db';
import { action, collect, once } from '../run';
import { withAppDb } from './admin';
import { printTable } from '../table';

const actor = () => `cli:${userInfo().username}`;
const list = (v: string[] | undefined) => (v ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `--filter state=09 --filter office=MUC|NUE` as the URL state of a view. */
function filters(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of values ?? []) {
    const m = /^([a-z][a-z0-9_]{0,63})[=:](.+)$/.exec(f.trim());
    if (!m) throw new UserError(`A filter looks like dimension=value or dimension=v1|v2, not "${f.slice(0, 40)}".`, { exitCode: 2 });
    if (out[m[1]!]) throw new UserError(`The filter "${m[1]}" is given twice; list its values with |.`, { exitCode: 2 });
    out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * `--to` names the recipients (users) and, as in every FIS command, the last day of the period:
 * a user name never looks like a date, so each value is one or the other.
 */
function splitTo(values: string[] | undefined): { recipients: string[]; to?: string } {
  const all = list(values);
  const dates = all.filter((v) => DATE.test(v));
  if (dates.length > 1) throw new UserError('--to names one last day (YYYY-MM-DD); it is given twice.', { exitCode: 2 });
  return { recipients: all.filter((v) => !DATE.test(v)), to: dates[0] };
}

async function ownerPrincipal(db: AppDb, owner: string | undefined) {
  if (!owner) throw new UserError('Name the owner with --owner USER (the subscription is theirs; its recipients get it with their own rights).', { exitCode: 2 });
  const { principalByName } = await import('../../roles/access');
  return principalByName(db, owner, getConfig().suppressionMin);
}

interface CreateOptions {
  owner?: string;
  to?: string[];
  report?: string;
  dashboard?: string;
  format?: string;
  when?: string;
  channel?: string;
  filter?: string[];
  from?: string;
  lang: string;
}

interface AlertOptions {
  owner?: string;
  to?: string[];
  metric?: string;
  op?: string;
  value?: string;
  filter?: string[];
  window?: string;
  vs?: string;
  channel?: string;
  lang: string;
}

export function registerSubscriptions(program: Command): void {
  const subs = program.command('subscriptions').description('reports and dashboards delivered by themselves, each built with the recipient’s own rights');
  subs
    .command('create')
    .description('subscribe FIS users to a report or a dashboard; prints the id')
    .option('--owner <user>', 'whose subscription it is (they must see the report or dashboard)', once('--owner'))
    .option('--to <users|date>', 'recipients: FIS user names, comma-separated or repeated (never an e-mail address); a date YYYY-MM-DD is the last day of the period', collect)
    .option('--report <id>', 'a report (see fis report --list)', once('--report'))
    .option('--dashboard <slug>', 'a whole dashboard (pdf or xlsx)', once('--dashboard'))
    .option('--format <format>', 'pdf, xlsx or csv-de', once('--format'))
    .option('--when <schedule>', 'after-publish (after every new snapshot, at most once a day) or a cron expression in FIS_TIMEZONE, e.g. "0 7 * * 1"', once('--when'), 'after-publish')
    .option('--channel <channel>', 'inbox, email-link (a link into the inbox) or email-attachment', once('--channel'), 'inbox')
    .option('--filter <dim=values>', 'the view’s filters, e.g. state=09 or office=MUC|NUE (repeatable); each recipient’s rights narrow them further', collect)
    .option('--from <date>', 'first day of the period (default: the view’s, moving with the data)', once('--from'))
    .option('--lang <lang>', 'language of the files and mails: de or en', once('--lang'), 'de')
    .action(
      action(async (o: CreateOptions) => {
        if (!!o.report === !!o.dashboard) throw new UserError('Name what to deliver: --report ID or --dashboard SLUG (one of them).', { exitCode: 2 });
        const { recipients, to } = splitTo(o.to);
        if (!recipients.length) throw new UserError('Name the recipients with --to USER[,USER…].', { exitCode: 2 });
        const config = getConfig();
        const { subscribe } = await import('../../dashboards/subscriptions/service');
        const s = await withAppDb(async (db) =>
          subscribe(
            db,
            await ownerPrincipal(db, o.owner),
            {
              kind: 'report',
              recipients,
              target_kind: o.report ? 'report' : 'dashboard',
              target: o.report ?? o.dashboard,
              format: o.format,
              filters: { ...filters(o.filter), ...(o.from ? { from: o.from } : {}), ...(to ? { to } : {}) },
              schedule: o.when,
              channel: o.channel,
              lang: o.lang,
            },
            actor(),
            config,
          ),
        );
        process.stdout.write(`${s.id}\n`);
      }),
    );
  subs
    .command('list')
    .description('list the subscriptions and alerts with their last delivery')
    .option('--json', 'as JSON, with each recipient’s latest delivery')
    .action(
      action(async (o: { json?: boolean }) => {
        const { listSubscriptions, latestDeliveries } = await import('../../dashboards/subscriptions/store');
        const { explain } = await import('../../dashboards/subscriptions/explain');
        const rows = await withAppDb(async (db) =>
          Promise.all(
            (await listSubscriptions(db)).map(async (s) => ({
              ...s,
              deliveries: [...(await latestDeliveries(db, s.id)).values()].map((d) => ({ recipient: d.recipient, outcome: d.outcome, reason: explain('en', d.reason, s), at: d.created_at, snapshot: d.snapshot, format: d.format, bytes: d.bytes })),
            })),
          ),
        );
        if (o.json) {
          process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          return;
        }
        printTable(
          rows.map((s) => ({
            id: s.id,
            kind: s.kind,
            owner: s.owner,
            what: s.kind === 'alert' ? `${s.alert!.metric} ${s.alert!.op} ${s.alert!.value}` : `${s.target_kind}:${s.target} ${s.format}`,
            to: s.recipients.join(','),
            when: s.schedule,
            channel: s.channel,
            active: s.active,
            last: s.deliveries.map((d) => `${d.recipient}:${d.outcome}`).join(' '),
          })),
        );
      }),
    );
  subs
    .command('deliver')
    .description('deliver now: one subscription (--id N), or everything due (--due, what the scheduler runs); exits non-zero when a delivery did not complete')
    .option('--id <n>', 'the subscription to deliver now, whatever its schedule', once('--id'))
    .option('--due', 'what is due: pending deliveries to retry, schedules whose time has come, new snapshots')
    .action(
      action(async (o: { id?: string; due?: boolean }) => {
        if (!!o.id === !!o.due) throw new UserError('Say what to deliver: --id N or --due.', { exitCode: 2 });
        const config = getConfig();
        const { SnapshotReader } = await import('../../warehouse/snapshots');
        const { deliverDue, deliverNow, summaryLine } = await import('../../dashboards/subscriptions/deliver');
        const reader = new SnapshotReader(config.dataDir);
        try {
          const { runs, retried } = await withAppDb(async (db) => {
            const env = { db, reader, config };
            if (o.id) return { runs: [await deliverNow(env, o.id)], retried: undefined };
            return deliverDue(env);
          });
          for (const r of runs) process.stderr.write(`fis: ${summaryLine(r)}\n`);
          if (retried && Object.values(retried).some(Boolean)) process.stderr.write(`fis: retried: ${Object.entries(retried).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
          const open = runs.reduce((n, r) => n + r.counts.pending + r.counts.failed, 0) + (retried ? retried.pending + retried.failed : 0);
          if (open) throw new UserError(`${open} ${open === 1 ? 'delivery' : 'deliveries'} did not complete (pending ones are retried with backoff); the reasons are in fis subscriptions list and on /subscriptions.`, { exitCode: 1 });
        } finally {
          reader.close();
        }
      }),
    );
  for (const [name, active] of [['deactivate', false], ['activate', true]] as const) {
    subs
      .command(name)
      .description(active ? 'deliver a deactivated subscription again' : 'stop delivering a subscription (its history stays)')
      .argument('<id>')
      .action(
        action(async (id: string) => {
          const config = getConfig();
          const { setActive } = await import('../../dashboards/subscriptions/service');
          await withAppDb((db) => setActive(db, id, active, { username: actor(), admin: true }, undefined, config));
          process.stderr.write(`fis: subscription ${id} ${active ? 'activated' : 'deactivated'}\n`);
        }),
      );
  }

  const alerts = program.command('alerts').description('a condition on one metric, evaluated after every publication with each recipient’s rights; delivered once per crossing');
  alerts
    .command('create')
    .description('set an alert for FIS users; prints the id')
    .option('--owner <user>', 'whose alert it is (they must be allowed the metric)', once('--owner'))
    .option('--to <users>', 'recipients: FIS user names, comma-separated or repeated', collect)
    .option('--metric <name>', 'the metric (see docs/metric-catalogue.md), e.g. pending', once('--metric'))
    .option('--op <op>', 'gt (above) or lt (below)', once('--op'))
    .option('--value <n>', 'the threshold (with --vs previous-year: a change in %)', once('--value'))
    .option('--filter <dim=values>', 'the scope, e.g. office=MUC (repeatable)', collect)
    .option('--window <window>', 'month or week: the last complete one before the Datenstand', once('--window'), 'month')
    .option('--vs <base>', 'previous-year: compare with the same period a year before', once('--vs'))
    .option('--channel <channel>', 'inbox, email-link or email-attachment', once('--channel'), 'inbox')
    .option('--lang <lang>', 'de or en', once('--lang'), 'de')
    .action(
      action(async (o: AlertOptions) => {
        const recipients = list(o.to);
        if (!recipients.length) throw new UserError('Name the recipients with --to USER[,USER…].', { exitCode: 2 });
        if (!o.metric || !o.op || o.value === undefined) throw new UserError('An alert needs --metric, --op gt|lt and --value N.', { exitCode: 2 });
        if (o.op !== 'gt' && o.op !== 'lt') throw new UserError(`--op is gt or lt, not "${o.op}".`, { exitCode: 2 });
        const value = Number(o.value.replace(/%$/, ''));
        if (!Number.isFinite(value)) throw new UserError(`--value must be a number, not "${o.value}".`, { exitCode: 2 });
        if (o.vs !== undefined && o.vs !== 'previous-year') throw new UserError(`--vs takes previous-year, not "${o.vs}".`, { exitCode: 2 });
        const config = getConfig();
        const { subscribe } = await import('../../dashboards/subscriptions/service');
        const s = await withAppDb(async (db) =>
          subscribe(
            db,
            await ownerPrincipal(db, o.owner),
            { kind: 'alert', recipients, filters: filters(o.filter), channel: o.channel, lang: o.lang, alert: { metric: o.metric, op: o.op, value, window: o.window, ...(o.vs ? { vs: o.vs } : {}) } },
            actor(),
            config,
          ),
        );
        process.stdout.write(`${s.id}\n`);
      }),
    );
}
