/** Texts of single sign-on on the login page, German first — beside the main catalogue. */
import type { Lang } from './i18n';

const S = {
  ssoButton: { de: 'Anmelden mit {name}', en: 'Sign in with {name}' },
  ssoOr: { de: 'oder mit lokalem Passwort', en: 'or with a local password' },
  ssoAdminsOnly: { de: 'Lokale Passwörter nur für die Administration (Notfallzugang).', en: 'Local passwords for administrators only (break-glass access).' },
  sso_state: { de: 'Die Anmeldung konnte diesem Browser nicht zugeordnet werden oder ist abgelaufen; bitte erneut anmelden.', en: 'The sign-in could not be matched to this browser or has expired; please sign in again.' },
  sso_provider: { de: 'Der Anmeldedienst hat die Anmeldung abgelehnt oder ist nicht erreichbar.', en: 'The identity provider refused the sign-in or cannot be reached.' },
  sso_token: { de: 'Die Antwort des Anmeldedienstes konnte nicht geprüft werden; die Anmeldung wurde abgelehnt.', en: "The identity provider's answer could not be verified; the sign-in was refused." },
  sso_unmapped: { de: 'Ihr Konto hat in FIS keine Rolle: keine Ihrer Gruppen ist zugeordnet. Bitte wenden Sie sich an die Administration.', en: 'Your account has no role in FIS: none of your groups is mapped. Please ask an administrator.' },
  sso_inactive: { de: 'Ihr FIS-Konto ist deaktiviert oder gesperrt. Bitte wenden Sie sich an die Administration.', en: 'Your FIS account is deactivated or locked. Please ask an administrator.' },
  sso_conflict: { de: 'Ein lokales Konto mit Ihrem Namen besteht bereits; die Administration muss es umbenennen.', en: 'A local account with your name exists; an administrator must rename it.' },
} as const;

export type SsoText = keyof typeof S;
export const ts = (lang: Lang, key: SsoText, vars: Record<string, string> = {}) => S[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
export const isSsoFailure = (code: string | undefined): code is 'state' | 'provider' | 'token' | 'unmapped' | 'inactive' | 'conflict' =>
  !!code && ['state', 'provider', 'token', 'unmapped', 'inactive', 'conflict'].includes(code);
