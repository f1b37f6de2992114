/**
 * The one catalogue of UI texts, German first, English second. Metric and dimension labels come
 * from the semantic layer, code labels from the code lists of the snapshot; everything else is here.
 */
export type Lang = 'de' | 'en';
export const LANGS: readonly Lang[] = ['de', 'en'];
export const LANG_COOKIE = 'fis_lang';

const T = {
  appName: { de: 'FIS – Führungsinformationssystem', en: 'FIS – Management information system' },
  appShort: { de: 'FIS', en: 'FIS' },
  fictitious: { de: 'Aus Datenschutzgründen sind alle Zahlen fiktiv.', en: 'For reasons of data protection, all figures are fictitious.' },
  skipToContent: { de: 'Zum Inhalt springen', en: 'Skip to content' },
  dashboards: { de: 'Dashboards', en: 'Dashboards' },
  reports: { de: 'Berichte', en: 'Reports' },
  administration: { de: 'Administration', en: 'Administration' },
  mainNav: { de: 'Hauptnavigation', en: 'Main navigation' },
  userMenu: { de: 'Benutzermenü', en: 'User menu' },
  language: { de: 'Sprache', en: 'Language' },
  logout: { de: 'Abmelden', en: 'Log out' },
  login: { de: 'Anmelden', en: 'Log in' },
  loginTitle: { de: 'Anmeldung', en: 'Log in' },
  username: { de: 'Benutzername', en: 'User name' },
  password: { de: 'Kennwort', en: 'Password' },
  loginFailed: { de: 'Die Anmeldung ist fehlgeschlagen.', en: 'Login failed.' },
  dataAsOf: { de: 'Datenstand', en: 'Data as of' },
  snapshot: { de: 'Stand', en: 'Snapshot' },
  filters: { de: 'Filter', en: 'Filters' },
  period: { de: 'Zeitraum', en: 'Period' },
  from: { de: 'von', en: 'from' },
  to: { de: 'bis', en: 'to' },
  thisYear: { de: 'Dieses Jahr', en: 'This year' },
  last12: { de: 'Letzte 12 Monate', en: 'Last 12 months' },
  allStates: { de: 'Alle Länder', en: 'All states' },
  allOffices: { de: 'Alle Außenstellen', en: 'All offices' },
  allNationalities: { de: 'Alle Staatsangehörigkeiten', en: 'All nationalities' },
  all: { de: 'Alle', en: 'All' },
  apply: { de: 'Anwenden', en: 'Apply' },
  reset: { de: 'Zurücksetzen', en: 'Reset' },
  federal: { de: 'Bund', en: 'Federal' },
  drillHint: { de: 'Klick auf ein Land oder einen Balken filtert danach.', en: 'Click a state or a bar to filter by it.' },
  showTable: { de: 'Tabelle', en: 'Table' },
  showChart: { de: 'Diagramm', en: 'Chart' },
  loading: { de: 'Wird geladen …', en: 'Loading …' },
  noData: { de: 'Für diese Auswahl gibt es keine Daten.', en: 'There are no data for this selection.' },
  notInRights: { de: 'Diese Kennzahl liegt außerhalb Ihrer Rechte.', en: 'This metric is outside your rights.' },
  suppressedLegend: {
    de: '· = aus Geheimhaltungsgründen nicht ausgewiesen (Fallzahl kleiner als {n})',
    en: '· = withheld for confidentiality (fewer than {n} cases)',
  },
  previousYear: { de: 'Vorjahr', en: 'Previous year' },
  changeVsPreviousYear: { de: 'gegenüber Vorjahreszeitraum', en: 'vs. same period last year' },
  total: { de: 'Summe', en: 'Total' },
  forbiddenTitle: { de: 'Kein Zugriff', en: 'No access' },
  forbiddenText: { de: 'Diese Seite liegt außerhalb Ihrer Rechte.', en: 'This page is outside your rights.' },
  notFoundTitle: { de: 'Nicht gefunden', en: 'Not found' },
  errorTitle: { de: 'Fehler', en: 'Error' },
  back: { de: 'Zurück zur Übersicht', en: 'Back to the overview' },
  mapAttribution: { de: '© GeoBasis-DE / BKG 2018 (Daten verändert), dl-de/by-2-0', en: '© GeoBasis-DE / BKG 2018 (data changed), dl-de/by-2-0' },
  export: { de: 'Export', en: 'Export' },
  rows: { de: 'Zeilen', en: 'rows' },
  exportAs: { de: 'Exportieren als', en: 'Export as' },
  exportPanel: { de: 'Daten exportieren', en: 'Export data' },
  csvPlain: { de: 'CSV (UTF-8)', en: 'CSV (UTF-8)' },
  csvExcel: { de: 'CSV für Excel (Semikolon)', en: 'CSV for German Excel (semicolon)' },
  xlsx: { de: 'Excel (XLSX)', en: 'Excel (XLSX)' },
  pdf: { de: 'PDF', en: 'PDF' },
  parquet: { de: 'Parquet', en: 'Parquet' },
  page: { de: 'Seite {n} von {total}', en: 'Page {n} of {total}' },
  part: { de: 'Spaltenblock {n} von {total}', en: 'Column block {n} of {total}' },
  level: { de: 'Ebene', en: 'Level' },
  levelRow: { de: 'Zeile', en: 'row' },
  levelSubtotal: { de: 'Zwischensumme', en: 'subtotal' },
  levelTotal: { de: 'Gesamt', en: 'total' },
  code: { de: 'Schlüssel', en: 'code' },
  sortedBy: { de: 'Sortiert nach {col}', en: 'Sorted by {col}' },
  sortReset: { de: 'Ursprüngliche Reihenfolge', en: 'Original order' },
  sortHint: { de: 'Spaltenkopf anklicken, um zu sortieren.', en: 'Click a column heading to sort.' },
  suppressedCount: { de: '{n} Werte nicht ausgewiesen.', en: '{n} values withheld.' },
  reportChart: { de: 'Diagramm', en: 'Chart' },
  noExportRight: { de: 'Für diesen Bericht haben Sie kein Exportrecht.', en: 'You have no export right for this report.' },
  adminUsers: { de: 'Benutzer', en: 'Users' },
  adminRoles: { de: 'Rollen', en: 'Roles' },
  auditLog: { de: 'Protokoll', en: 'Audit log' },
  auditIntro: { de: 'Anmeldungen, Exporte sowie Änderungen an Rollen und Benutzern — neueste zuerst, höchstens {n} Einträge.', en: 'Logins, exports and changes to roles and users — newest first, at most {n} entries.' },
  colUser: { de: 'Benutzer', en: 'User' },
  colName: { de: 'Name', en: 'Name' },
  colRoles: { de: 'Rollen', en: 'Roles' },
  colOffices: { de: 'Außenstellen', en: 'Offices' },
  colStates: { de: 'Länder', en: 'States' },
  colActive: { de: 'Aktiv', en: 'Active' },
  colRole: { de: 'Rolle', en: 'Role' },
  colRules: { de: 'Regeln', en: 'Rules' },
  colVersion: { de: 'Version', en: 'Version' },
  colChangedBy: { de: 'Geändert von', en: 'Changed by' },
  colAt: { de: 'Zeitpunkt', en: 'Time' },
  colAction: { de: 'Aktion', en: 'Action' },
  colTarget: { de: 'Ziel', en: 'Target' },
  colOutcome: { de: 'Ergebnis', en: 'Outcome' },
  colDetails: { de: 'Details', en: 'Details' },
  downloadCsv: { de: 'Als CSV herunterladen', en: 'Download as CSV' },
  yes: { de: 'ja', en: 'yes' },
  no: { de: 'nein', en: 'no' },
  none: { de: 'keine', en: 'none' },
  pipeline: { de: 'Datenpipeline', en: 'Data pipeline' },
  userNew: { de: 'Neuen Benutzer anlegen', en: 'Create a user' },
  userEdit: { de: 'Benutzer {name}', en: 'User {name}' },
  userCreate: { de: 'Benutzer anlegen', en: 'Create user' },
  roleNew: { de: 'Neue Rolle anlegen', en: 'Create a role' },
  roleEdit: { de: 'Rolle {name}', en: 'Role {name}' },
  roleCopy: { de: 'Kopieren', en: 'Copy' },
  roleCreate: { de: 'Rolle anlegen', en: 'Create role' },
  roleDeleteConfirm: { de: 'Die Rolle „{name}“ löschen? Die Historie bleibt erhalten.', en: 'Delete the role "{name}"? Its history is kept.' },
  roleDeleted: { de: 'Diese Rolle ist gelöscht; eine frühere Version kann wiederhergestellt werden.', en: 'This role is deleted; an earlier version can be restored.' },
  labelDe: { de: 'Bezeichnung (deutsch)', en: 'Label (German)' },
  labelEn: { de: 'Bezeichnung (englisch)', en: 'Label (English)' },
  description: { de: 'Beschreibung', en: 'Description' },
  rules: { de: 'Regeln', en: 'Rules' },
  rule: { de: 'Regel', en: 'Rule' },
  subject: { de: 'Gegenstand', en: 'Subject' },
  action: { de: 'Aktion', en: 'Action' },
  deny: { de: 'verbieten', en: 'deny' },
  ruleAdd: { de: 'Regel hinzufügen', en: 'Add a rule' },
  ruleRemove: { de: 'Regel entfernen', en: 'Remove rule' },
  where: { de: 'wo', en: 'where' },
  and: { de: 'und', en: 'and' },
  condition: { de: 'Bedingung', en: 'Condition' },
  field: { de: 'Feld', en: 'Field' },
  operator: { de: 'Operator', en: 'Operator' },
  value: { de: 'Wert', en: 'Value' },
  valueHint: { de: 'Codes mit Komma oder ${user.states} …', en: 'codes separated by commas, or ${user.states} …' },
  conditionAdd: { de: 'Bedingung hinzufügen', en: 'Add a condition' },
  conditionRemove: { de: 'Bedingung entfernen', en: 'Remove condition' },
  preview: { de: 'Vorschau', en: 'Preview' },
  previewTitle: { de: 'Vorschau: ein Benutzer mit dieser Rolle', en: 'Preview: a user with this role' },
  previewOffices: { de: 'Vorschau mit Außenstellen', en: 'Preview with offices' },
  previewStates: { de: 'Vorschau mit Ländern', en: 'Preview with states' },
  previewNationality: { de: 'Bedingungen zur Staatsangehörigkeit schränken die Daten zusätzlich ein.', en: 'Conditions on nationality narrow the data further.' },
  previewSample: { de: 'Beispielabfrage', en: 'Sample query' },
  previewNoFigures: { de: 'Die Vorschau zeigt Rechte und die Abfrage, die das Warehouse ausführen würde – keine Zahlen: Administration gewährt keinen Zugriff auf Falldaten.', en: 'The preview shows rights and the statement the warehouse would run — no figures: administration grants no access to case data.' },
  exportFormats: { de: 'Exportformate', en: 'Export formats' },
  dataDomains: { de: 'Datenbereiche', en: 'Data domains' },
  unsuppressedDomains: { de: 'Ohne Geheimhaltung', en: 'Without suppression' },
  statesIntegration: { de: 'Länder (Integrationskurse)', en: 'States (integration courses)' },
  statesVocational: { de: 'Länder (Berufssprachkurse)', en: 'States (vocational courses)' },
  save: { de: 'Speichern', en: 'Save' },
  saved: { de: 'Gespeichert.', en: 'Saved.' },
  delete: { de: 'Löschen', en: 'Delete' },
  history: { de: 'Versionen', en: 'History' },
  deleted: { de: 'gelöscht', en: 'deleted' },
  currentVersion: { de: 'aktuell', en: 'current' },
  noChange: { de: 'keine inhaltliche Änderung', en: 'no change in content' },
  restoreVersion: { de: 'Version {n} wiederherstellen', en: 'Restore version {n}' },
  restoreConfirm: { de: 'Version {n} als neue Version wiederherstellen?', en: 'Restore version {n} as a new version?' },
  oneTimePasswordIntro: { de: 'Einmalpasswort – bitte sicher übergeben; es wird nur jetzt angezeigt und muss bei der ersten Anmeldung geändert werden:', en: 'One-time password — hand it over safely; it is shown only now and must be changed at the first login:' },
  passwordReset: { de: 'Passwort zurücksetzen', en: 'Reset password' },
  passwordResetConfirm: { de: 'Ein neues Einmalpasswort für „{name}“ erzeugen? Laufende Sitzungen enden.', en: 'Create a new one-time password for "{name}"? Their sessions end.' },
  runNow: { de: 'Jetzt aktualisieren', en: 'Update now' },
  runNowFull: { de: 'Vollständig neu laden', en: 'Full reload' },
  pipelineSnapshot: { de: 'Aktueller Stand {id}, Datenstand {asOf}, veröffentlicht {at}.', en: 'Current snapshot {id}, data as of {asOf}, published {at}.' },
  pipelineNoSnapshot: { de: 'Noch kein Stand veröffentlicht.', en: 'No snapshot published yet.' },
  pipelineNext: { de: 'Nächster Lauf: inkrementell {inc}, vollständig {full}.', en: 'Next run: incremental {inc}, full {full}.' },
  pipelineNoScheduler: { de: 'Der Scheduler läuft nicht (fis scheduler); Läufe nur manuell.', en: 'The scheduler is not running (fis scheduler); runs are manual only.' },
  pipelineRunning: { de: 'Ein Lauf ist im Gange …', en: 'A run is in progress …' },
  freshness: { de: 'Aktualität der Quellen', en: 'Freshness of the sources' },
  fresh: { de: 'aktuell', en: 'fresh' },
  stale: { de: 'überfällig', en: 'stale' },
  runs: { de: 'Läufe', en: 'Runs' },
  lastRun: { de: 'Letzter Lauf {at}', en: 'Last run {at}' },
  findings: { de: 'Befunde der Datenqualität', en: 'Data-quality findings' },
  quarantine: { de: 'Quarantäne', en: 'Quarantine' },
  quarantineEmpty: { de: 'Keine Zeile in Quarantäne.', en: 'No row in quarantine.' },
  offices: { de: 'Außenstellen', en: 'Offices' },
  quarantineHint: { de: 'Zeilen der Quellen, die gegen den Vertrag verstoßen: mit Grund und Beispielschlüsseln (ohne Inhalte); sie zählen in keiner Kennzahl.', en: 'Source rows that violate the contract: with reason and sample keys (no contents); they count in no metric.' },
  colSource: { de: 'Quelle', en: 'Source' },
  colLatestChange: { de: 'Letzte Änderung', en: 'Latest change' },
  colAgeHours: { de: 'Alter (h)', en: 'Age (h)' },
  colThreshold: { de: 'Schwelle (h)', en: 'Threshold (h)' },
  colStatus: { de: 'Status', en: 'Status' },
  colRun: { de: 'Lauf', en: 'Run' },
  colMode: { de: 'Art', en: 'Mode' },
  colTrigger: { de: 'Auslöser', en: 'Trigger' },
  colDuration: { de: 'Dauer', en: 'Duration' },
  colExtracted: { de: 'Gelesen', en: 'Extracted' },
  colStaged: { de: 'Im Staging', en: 'Staged' },
  colQuarantined: { de: 'Quarantäne', en: 'Quarantined' },
  colPublished: { de: 'Veröffentlicht', en: 'Published' },
  colReason: { de: 'Grund', en: 'Reason' },
  colTable: { de: 'Tabelle', en: 'Table' },
  colRows: { de: 'Zeilen', en: 'Rows' },
  colSamples: { de: 'Beispiele (Schlüssel)', en: 'Samples (keys)' },
  run_running: { de: 'läuft', en: 'running' },
  run_succeeded: { de: 'erfolgreich', en: 'succeeded' },
  run_failed: { de: 'fehlgeschlagen', en: 'failed' },
  run_blocked: { de: 'blockiert', en: 'blocked' },
  run_crashed: { de: 'abgebrochen', en: 'crashed' },
  passwordChange: { de: 'Passwort ändern', en: 'Change password' },
  passwordCurrent: { de: 'Aktuelles Passwort', en: 'Current password' },
  passwordNew: { de: 'Neues Passwort (mindestens 10 Zeichen, Buchstaben und Ziffern oder Zeichen)', en: 'New password (at least 10 characters, letters and digits or symbols)' },
  passwordRepeat: { de: 'Neues Passwort wiederholen', en: 'Repeat the new password' },
  passwordMismatch: { de: 'Die beiden neuen Passwörter stimmen nicht überein.', en: 'The two new passwords differ.' },
  passwordMustChange: { de: 'Sie haben ein Einmalpasswort erhalten. Bitte legen Sie jetzt Ihr eigenes Passwort fest.', en: 'You have received a one-time password. Please set your own password now.' },
  showAllRows: { de: 'Alle {n} Zeilen anzeigen', en: 'Show all {n} rows' },
  unassigned: { de: '(ohne Zuordnung)', en: '(unassigned)' },
  createdBy: { de: 'Erstellt von {user} am {at}', en: 'Created by {user} on {at}' },
} as const;

