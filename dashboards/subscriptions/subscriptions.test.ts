/**
 * Subscriptions and alerts against a real SMTP server on loopback (smtp-server as the receiving
 * end) and the inbox: each recipient gets their own file, built with their own rights (the scoped
 * one only MUC — read back from the PDF with pdftotext and from the XLSX with exceljs), one audit
 * entry each; a recipient who loses the right gets nothing and the owner is told; a recipient
 * without the export right gets the link; a free e-mail address is refused (API, CLI, database);
 * a mail server that is down leaves the delivery pending, delivered when it is back; link-only
 * mail carries no figures, attachments only when the administration allows them; an alert fires
 * once when its condition starts to hold, not again until it has fallen back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../etl/run';
import { getConfig } from '../../platform/config';
import { principalByName, type Principal } from '../../roles/access';
import { openAppDb, type AppDbHandle } from '../../roles/app-db';
import { getRole, installDemo, queryAudit, updateRole } from '../../roles/store';
import { updateUser } from '../../roles/users';
import { etlOpts } from '../../test/etl-helpers';
import { fisAsync, generateTiny, pgliteTargets, refusal, tempDir } from '../../test/helpers';
import { freePort } from '../../test/pg-server';
import { runQuery } from '../../warehouse/semantic/query';
import { SnapshotReader } from '../../warehouse/snapshots';
import { formatDate } from '../i18n';
import { deliverDue, deliverNow, isDue, type DeliveryEnv } from './deliver';
import type { Subscription } from './definition';
import { explain } from './explain';
import { previewRecipients, subscribe } from './service';
import { inboxFile, latestDeliveries, listInbox } from './store';

const PDFTOTEXT = '/usr/bin/pdftotext';
const pdfSkip = existsSync(PDFTOTEXT) ? '' : 'pdftotext not found; install it with apt-get install poppler-utils';
if (pdfSkip && process.env.CI === 'true') throw new Error(`CI=true but ${pdfSkip}`);

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
let app: AppDbHandle;
let reader: SnapshotReader;
const targets = pgliteTargets(t.dir);
const P: Record<string, Principal> = {};
let offices: Array<{ code: string; name: string }> = [];

// ---- the receiving mail server ---------------------------------------------------------------

const received: ParsedMail[] = [];
let smtpPort = 0;
let smtp: SMTPServer | undefined;

async function startSmtp(port: number): Promise<void> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((m) => {
          received.push(m);
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp!.once('error', reject);
    smtp!.listen(port, '127.0.0.1', () => resolve());
  });
}
const stopSmtp = () => new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));

const env = (over: Partial<DeliveryEnv['config']['mail']> = {}, rest: Partial<DeliveryEnv> = {}): DeliveryEnv => ({
  db: app.db,
  reader,
  config: { ...getConfig(), dataDir: t.dir, publicUrl: 'https://fis.example', mail: { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: 'FIS <fis@fis.example>', attachments: false, ...over } },
  ...rest,
});
const settings = () => ({ ...getConfig(), dataDir: t.dir });

const pdfText = (buf: Buffer) => {
  const file = join(t.dir, `check-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, buf);
  return spawnSync(PDFTOTEXT, ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
};
/** The files of a user's inbox from one subscription, newest first. */
const filesOf = async (user: string, s: Subscription) => Promise.all((await listInbox(app.db, user)).filter((i) => i.subscription_id === s.id && i.kind === 'file').map((i) => inboxFile(app.db, user, i.id)));
const deliveriesAudited = async (s: Subscription) => (await queryAudit(app.db, { action: 'subscription.deliver' })).filter((e) => e.target === `subscription:${s.id}`);

async function grantExports(role: string, grant: boolean) {
  const { name, label_de, label_en, description, rules: all, version } = (await getRole(app.db, role))!;
  const rules = all.filter((x) => x.action !== 'export');
  await updateRole(app.db, role, { name, label_de, label_en, description, rules: grant ? [...rules, { action: 'export', subject: 'Report' }, { action: 'export', subject: 'Dashboard' }] : rules }, version, 'test');
}

