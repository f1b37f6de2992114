'use client';
/**
 * "Meine Ansichten" above a dashboard or report: save the filters of the URL as they are now under
 * a name (a quick pick of the period saved as its name, so it stays relative), open, rename,
 * delete, mark one as the page's default, copy a view's link to share it (the receiver's rights
 * apply). A disclosure button like the menus; every change through /api/me/views.
 */
import { useSearchParams } from 'next/navigation';
import { useId, useState } from 'react';
import { relativePeriodOf } from '../periods';
import { sendJson } from './api.client';
import { InlineError } from './form-error';

export interface ViewItem {
  id: string;
  name: string;
  path: string;
  isDefault: boolean;
}

export type ViewLabels = Record<
  'myViews' | 'noViews' | 'saveView' | 'viewName' | 'viewNameHint' | 'asDefault' | 'isDefault' | 'makeDefault' | 'unsetDefault' | 'rename' | 'newName' | 'delete' | 'copyLink' | 'linkCopied' | 'viewSaved' | 'viewDeleted' | 'saveFailed',
  string
>;

/** The URL of the page as a view keeps it: a period that is a quick pick by its name. */
export function viewPath(target: string, params: URLSearchParams, dataAsOf: string | null): string {
  const q = new URLSearchParams([...params.entries()].filter(([k]) => k !== 'dropped' && k !== 'format'));
  const from = q.get('from');
  const to = q.get('to');
  if (from && to && !q.get('period')) {
    const rel = relativePeriodOf({ from, to }, dataAsOf);
    if (rel) {
      q.delete('from');
      q.delete('to');
      q.set('period', rel);
    }
  }
  const qs = q.toString();
  return qs ? `${target}?${qs}` : target;
}

export function MyViews({ target, initial, dataAsOf, labels }: { target: string; initial: ViewItem[]; dataAsOf: string | null; labels: ViewLabels }) {
  const params = useSearchParams();
  const id = useId();
  const [views, setViews] = useState(initial);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [asDefault, setAsDefault] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');

  const call = async <T,>(method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    setError('');
    setStatus('');
    const r = await sendJson<T>(method, url, body, labels.saveFailed);
    if (r.error) setError(r.error);
    return r.body;
  };
  const replace = (v: ViewItem) => setViews((vs) => vs.map((x) => (x.id === v.id ? v : v.isDefault ? { ...x, isDefault: false } : x)));

  const save = async () => {
    const v = await call<ViewItem>('POST', '/api/me/views', { name: name.trim(), path: viewPath(target, new URLSearchParams(params.toString()), dataAsOf), isDefault: asDefault });
    if (!v) return;
    setViews((vs) => [...vs.map((x) => (v.isDefault ? { ...x, isDefault: false } : x)), v].sort((a, b) => a.name.localeCompare(b.name)));
    setName('');
    setAsDefault(false);
    setStatus(labels.viewSaved.replace('{name}', v.name));
  };
  const share = async (v: ViewItem) => {
    try {
      await navigator.clipboard.writeText(new URL(v.path, window.location.origin).toString());
      setStatus(labels.linkCopied);
    } catch {
      setStatus(new URL(v.path, window.location.origin).toString());
    }
  };

  return (
    <div className="my-views" data-testid="my-views">
      <button type="button" className="button-secondary" aria-expanded={open} aria-controls={`${id}-panel`} title={labels.myViews} onClick={() => setOpen((x) => !x)} data-testid="my-views-toggle">
        <span aria-hidden="true">☆ </span>
        <span className="my-views-label">{labels.myViews}</span> ({views.length})
      </button>
      <div id={`${id}-panel`} className="my-views-panel" hidden={!open}>
        <form
          className="my-views-save"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void save();
          }}
        >
          <label htmlFor={`${id}-name`}>{labels.viewName}</label>
          <input id={`${id}-name`} name="view-name" value={name} maxLength={120} required onChange={(e) => setName(e.target.value)} aria-describedby={`${id}-hint`} />
          <span id={`${id}-hint`} className="hint">
            {labels.viewNameHint}
          </span>
          <label className="check">
            <input type="checkbox" name="view-default" checked={asDefault} onChange={(e) => setAsDefault(e.target.checked)} /> {labels.asDefault}
          </label>
          <button type="submit" className="button-primary" data-testid="save-view">
            {labels.saveView}
          </button>
        </form>
        {views.length ? (
          <ul className="my-views-list">
            {views.map((v) => (
              <li key={v.id} data-view={v.id}>
                <a href={v.path}>{v.name}</a>
                {v.isDefault ? <span className="badge-text"> ({labels.isDefault})</span> : null}{' '}
                <button type="button" className="link-button" aria-pressed={v.isDefault} data-testid={`default-${v.id}`} onClick={async () => {
                  const r = await call<ViewItem>('PATCH', `/api/me/views/${v.id}`, { isDefault: !v.isDefault });
                  if (r) replace(r);
                }}>
                  {v.isDefault ? labels.unsetDefault : labels.makeDefault}
                </button>{' '}
                <button type="button" className="link-button" onClick={() => { setRenaming(v.id); setNewName(v.name); }}>
                  {labels.rename}
                </button>{' '}
                <button type="button" className="link-button" onClick={() => void share(v)}>
                  {labels.copyLink}
                </button>{' '}
                <button type="button" className="link-button" onClick={async () => {
                  const r = await call('DELETE', `/api/me/views/${v.id}`);
                  if (r) {
                    setViews((vs) => vs.filter((x) => x.id !== v.id));
                    setStatus(labels.viewDeleted.replace('{name}', v.name));
                  }
                }}>
                  {labels.delete}
                </button>
                {renaming === v.id ? (
                  <form className="inline-form" onSubmit={async (e) => {
                    e.preventDefault();
                    const r = await call<ViewItem>('PATCH', `/api/me/views/${v.id}`, { name: newName.trim() });
                    if (r) {
                      replace(r);
                      setRenaming(null);
                    }
                  }}>
                    <label htmlFor={`${id}-rename-${v.id}`}>{labels.newName.replace('{name}', v.name)}</label>
                    <input id={`${id}-rename-${v.id}`} value={newName} maxLength={120} required onChange={(e) => setNewName(e.target.value)} />
                    <button type="submit" className="button-secondary">{labels.rename}</button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">{labels.noViews}</p>
        )}
        <p role="status" className="hint">{status}</p>
        <InlineError error={error} />
      </div>
    </div>
  );
}