export type TextKey = keyof typeof T;

export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  let s: string = T[key][lang];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, digits: number, style?: 'currency') {
  const key = `${lang}:${digits}:${style ?? ''}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
      maximumFractionDigits: digits,
      minimumFractionDigits: digits,
      ...(style ? { style, currency: 'EUR' } : {}),
    });
    numberFormats.set(key, f);
  }
  return f;
}

export type ValueFormat = 'count' | 'percent' | 'months' | 'eur';

/** A value for people: German number formatting, "·" for a suppressed cell. */
export function formatValue(v: number | null | undefined, format: ValueFormat, lang: Lang, opts: { exact?: boolean } = {}): string {
  if (v === null || v === undefined) return '·';
  switch (format) {
    case 'count':
      return nf(lang, 0).format(v);
    case 'percent':
      return `${nf(lang, 1).format(v)} %`;
    case 'months':
      return `${nf(lang, 1).format(v)} ${lang === 'de' ? 'Mon.' : 'mo.'}`;
    case 'eur':
      return Math.abs(v) >= 1e6 && !opts.exact ? `${nf(lang, 1).format(v / 1e6)} Mio. €` : nf(lang, 0, 'currency').format(v);
  }
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: iso.length > 10 ? 'short' : undefined, timeZone: 'Europe/Berlin' }).format(d);
}

/** Labels of time codes: 2025-03 → "März 2025" / "Mar 2025". */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function df(lang: Lang, grain: 'month' | 'day') {
  const key = `${lang}:${grain}`;
  let f = dateFormats.get(key);
  if (!f) {
    const loc = lang === 'de' ? 'de-DE' : 'en-GB';
    f = new Intl.DateTimeFormat(loc, grain === 'month' ? { month: 'short', year: 'numeric', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' });
    dateFormats.set(key, f);
  }
  return f;
}

export function timeLabel(code: string | number, grain: string, lang: Lang): string {
  const s = String(code);
  if (grain === 'month' && /^\d{4}-\d{2}$/.test(s)) return df(lang, 'month').format(new Date(`${s}-01T00:00:00Z`));
  if (grain === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(s)) return df(lang, 'day').format(new Date(`${s}T00:00:00Z`));
  if (grain === 'quarter') return s.replace('-Q', lang === 'de' ? ' Q' : ' Q');
  return s;
}