beforeAll(async () => {
  await generateTiny(targets, 64);
  await runEtl(etlOpts(t.dir, targets, true));
  // serving the embedded database, so that `fis subscriptions …` can use it meanwhile (as with the web app)
  app = await openAppDb({ dataDir: t.dir, serve: true });
  await installDemo(app.db, 'demo-password-1');
  // the branch-office head may export here: a scoped user with an export right
  await grantExports('branch-office-head', true);
  for (const [u, email] of [['leitung', 'leitung@fis.example'], ['ast-muc', 'ast-muc@fis.example'], ['abt-asyl', 'abt-asyl@fis.example']]) await updateUser(app.db, u!, { email }, 'test');
  for (const u of ['leitung', 'ast-muc', 'abt-asyl', 'analyst']) P[u] = await principalByName(app.db, u, 5);
  reader = new SnapshotReader(t.dir);
  offices = await reader.use((duck) => duck.all<{ code: string; name: string }>(`SELECT office_code AS code, name FROM dim_office ORDER BY 1`));
  smtpPort = await freePort();
  await startSmtp(smtpPort);
});
afterAll(async () => {
  await stopSmtp();
  reader?.close();
  await app?.close();
  t.cleanup();
});

describe('a subscription, each recipient with their own rights', () => {
  it('gives leitung and the MUC-scoped user each their own PDF — the scoped one only MUC — one audit entry each, and mails a link, not figures', async () => {
    const s = await subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['leitung', 'ast-muc'], channel: 'email-link' }, 'test', settings());
    const before = received.length;
    const r = await deliverNow(env(), s.id);
    expect(r.counts).toMatchObject({ delivered: 2, link: 0, refused: 0, pending: 0, failed: 0 });

    const [mine] = await filesOf('leitung', s);
    const [muc] = await filesOf('ast-muc', s);
    expect(mine!.filename).toMatch(/^fis-office-performance-\d{4}-\d{2}-\d{2}\.pdf$/);
    const munich = offices.find((o) => o.code === 'MUC')!.name;
    const others = offices.filter((o) => o.code !== 'MUC').map((o) => o.name);
    if (!pdfSkip) {
      const all = pdfText(mine!.content!);
      expect(others.filter((n) => all.includes(n)).length, 'leitung sees the other offices').toBeGreaterThan(10);
      const scoped = pdfText(muc!.content!);
      expect(scoped).toContain(munich);
      expect(others.filter((n) => scoped.includes(n)), 'the scoped file holds MUC only').toEqual([]);
    }
    // one audit entry per recipient
    const audited = await deliveriesAudited(s);
    expect(audited.map((e) => e.details.recipient).sort()).toEqual(['ast-muc', 'leitung']);
    expect(audited.every((e) => e.outcome === 'delivered' && e.actor === 'fis-subscriptions')).toBe(true);

    // the mails: to each user's own address, a link into the inbox — no figures, no attachment
    const mails = received.slice(before);
    expect(mails.map((m) => (Array.isArray(m.to) ? '' : m.to?.text)).sort()).toEqual(['ast-muc@fis.example', 'leitung@fis.example']);
    const asOf = formatDate(reader.info()!.dataAsOf, 'de');
    for (const m of mails) {
      expect(m.attachments).toEqual([]);
      const link = /https:\/\/fis\.example\/inbox#item-\d+/.exec(m.text ?? '')?.[0];
      expect(link, m.text).toBeDefined();
      const rest = `${m.subject} ${m.text}`.replace(link!, '').split(asOf).join('');
      expect(rest, 'a link-only mail holds no figure').not.toMatch(/\d/);
    }
  });

  it('builds the scoped user’s XLSX with MUC only, and leitung’s with every office', async () => {
    const s = await subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'office-performance', format: 'xlsx', recipients: ['ast-muc', 'leitung'] }, 'test', settings());
    await deliverNow(env(), s.id);
    const labels = async (user: string) => {
      const [f] = await filesOf(user, s);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(f!.content! as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      const out: string[] = [];
      let inTable = false;
      ws.eachRow((row) => {
        const a = String(row.getCell(1).value ?? '');
        if (a === 'Außenstelle') inTable = true;
        else if (inTable && a && !a.startsWith('·') && !a.startsWith('Aus Datenschutz')) out.push(a);
      });
      return out;
    };
    const muc = await labels('ast-muc');
    expect(muc.filter((l) => l !== 'Summe')).toEqual([offices.find((o) => o.code === 'MUC')!.name]);
    expect((await labels('leitung')).length).toBeGreaterThan(20);
  });

  it('gives a recipient without the export right the link to the view; one who loses the view right gets nothing, and the owner is told', async () => {
    const s = await subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'asylum-monthly', format: 'pdf', recipients: ['abt-asyl', 'ast-muc'], filters: { state: '09' } }, 'test', settings());
    let r = await deliverNow(env(), s.id);
    // abt-asyl sees the report but may export nothing: the link, with the filters of the view
    expect(r.counts).toMatchObject({ delivered: 1, link: 1 });
    const [link] = (await listInbox(app.db, 'abt-asyl')).filter((i) => i.subscription_id === s.id);
    expect(link).toMatchObject({ kind: 'link', link: '/reports/asylum-monthly?state=09', filename: null });

    // ast-muc loses the view right: nothing for them, a notice for the owner
    await updateUser(app.db, 'ast-muc', { roles: [] }, 'test');
    const mucBefore = (await listInbox(app.db, 'ast-muc')).length;
    r = await deliverNow(env(), s.id);
    expect(r.counts).toMatchObject({ refused: 1, link: 1 });
    expect((await listInbox(app.db, 'ast-muc')).length).toBe(mucBefore);
    const last = await latestDeliveries(app.db, s.id);
    expect(explain('en', last.get('ast-muc')!.reason, s)).toBe('ast-muc may not view “Monthly asylum report” — receives nothing.');
    const notices = (await listInbox(app.db, 'leitung')).filter((i) => i.kind === 'notice' && i.subscription_id === s.id);
    expect(notices.map((n) => explain('de', n.message, s))).toEqual(
      expect.arrayContaining([
        `Abonnement ${s.id} „Monatsbericht Asyl“: ast-muc darf „Monatsbericht Asyl“ nicht ansehen – erhält nichts.`,
        `Abonnement ${s.id} „Monatsbericht Asyl“: abt-asyl hat kein Exportrecht für PDF – erhält den Link zur Ansicht statt der Datei.`,
      ]),
    );
    // told once per change, not at every delivery
    await deliverNow(env(), s.id);
    expect((await listInbox(app.db, 'leitung')).filter((i) => i.kind === 'notice' && i.subscription_id === s.id).length).toBe(notices.length);
    await updateUser(app.db, 'ast-muc', { roles: ['branch-office-head'] }, 'test');
  });

  it('refuses a free e-mail address as a recipient — here, on the command line and in the database', async () => {
    const r = await refusal(subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['leitung', 'boss@example.org'] }, 'test', settings()));
    expect(r.message).toMatch(/^"boss@example\.org" is an e-mail address: recipients are FIS users/);
    expect((await refusal(subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['nobody'] }, 'test', settings()))).message).toMatch(/There is no user "nobody"/);
    const cli = await fisAsync(['subscriptions', 'create', '--owner', 'leitung', '--to', 'leitung,boss@example.org', '--report', 'office-performance', '--format', 'pdf', '--when', 'after-publish'], t.dir);
    expect(cli.status).not.toBe(0);
    expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^fis: "boss@example\.org" is an e-mail address/)]);
    await expect(sql`INSERT INTO subscription (kind, owner, recipients, target_kind, target, format, schedule, channel, updated_by) VALUES ('report', 'leitung', ARRAY['boss@example.org'], 'report', 'office-performance', 'pdf', 'after-publish', 'inbox', 'test')`.execute(app.db)).rejects.toThrow(/check constraint/);
  });

  it('leaves the delivery pending while the mail server is down (the CLI says so and exits non-zero), and delivers it when the server is back', async () => {
    const id = (await fisAsync(['subscriptions', 'create', '--owner', 'leitung', '--to', 'ast-muc', '--report', 'office-performance', '--format', 'pdf', '--channel', 'email-link', '--filter', 'office=MUC'], t.dir)).stdout.trim();
    expect(id).toMatch(/^\d+$/);
    await stopSmtp();
    const down = await fisAsync(['subscriptions', 'deliver', '--id', id], t.dir, { FIS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/^fis: 1 delivery did not complete \(pending ones are retried with backoff\)/m);
    let last = (await latestDeliveries(app.db, id)).get('ast-muc')!;
    expect(last).toMatchObject({ outcome: 'pending', attempts: 1 });
    expect(last.reason?.key).toBe('reason_mailFailed');
    // never lost: the file waits in the inbox
    expect(last.inbox_item_id).not.toBeNull();

    // not yet due: the backoff holds the next attempt back
    const before = received.length;
    await startSmtp(smtpPort);
    expect((await deliverDue(env())).retried.delivered).toBe(0);
    const later = new Date(Date.now() + 2 * 60_000);
    const r = await deliverDue(env({}, { now: () => later }));
    expect(r.retried.delivered).toBe(1);
    last = (await latestDeliveries(app.db, id)).get('ast-muc')!;
    expect(last).toMatchObject({ outcome: 'delivered', attempts: 2 });
    const mail = received.slice(before).find((m) => !Array.isArray(m.to) && m.to?.text === 'ast-muc@fis.example')!;
    expect(mail.text).toContain(`https://fis.example/inbox#item-${last.inbox_item_id}`);
    expect(mail.attachments).toEqual([]);
    const audit = (await queryAudit(app.db, { action: 'subscription.deliver' })).filter((e) => e.target === `subscription:${id}`);
    expect(audit.map((e) => e.outcome)).toEqual(['delivered', 'pending']);
  });

  it('attaches the file only when the administration allows attachments and the subscription asks for them', async () => {
    const s = await subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['leitung'], channel: 'email-attachment' }, 'test', settings());
    let before = received.length;
    await deliverNow(env({ attachments: false }), s.id);
    let [m] = received.slice(before);
    expect(m!.attachments).toEqual([]);
    expect(explain('en', (await latestDeliveries(app.db, s.id)).get('leitung')!.reason)).toMatch(/^Attachments are switched off \(FIS_MAIL_ATTACHMENTS=false\)/);
    before = received.length;
    await deliverNow(env({ attachments: true }), s.id);
    [m] = received.slice(before);
    const [file] = await filesOf('leitung', s);
    expect(m!.attachments.map((a) => [a.filename, a.contentType, a.content.length])).toEqual([[file!.filename, 'application/pdf', file!.content!.length]]);
  });
});

