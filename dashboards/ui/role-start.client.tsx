'use client';
/** The administrator's editor of a role's start page: choose panels and tiles by title, order them, save (PUT /api/admin/roles/<name>/start). */
import { useId, useState } from 'react';
import { sendJson } from './api.client';
import { InlineError } from './form-error';

export interface StartChoice {
  /** slug/panel or slug/panel/tile */
  key: string;
  group: string;
  label: string;
}

type Labels = Record<'chooseWhat' | 'addToStartPage' | 'moveUp' | 'moveDown' | 'unpin' | 'save' | 'roleStartPageSaved' | 'saveFailed' | 'myFisEmpty', string>;

export function RoleStartEditor({ role, choices, initial, labels }: { role: string; choices: StartChoice[]; initial: string[]; labels: Labels }) {
  const id = useId();
  const [items, setItems] = useState(initial);
  const [pick, setPick] = useState(choices[0]?.key ?? '');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const byKey = new Map(choices.map((c) => [c.key, c]));
  const groups = [...new Set(choices.map((c) => c.group))];
  const move = (i: number, d: number) => {
    const next = [...items];
    const [x] = next.splice(i, 1);
    next.splice(i + d, 0, x!);
    setItems(next);
  };
  const save = async () => {
    setError('');
    const body = { items: items.map((k) => { const [slug, panel, tile] = k.split('/'); return { slug, panel, ...(tile ? { tile } : {}) }; }) };
    const r = await sendJson('PUT', `/api/admin/roles/${encodeURIComponent(role)}/start`, body, labels.saveFailed);
    if (r.error) setError(r.error);
    else setStatus(labels.roleStartPageSaved);
  };
  return (
    <div className="role-start" data-testid="role-start">
      <label htmlFor={`${id}-pick`}>{labels.chooseWhat}</label>{' '}
      <select id={`${id}-pick`} value={pick} onChange={(e) => setPick(e.target.value)}>
        {groups.map((g) => (
          <optgroup key={g} label={g}>
            {choices.filter((c) => c.group === g).map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>{' '}
      <button type="button" className="button-secondary" onClick={() => pick && !items.includes(pick) && setItems([...items, pick])}>
        {labels.addToStartPage}
      </button>
      {items.length ? (
        <ol className="role-start-list">
          {items.map((k, i) => (
            <li key={k}>
              {byKey.get(k)?.group}: {byKey.get(k)?.label ?? k}{' '}
              <button type="button" className="link-button" disabled={i === 0} onClick={() => move(i, -1)}>{labels.moveUp}</button>{' '}
              <button type="button" className="link-button" disabled={i === items.length - 1} onClick={() => move(i, 1)}>{labels.moveDown}</button>{' '}
              <button type="button" className="link-button" onClick={() => setItems(items.filter((x) => x !== k))}>{labels.unpin}</button>
            </li>
          ))}
        </ol>
      ) : (
        <p className="hint">{labels.myFisEmpty}</p>
      )}
      <button type="button" className="button-primary" onClick={() => void save()} data-testid="role-start-save">
        {labels.save}
      </button>
      <p role="status" className="hint">{status}</p>
      <InlineError error={error} />
    </div>
  );
}
