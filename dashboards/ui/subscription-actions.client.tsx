'use client';
/** The buttons of a subscription: deliver now, deactivate or activate (one's own; an administrator's for anyone's). */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { sendJson } from './api.client';
import { InlineError } from './form-error';

export function SubscriptionActions({ id, active, version, admin, labels }: { id: string; active: boolean; version: number; admin: boolean; labels: { runNow: string; activate: string; deactivate: string; error: string } }) {
  const router = useRouter();
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const send = async (method: 'POST' | 'PATCH', url: string, body: unknown) => {
    setBusy(true);
    setError('');
    setMessage('');
    const r = await sendJson<{ line?: string }>(method, url, body, labels.error);
    setBusy(false);
    if (r.error) return setError(r.error);
    if (r.body?.line) setMessage(r.body.line);
    router.refresh();
  };
  const base = admin ? `/api/admin/subscriptions/${id}` : `/api/subscriptions/${id}`;
  return (
    <span className="action">
      {!admin && active ? (
        <button type="button" className="button-secondary" disabled={busy} data-testid={`deliver-${id}`} onClick={() => void send('POST', `/api/subscriptions/${id}/deliver`, {})}>
          {labels.runNow}
        </button>
      ) : null}{' '}
      <button type="button" className="button-secondary" disabled={busy} data-testid={`toggle-${id}`} onClick={() => void send('PATCH', base, { active: !active, version })}>
        {active ? labels.deactivate : labels.activate}
      </button>
      {message ? (
        <span role="status" className="hint">
          {' '}
          {message}
        </span>
      ) : null}
      <InlineError error={error} />
    </span>
  );
}