describe('the preview for the owner', () => {
  it('says what each recipient would get, with their figures only where the owner may see them', async () => {
    const def = { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['leitung', 'ast-muc', 'abt-asyl', 'analyst'] };
    const byLeitung = await previewRecipients(app.db, reader, P.leitung!, def, settings(), 'de');
    expect(byLeitung.map((p) => [p.recipient, p.would])).toEqual([['leitung', 'file'], ['ast-muc', 'file'], ['abt-asyl', 'link'], ['analyst', 'file']]);
    // leitung sees everything unrestricted and unsuppressed: every recipient's figures
    expect(byLeitung.every((p) => /^Zeilen: \d+ · Eingänge /.test(p.figures))).toBe(true);
    expect(byLeitung.find((p) => p.recipient === 'ast-muc')!.figures).toMatch(/^Zeilen: 1 · /);
    // the office head sees neither the others' offices nor the analyst's perturbed figures: none of theirs
    await grantExports('branch-office-head', true);
    const byMuc = await previewRecipients(app.db, reader, P['ast-muc']!, def, settings(), 'de');
    expect(byMuc.map((p) => [p.recipient, p.figures === 'nicht gezeigt: Sie dürfen diese Zahlen nicht sehen'])).toEqual([['leitung', true], ['ast-muc', false], ['abt-asyl', true], ['analyst', true]]);
    expect(byMuc.find((p) => p.recipient === 'abt-asyl')!.reason).toBe('abt-asyl hat kein Exportrecht für PDF – erhält den Link zur Ansicht statt der Datei.');
  });
});

