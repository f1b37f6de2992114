/**
 * The texts of subscriptions, alerts, the inbox and the mails, German first, English second — in
 * their own module, like the administration's. `ts` knows these and, falling back, every text of
 * the main catalogue. Reasons and inbox messages are stored as a key and its values, so that each
 * reader gets them in their own language.
 */
import { fill, t, type Lang, type TextKey } from './i18n';

const S = {
  subscriptions: { de: 'Abonnements', en: 'Subscriptions' },
  subscriptionsIntro: {
    de: 'Berichte und Dashboards, die von selbst kommen: jede Empfängerin und jeder Empfänger erhält sie mit den eigenen Rechten zum Zeitpunkt der Zustellung.',
    en: 'Reports and dashboards that arrive by themselves: every recipient gets them with their own rights at the time of delivery.',
  },
  allSubscriptions: { de: 'Alle Abonnements (Administration)', en: 'All subscriptions (administration)' },
  mySubscriptions: { de: 'Meine Abonnements und Alarme', en: 'My subscriptions and alerts' },
  noSubscriptions: { de: 'Noch keine Abonnements. Auf jedem Bericht und Dashboard: „Abonnieren“.', en: 'No subscriptions yet. On every report and dashboard: “Subscribe”.' },
  subscribe: { de: 'Abonnieren', en: 'Subscribe' },
  subscribeTitle: { de: '„{title}“ abonnieren', en: 'Subscribe to “{title}”' },
  dashboardPdf: { de: 'Dashboard als PDF', en: 'Dashboard as PDF' },
  dashboardXlsx: { de: 'Dashboard als Excel', en: 'Dashboard as Excel' },
  viewActions: { de: 'Abonnieren und herunterladen', en: 'Subscribe and download' },
  recipients: { de: 'Empfängerinnen und Empfänger (Benutzernamen, durch Komma getrennt)', en: 'Recipients (user names, separated by commas)' },
  recipientsHint: { de: 'Nur Benutzerinnen und Benutzer von FIS – keine freien E-Mail-Adressen. Jede Person erhält nur, was sie selbst sehen darf.', en: 'FIS users only — no free e-mail addresses. Everyone gets only what they may see themselves.' },
  format: { de: 'Format', en: 'Format' },
  when: { de: 'Wann', en: 'When' },
  whenAfterPublish: { de: 'Nach jeder Aktualisierung der Daten, höchstens einmal am Tag', en: 'After every data update, at most once a day' },
  whenWeekly: { de: 'Jeden Montag um 07:00', en: 'Every Monday at 07:00' },
  whenCron: { de: 'Eigener Zeitplan (Cron, z. B. „0 7 * * 1-5“)', en: 'Own schedule (cron, e.g. “0 7 * * 1-5”)' },
  cron: { de: 'Zeitplan (Minute Stunde Tag Monat Wochentag)', en: 'Schedule (minute hour day month weekday)' },
  channel: { de: 'Zustellung', en: 'Delivery' },
  channel_inbox: { de: 'Posteingang in FIS', en: 'Inbox in FIS' },
  'channel_email-link': { de: 'E-Mail mit Link in den Posteingang', en: 'E-mail with a link into the inbox' },
  'channel_email-attachment': { de: 'E-Mail mit Anhang (wenn die Administration Anhänge erlaubt)', en: 'E-mail with attachment (where the administration allows attachments)' },
  format_pdf: { de: 'PDF', en: 'PDF' },
  format_xlsx: { de: 'Excel (XLSX)', en: 'Excel (XLSX)' },
  'format_csv-de': { de: 'CSV für Excel (Semikolon)', en: 'CSV for German Excel (semicolon)' },
  filtersOfView: { de: 'Filter der Ansicht', en: 'Filters of the view' },
  filtersNarrowed: { de: 'Die Rechte jeder Empfängerin und jedes Empfängers schränken sie weiter ein.', en: 'Each recipient’s rights narrow them further.' },
  noFilters: { de: 'keine (Standardzeitraum)', en: 'none (default period)' },
  previewRecipients: { de: 'Vorschau je Empfänger', en: 'Preview per recipient' },
  previewIntro: { de: 'Was jede Person erhielte, mit ihren Rechten von jetzt. Zahlen nur, wo Sie sie selbst sehen dürfen.', en: 'What each person would get, with their rights as of now. Figures only where you may see them yourself.' },
  create: { de: 'Abonnement anlegen', en: 'Create subscription' },
  created: { de: 'Abonnement {id} angelegt.', en: 'Subscription {id} created.' },
  colId: { de: 'Nr.', en: 'No.' },
  colWhat: { de: 'Was', en: 'What' },
  colOwner: { de: 'Angelegt von', en: 'Owner' },
  colRecipients: { de: 'Empfänger', en: 'Recipients' },
  colWhen: { de: 'Wann', en: 'When' },
  colChannel: { de: 'Zustellung', en: 'Delivery' },
  colActive: { de: 'Aktiv', en: 'Active' },
  colLast: { de: 'Zuletzt', en: 'Last' },
  colRecipient: { de: 'Empfänger', en: 'Recipient' },
  colOutcome: { de: 'Ergebnis', en: 'Outcome' },
  colReason: { de: 'Warum', en: 'Why' },
  colSize: { de: 'Größe', en: 'Size' },
  colSnapshot: { de: 'Datenstand', en: 'Data as of' },
  colAt: { de: 'Zeitpunkt', en: 'Time' },
  colScope: { de: 'Umfang', en: 'Scope' },
  colFigures: { de: 'Zahlen', en: 'Figures' },
  history: { de: 'Zustellungen', en: 'Deliveries' },
  noHistory: { de: 'Noch nicht zugestellt.', en: 'Not delivered yet.' },
  runNow: { de: 'Jetzt zustellen', en: 'Deliver now' },
  deactivate: { de: 'Deaktivieren', en: 'Deactivate' },
  activate: { de: 'Aktivieren', en: 'Activate' },
  delivered: { de: 'Zustellung: {summary}', en: 'Delivery: {summary}' },
  alertOf: { de: 'Alarm: {metric} {op} {value}', en: 'Alert: {metric} {op} {value}' },
  alertVs: { de: 'Veränderung gegenüber Vorjahreszeitraum', en: 'change vs. the same period last year' },
  window_month: { de: 'letzter vollständiger Monat', en: 'last complete month' },
  window_week: { de: 'letzte vollständige Woche', en: 'last complete week' },
  outcome_delivered: { de: 'zugestellt', en: 'delivered' },
  outcome_link: { de: 'nur Link', en: 'link only' },
  outcome_refused: { de: 'nichts (ohne Recht)', en: 'nothing (no right)' },
  outcome_pending: { de: 'ausstehend', en: 'pending' },
  outcome_failed: { de: 'fehlgeschlagen', en: 'failed' },
  would_file: { de: 'die Datei', en: 'the file' },
  would_link: { de: 'nur den Link zur Ansicht', en: 'only the link to the view' },
  would_nothing: { de: 'nichts', en: 'nothing' },
  scopeAll: { de: 'alle Daten', en: 'all data' },
  scopeOffices: { de: 'Außenstellen {codes}', en: 'offices {codes}' },
  scopeStates: { de: 'Länder {codes}', en: 'states {codes}' },
  scopeRestricted: { de: 'eingeschränkt', en: 'restricted' },
  scopeDisclosure: { de: 'mit Geheimhaltung', en: 'with disclosure control' },
  figuresHidden: { de: 'nicht gezeigt: Sie dürfen diese Zahlen nicht sehen', en: 'not shown: you may not see these figures' },
  figuresRows: { de: 'Zeilen: {rows}', en: 'rows: {rows}' },
  // the inbox
  inbox: { de: 'Posteingang', en: 'Inbox' },
  alertTitle: { de: 'Alarm', en: 'Alert' },
  noticeTitle: { de: 'Hinweis zu einem Abonnement', en: 'About a subscription' },
  unreadItems: { de: 'ungelesen', en: 'unread' },
  inboxIntro: { de: 'Zugestellte Dateien bleiben {days} Tage hier. Jeder Download wird protokolliert.', en: 'Delivered files stay here for {days} days. Every download is logged.' },
  inboxEmpty: { de: 'Der Posteingang ist leer.', en: 'The inbox is empty.' },
  download: { de: 'Herunterladen', en: 'Download' },
  openView: { de: 'Ansicht öffnen', en: 'Open the view' },
  unread: { de: 'neu', en: 'new' },
  colItem: { de: 'Eingang', en: 'Item' },
  colReceived: { de: 'Eingegangen', en: 'Received' },
  item_link: { de: 'Ihnen fehlt das Exportrecht für {format}; die Ansicht zeigt Ihnen dieselben Zahlen.', en: 'You lack the export right for {format}; the view shows you the same figures.' },
  item_alert: { de: '{metric}{scope}: {value} ({window} {from} – {to}); Schwelle {op} {threshold}.', en: '{metric}{scope}: {value} ({window} {from} – {to}); threshold {op} {threshold}.' },
  item_alert_vs: { de: '{metric}{scope}: {value} gegenüber Vorjahr ({window} {from} – {to}); Schwelle {op} {threshold}.', en: '{metric}{scope}: {value} vs. previous year ({window} {from} – {to}); threshold {op} {threshold}.' },
  notice: { de: 'Abonnement {id} „{title}“: {reason}', en: 'Subscription {id} “{title}”: {reason}' },
  // why (delivery history, notices to owners)
  reason_inactive: { de: '{user} ist nicht mehr aktiv – erhält nichts.', en: '{user} is no longer active — receives nothing.' },
  reason_unknown: { de: 'Es gibt keinen Benutzer {user} mehr – erhält nichts.', en: 'There is no user {user} any more — receives nothing.' },
  reason_deactivated: { de: 'Das Abonnement wurde deaktiviert – nicht mehr zugestellt.', en: 'The subscription was deactivated — no longer delivered.' },
  reason_ownerInactive: { de: 'Das Abonnement ruht: {owner} ist nicht mehr aktiv.', en: 'The subscription rests: {owner} is no longer active.' },
  reason_noView: { de: '{user} darf „{title}“ nicht ansehen – erhält nichts.', en: '{user} may not view “{title}” — receives nothing.' },
  reason_noExport: { de: '{user} hat kein Exportrecht für {format} – erhält den Link zur Ansicht statt der Datei.', en: '{user} has no export right for {format} — gets the link to the view instead of the file.' },
  reason_noMetric: { de: '{user} darf die Kennzahl „{metric}“ nicht nutzen – erhält nichts.', en: '{user} may not use the metric “{metric}” — receives nothing.' },
  reason_refused: { de: 'Für {user} nicht erstellt: {message}', en: 'Not built for {user}: {message}' },
  reason_noEmail: { de: '{user} hat keine E-Mail-Adresse – nur im Posteingang.', en: '{user} has no e-mail address — in the inbox only.' },
  reason_noMailServer: { de: 'Kein Mailserver eingerichtet (FIS_SMTP_URL) – nur im Posteingang.', en: 'No mail server configured (FIS_SMTP_URL) — in the inbox only.' },
  reason_attachmentsOff: { de: 'Anhänge sind abgeschaltet (FIS_MAIL_ATTACHMENTS=false) – die E-Mail enthält den Link, nicht die Daten.', en: 'Attachments are switched off (FIS_MAIL_ATTACHMENTS=false) — the mail carries the link, not the data.' },
  reason_mailFailed: { de: 'Mailserver nicht erreichbar ({error}) – neuer Versuch ab {at}.', en: 'Mail server unreachable ({error}) — next attempt from {at}.' },
  reason_buildFailed: { de: 'Die Datei konnte nicht erstellt werden ({error}); die nächste Zustellung versucht es wieder.', en: 'The file could not be built ({error}); the next delivery tries again.' },
  reason_gaveUp: { de: 'Nach {n} Versuchen aufgegeben: {error}', en: 'Given up after {n} attempts: {error}' },
  // the mails (link-only by default: no figures leave the authority's systems)
  mailSubjectFile: { de: 'FIS: {title} (Datenstand {asOf})', en: 'FIS: {title} (data as of {asOf})' },
  mailSubjectAlert: { de: 'FIS-Alarm: {metric}', en: 'FIS alert: {metric}' },
  mailFile: { de: 'Guten Tag,\n\nin Ihrem FIS-Posteingang liegt „{title}“ (Datenstand {asOf}) für Sie bereit:\n{link}\n\nDie Zahlen sehen Sie nach der Anmeldung, mit Ihren Rechten.', en: 'Hello,\n\n“{title}” (data as of {asOf}) is waiting in your FIS inbox:\n{link}\n\nYou see the figures after logging in, with your rights.' },
  mailAttached: { de: 'Guten Tag,\n\nanbei „{title}“ (Datenstand {asOf}), erstellt mit Ihren Rechten. Auch in Ihrem FIS-Posteingang:\n{link}', en: 'Hello,\n\nattached is “{title}” (data as of {asOf}), built with your rights. Also in your FIS inbox:\n{link}' },
  mailLink: { de: 'Guten Tag,\n\n„{title}“ (Datenstand {asOf}) ist für Sie abonniert. Sie erhalten den Link zur Ansicht:\n{link}', en: 'Hello,\n\nyou are subscribed to “{title}” (data as of {asOf}). Here is the link to the view:\n{link}' },
  mailAlert: { de: 'Guten Tag,\n\nein Alarm zu „{metric}“ hat angeschlagen. Die Zahl sehen Sie nach der Anmeldung in Ihrem FIS-Posteingang:\n{link}', en: 'Hello,\n\nan alert on “{metric}” has fired. You see the figure after logging in, in your FIS inbox:\n{link}' },
  mailAlertFigure: { de: 'Guten Tag,\n\n{text}\n\nAnsicht: {link}', en: 'Hello,\n\n{text}\n\nView: {link}' },
  mailFooter: { de: '\n\n-- \nFIS – Führungsinformationssystem. Aus Datenschutzgründen sind alle Zahlen fiktiv.', en: '\n\n-- \nFIS – Management information system. For reasons of data protection, all figures are fictitious.' },
} as const;

export type SubscriptionTextKey = keyof typeof S;

export function ts(lang: Lang, key: SubscriptionTextKey | TextKey, vars: Record<string, string | number> = {}): string {
  // a text may name a value twice ({user} in a sentence and its heading)
  const text = key in S ? S[key as SubscriptionTextKey][lang] : t(lang, key as TextKey);
  let s = fill(text, vars);
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** A reason or message stored as a key and its values. */
export interface Message {
  key: SubscriptionTextKey;
  vars?: Record<string, string | number>;
  /** a notice to an owner carries the reason it reports */
  reason?: Message;
}

export const say = (lang: Lang, m: Message | null | undefined) => (m ? ts(lang, m.key, m.vars ?? {}) : '');
