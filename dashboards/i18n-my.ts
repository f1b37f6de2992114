/**
 * The texts of "Mein FIS" — personal views, the start page, events on the time axes — German
 * first, English second, in their own module like the administration's. `tm` knows these and,
 * falling back, every text of the main catalogue.
 */
import { fill, t, type Lang, type TextKey } from './i18n';

const M = {
  myFis: { de: 'Mein FIS', en: 'My FIS' },
  myFisIntro: {
    de: 'Ihre Startseite: angeheftete Kennzahlen und Diagramme aus allen Dashboards, jeweils mit ihren eigenen Filtern. Die Reihenfolge ändern Sie per Ziehen und Ablegen oder mit den Schaltflächen „Nach oben“ und „Nach unten“.',
    en: 'Your start page: pinned key figures and charts from any dashboard, each with its own filters. Change the order by drag and drop or with the “Move up” and “Move down” buttons.',
  },
  myFisEmpty: { de: 'Noch nichts angeheftet. Auf jedem Dashboard: „An Mein FIS anheften“ unter einem Diagramm.', en: 'Nothing pinned yet. On every dashboard: “Pin to My FIS” below a chart.' },
  fromRoleTemplate: { de: 'Diese Startseite hat die Administration für Ihre Rolle zusammengestellt; sobald Sie etwas ändern, ist sie Ihre eigene.', en: 'This start page was set up for your role by the administration; once you change anything, it is your own.' },
  hiddenPins: {
    de: '{n} angeheftete(s) Element(e) dürfen Sie nicht mehr sehen; sie werden nicht angezeigt.',
    en: '{n} pinned item(s) are no longer within your rights and are not shown.',
  },
  pinnedFrom: { de: 'Aus „{dashboard}“', en: 'From “{dashboard}”' },
  openDashboard: { de: 'Dashboard öffnen', en: 'Open dashboard' },
  pin: { de: 'An Mein FIS anheften', en: 'Pin to My FIS' },
  pinned: { de: 'Angeheftet – siehe Mein FIS.', en: 'Pinned — see My FIS.' },
  unpin: { de: 'Lösen', en: 'Unpin' },
  moveUp: { de: 'Nach oben', en: 'Move up' },
  moveDown: { de: 'Nach unten', en: 'Move down' },
  moved: { de: '„{title}“ ist jetzt an Position {n} von {of}.', en: '“{title}” is now at position {n} of {of}.' },
  removed: { de: '„{title}“ wurde gelöst.', en: '“{title}” was unpinned.' },
  pinActions: { de: 'Anordnung: {title}', en: 'Arrange: {title}' },
  dragHint: { de: 'Ziehen zum Verschieben', en: 'Drag to move' },
  saveFailed: { de: 'Die Änderung konnte nicht gespeichert werden.', en: 'The change could not be saved.' },
  // personal views
  myViews: { de: 'Meine Ansichten', en: 'My views' },
  noViews: { de: 'Noch keine gespeicherten Ansichten für diese Seite.', en: 'No saved views for this page yet.' },
  saveView: { de: 'Ansicht speichern', en: 'Save view' },
  viewName: { de: 'Name der Ansicht', en: 'Name of the view' },
  viewNameHint: { de: 'z. B. „Meine Außenstelle, letzte 12 Monate“ – der Zeitraum bleibt relativ, wenn Sie eine Schnellauswahl gewählt haben.', en: 'e.g. “My office, last 12 months” — the period stays relative when you picked a quick choice.' },
  asDefault: { de: 'Als Standard für diese Seite', en: 'Default for this page' },
  isDefault: { de: 'Standard', en: 'Default' },
  makeDefault: { de: 'Als Standard', en: 'Make default' },
  unsetDefault: { de: 'Nicht mehr Standard', en: 'No longer default' },
  rename: { de: 'Umbenennen', en: 'Rename' },
  newName: { de: 'Neuer Name für „{name}“', en: 'New name for “{name}”' },
  delete: { de: 'Löschen', en: 'Delete' },
  copyLink: { de: 'Link kopieren', en: 'Copy link' },
  linkCopied: { de: 'Link kopiert. Wer ihn öffnet, sieht die Ansicht mit den eigenen Rechten.', en: 'Link copied. Whoever opens it sees the view with their own rights.' },
  viewSaved: { de: 'Ansicht „{name}“ gespeichert.', en: 'View “{name}” saved.' },
  viewDeleted: { de: 'Ansicht „{name}“ gelöscht.', en: 'View “{name}” deleted.' },
  droppedOutOfScope: {
    de: 'Außerhalb Ihrer Rechte und daher nicht angewandt: {values}.',
    en: 'Outside your rights and therefore not applied: {values}.',
  },
  // events
  events: { de: 'Ereignisse', en: 'Events' },
  eventsOnChart: { de: 'Ereignisse in diesem Zeitraum', en: 'Events in this period' },
  eventColumn: { de: 'Ereignis', en: 'Event' },
  addEvent: { de: 'Ereignis eintragen', en: 'Add an event' },
  eventDate: { de: 'Datum', en: 'Date' },
  eventTitle: { de: 'Kurztext', en: 'Short text' },
  eventText: { de: 'Beschreibung (optional)', en: 'Description (optional)' },
  eventStates: { de: 'Nur für Länder (Schlüssel, durch Komma getrennt; leer: alle)', en: 'Only for states (keys, separated by commas; empty: all)' },
  eventOffices: { de: 'Nur für Außenstellen (Kürzel, durch Komma getrennt; leer: alle)', en: 'Only for offices (codes, separated by commas; empty: all)' },
  eventRoles: { de: 'Sichtbar für Rollen', en: 'Visible to roles' },
  eventAdded: { de: 'Ereignis „{title}“ eingetragen.', en: 'Event “{title}” added.' },
  eventRemove: { de: 'Entfernen', en: 'Remove' },
  eventsIntro: {
    de: 'Datierte Hinweise auf den Zeitachsen aller Diagramme, deren Zeitraum und Gebiet sie betreffen – sichtbar für die gewählten Rollen.',
    en: 'Dated notes on the time axes of every chart whose period and area they concern — visible to the chosen roles.',
  },
  eventsPdf: { de: 'Ereignisse', en: 'Events' },
  // administration: start page per role
  roleStartPage: { de: 'Startseite der Rolle', en: 'Start page of the role' },
  roleStartPageIntro: {
    de: 'Womit neue Benutzerinnen und Benutzer dieser Rolle auf „Mein FIS“ beginnen. Sie wählen Diagramme und Kennzahlen aus – ohne Zahlen zu sehen.',
    en: 'What new users of this role start with on “My FIS”. You choose charts and key figures — without seeing any figures.',
  },
  roleStartPageSaved: { de: 'Startseite gespeichert.', en: 'Start page saved.' },
  addToStartPage: { de: 'Hinzufügen', en: 'Add' },
  chooseWhat: { de: 'Diagramm oder Kennzahlen', en: 'Chart or key figures' },
  save: { de: 'Speichern', en: 'Save' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MyTextKey = keyof typeof M;

export function tm(lang: Lang, key: MyTextKey | TextKey, vars: Record<string, string | number> = {}): string {
  const own = (M as Record<string, Record<Lang, string>>)[key];
  return own ? fill(own[lang], vars) : t(lang, key as TextKey, vars);
}

/** The texts a client component needs, picked on the server (the catalogue stays out of the bundle). */
export const pick = <K extends MyTextKey>(lang: Lang, keys: readonly K[]): Record<K, string> => Object.fromEntries(keys.map((k) => [k, tm(lang, k)])) as Record<K, string>;