describe('alerts', () => {
  const pendingMuc = async (user: string) => {
    const d = reader.info()!.dataAsOf!.slice(0, 10);
    const r = await runQuery(reader, { metrics: ['pending'], by: [], filters: { office: ['MUC'] }, from: `${d.slice(0, 7)}-01`, to: d }, P[user]!.access);
    return r.rows[0]![0] as number;
  };
  const setThreshold = (id: string, value: number) => sql`UPDATE subscription SET alert = jsonb_set(alert, '{value}', ${String(value)}::jsonb) WHERE subscription_id = ${id}`.execute(app.db);
  const alertsOf = async (user: string, id: string) => (await listInbox(app.db, user)).filter((i) => i.kind === 'alert' && i.subscription_id === id);

  it('fires once when the figure crosses the threshold, not again until it has fallen back — the figure the recipient would see', async () => {
    const figure = await pendingMuc('ast-muc');
    expect(figure).toBeGreaterThan(5);
    const id = (await fisAsync(['alerts', 'create', '--owner', 'leitung', '--to', 'ast-muc,leitung', '--metric', 'pending', '--op', 'gt', '--value', String(figure - 1), '--filter', 'office=MUC'], t.dir)).stdout.trim();
    expect(id).toMatch(/^\d+$/);
    // crossing: fires for both, with their figure
    let r = await deliverNow(env(), id);
    expect(r.fired).toBe(2);
    const [first] = await alertsOf('ast-muc', id);
    expect(explain('de', first!.message)).toContain(`Anhängige Verfahren (Außenstelle MUC): ${figure.toLocaleString('de-DE')}`);
    // still above: quiet, also after a new publication
    await runEtl(etlOpts(t.dir, targets, false));
    const due = await deliverDue(env());
    expect(due.runs.find((x) => x.subscription === id)?.fired ?? 0).toBe(0);
    expect(await alertsOf('ast-muc', id)).toHaveLength(1);
    // fallen back (the threshold above the figure): quiet, and the state remembered
    await setThreshold(id, figure + 1);
    r = await deliverNow(env(), id);
    expect(r.fired ?? 0).toBe(0);
    // and above again: fires once more
    await setThreshold(id, figure - 1);
    r = await deliverNow(env(), id);
    expect(r.fired).toBe(2);
    await deliverNow(env(), id);
    expect(await alertsOf('ast-muc', id)).toHaveLength(2);
    expect(await alertsOf('leitung', id)).toHaveLength(2);
  });

  it('gives a recipient who may not use the metric nothing, and the owner is told', async () => {
    const s = await subscribe(app.db, P.leitung!, { kind: 'alert', recipients: ['abt-integration'], alert: { metric: 'pending', op: 'gt', value: 0, window: 'month' } }, 'test', settings());
    const r = await deliverNow(env(), s.id);
    expect(r.counts.refused).toBe(1);
    expect(await alertsOf('abt-integration', s.id)).toEqual([]);
    expect((await listInbox(app.db, 'leitung')).some((i) => i.kind === 'notice' && i.subscription_id === s.id)).toBe(true);
  });
});

