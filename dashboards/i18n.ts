/**
 * The one catalogue of UI texts, German first, English second. Metric and dimension labels come
 * from the semantic layer, code labels from the code lists of the snapshot; everything else is here.
 */
import { processWide } from '../platform/process-wide';
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
  chartTableHint: { de: 'Alle Werte in der Tabelle (Schaltfläche „Tabelle“).', en: 'All values in the table (button “Table”).' },
  loading: { de: 'Wird geladen …', en: 'Loading …' },
  noData: { de: 'Für diese Auswahl gibt es keine Daten.', en: 'There are no data for this selection.' },
  notInRights: { de: 'Diese Kennzahl liegt außerhalb Ihrer Rechte.', en: 'This metric is outside your rights.' },
  suppressedLegend: {
    de: '· = aus Geheimhaltungsgründen nicht ausgewiesen (Fallzahl kleiner als {n})',
    en: '· = withheld for confidentiality (fewer than {n} cases)',
  },
  previousYear: { de: 'Vorjahr', en: 'Previous year' },
  changeVsPreviousYear: { de: 'gegenüber Vorjahreszeitraum', en: 'vs. same period last year' },
  favourable: { de: 'günstiger', en: 'better' },
  unfavourable: { de: 'ungünstiger', en: 'worse' },
  spark: { de: 'Verlauf der letzten 24 Monate', en: 'last 24 months' },
  sparkPartial: { de: 'Verlauf der letzten 24 Monate, der letzte Monat unvollständig', en: 'last 24 months, the last one incomplete' },
  noneQualify: { de: 'Für diese Auswahl erreicht kein Eintrag die Mindestzahl.', en: 'No entry reaches the minimum for this selection.' },
  year: { de: 'Jahr', en: 'Year' },
  chooseYear: { de: 'Jahr wählen …', en: 'Choose a year …' },
  currentPage: { de: 'aktuelle Seite', en: 'current page' },
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
  cellKeyLegend: {
    de: 'Werte sind zur Wahrung der statistischen Geheimhaltung geringfügig verändert (Cell-Key-Verfahren, höchstens ±2); Summen können daher von der Summe ihrer Teile abweichen.',
    en: 'Values are slightly altered to preserve statistical confidentiality (cell-key method, at most ±2); totals may therefore differ from the sum of their parts.',
  },
  cellKeyWithheld: { de: '· = Quote oder Mittelwert über weniger als {n} Fälle, nicht ausgewiesen.', en: '· = rate or average over fewer than {n} cases, withheld.' },
  reportChart: { de: 'Diagramm', en: 'Chart' },
  noExportRight: { de: 'Für diesen Bericht haben Sie kein Exportrecht.', en: 'You have no export right for this report.' },
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

/** A text with its {placeholders} filled in. */
export function fill(text: string, vars: Record<string, string | number> = {}): string {
  let s = text;
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return fill(T[key][lang], vars);
}

const numberFormats = processWide('i18n:number-formats', () => new Map<string, Intl.NumberFormat>());
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
const dateFormats = processWide('i18n:date-formats', () => new Map<string, Intl.DateTimeFormat>());
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
