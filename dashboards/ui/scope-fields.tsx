/**
 * The choices of roles and states that give a user — or the members of a group of the identity
 * provider — their rights; shared by the user form and the group-mapping form.
 */
import type { Lang } from '../i18n';
import { ta } from '../i18n-admin';

export interface ScopeChoices {
  roles: Array<{ name: string; label: string }>;
  states: Array<{ code: string; label: string }>;
}

export const splitOffices = (s: string) => s.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean);

export function ScopeFieldsets({ lang, choices, value, disabled, describedBy }: { lang: Lang; choices: ScopeChoices; value?: { roles: string[]; states: string[] }; disabled?: boolean; describedBy?: string }) {
  return (
    <>
      <fieldset className="panel" disabled={disabled} aria-describedby={describedBy}>
        <legend>{ta(lang, 'colRoles')}</legend>
        <div className="choices">
          {choices.roles.map((r) => (
            <label key={r.name} className="inline">
              <input type="checkbox" name="roles" value={r.name} defaultChecked={value?.roles.includes(r.name)} /> {r.label} ({r.name})
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="panel" disabled={disabled} aria-describedby={describedBy}>
        <legend>{ta(lang, 'colStates')}</legend>
        <div className="choices">
          {choices.states.map((s) => (
            <label key={s.code} className="inline">
              <input type="checkbox" name="states" value={s.code} defaultChecked={value?.states.includes(s.code)} /> {s.label} ({s.code})
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