describe('when a subscription is due', () => {
  const base = { active: true, kind: 'report', schedule: 'after-publish', next_due_at: null } as unknown as Subscription;
  const now = new Date('2026-07-01T10:00:00Z');
  it('after a publication at most once a day (in FIS_TIMEZONE), at a cron time when it has come, an alert at every new snapshot', () => {
    expect(isDue({ ...base, last_snapshot: 'a', last_run_at: '2026-07-01T06:00:00Z' }, 'b', now, 'Europe/Berlin')).toBe(false);
    // 23:30 UTC on 30 June is already 1 July in Berlin
    expect(isDue({ ...base, last_snapshot: 'a', last_run_at: '2026-06-30T23:30:00Z' }, 'b', now, 'Europe/Berlin')).toBe(false);
    expect(isDue({ ...base, last_snapshot: 'a', last_run_at: '2026-06-30T21:00:00Z' }, 'b', now, 'Europe/Berlin')).toBe(true);
    expect(isDue({ ...base, last_snapshot: 'b', last_run_at: '2026-06-29T06:00:00Z' }, 'b', now, 'Europe/Berlin')).toBe(false);
    expect(isDue({ ...base, last_snapshot: null, last_run_at: null }, 'b', now, 'Europe/Berlin')).toBe(true);
    expect(isDue({ ...base, schedule: '0 7 * * 1', next_due_at: '2026-07-01T09:59:00Z' }, 'b', now, 'Europe/Berlin')).toBe(true);
    expect(isDue({ ...base, schedule: '0 7 * * 1', next_due_at: '2026-07-06T05:00:00Z' }, 'b', now, 'Europe/Berlin')).toBe(false);
    expect(isDue({ ...base, kind: 'alert', last_snapshot: 'a' } as Subscription, 'b', now, 'Europe/Berlin')).toBe(true);
    expect(isDue({ ...base, active: false }, 'b', now, 'Europe/Berlin')).toBe(false);
  });

  it('refuses schedules more often than hourly and malformed ones, in one sentence', async () => {
    for (const [when, msg] of [['*/5 * * * *', /at most once an hour/], ['0 7 * *', /neither after-publish nor a cron expression/], ['0 0 7 * * 1', /five fields/]] as const) {
      expect((await refusal(subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['leitung'], schedule: when }, 'test', settings()))).message).toMatch(msg);
    }
    const weekly = await subscribe(app.db, P.leitung!, { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['leitung'], schedule: '0 7 * * 1' }, 'test', settings());
    const next = new Date(weekly.next_due_at!);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(next)).toBe('Mon 07:00');
    // one subscribes others only to what one sees oneself
    expect((await refusal(subscribe(app.db, P['abt-asyl']!, { target_kind: 'report', target: 'course-providers', format: 'pdf', recipients: ['leitung'] }, 'test', settings()))).status).toBe(403);
  });
});
