'use client';
/** Adding an event (date, short text, description, states / offices, roles) and removing one — POST and DELETE /api/events. */
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { sendJson } from './api.client';
import { FormError, InlineError } from './form-error';

type Labels = Record<'addEvent' | 'eventDate' | 'eventTitle' | 'eventText' | 'eventStates' | 'eventOffices' | 'eventRoles' | 'eventAdded' | 'eventRemove' | 'saveFailed', string>;
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export function EventForm({ roles, mine, labels }: { roles: Array<{ name: string; label: string }>; mine: string[]; labels: Labels }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  return (
    <form
      className="event-form"
      aria-describedby={error ? `${id}-error` : undefined}
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const body = {
          date: String(f.get('date') ?? ''),
          title: String(f.get('title') ?? ''),
          text: String(f.get('text') ?? ''),
          scope: { states: list(String(f.get('states') ?? '')), offices: list(String(f.get('offices') ?? '').toUpperCase()) },
          roles: f.getAll('roles').map(String),
        };
        setError('');
        const r = await sendJson<{ title: string }>('POST', '/api/events', body, labels.saveFailed);
        if (r.error) return setError(r.error);
        setStatus(labels.eventAdded.replace('{title}', body.title));
        (e.target as HTMLFormElement).reset();
        router.refresh();
      }}
    >
      <fieldset>
        <legend>{labels.addEvent}</legend>
        <label htmlFor={`${id}-date`}>{labels.eventDate}</label>
        <input id={`${id}-date`} name="date" type="date" required />
        <label htmlFor={`${id}-title`}>{labels.eventTitle}</label>
        <input id={`${id}-title`} name="title" maxLength={120} required />
        <label htmlFor={`${id}-text`}>{labels.eventText}</label>
        <textarea id={`${id}-text`} name="text" maxLength={2000} rows={2} />
        <label htmlFor={`${id}-states`}>{labels.eventStates}</label>
        <input id={`${id}-states`} name="states" pattern="[0-9, ]*" />
        <label htmlFor={`${id}-offices`}>{labels.eventOffices}</label>
        <input id={`${id}-offices`} name="offices" pattern="[A-Za-z, ]*" />
        <fieldset className="checks">
          <legend>{labels.eventRoles}</legend>
          {roles.map((r) => (
            <label key={r.name} className="check">
              <input type="checkbox" name="roles" value={r.name} defaultChecked={mine.includes(r.name)} /> {r.label} ({r.name})
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button-primary" data-testid="add-event">
          {labels.addEvent}
        </button>
        <p role="status" className="hint">
          {status}
        </p>
        <FormError id={id} error={error} />
      </fieldset>
    </form>
  );
}

export function RemoveEvent({ id, title, label, error: fallback }: { id: string; title: string; label: string; error: string }) {
  const router = useRouter();
  const [error, setError] = useState('');
  return (
    <>
      <button type="button" className="link-button" aria-label={`${label}: ${title}`} onClick={async () => {
        const r = await sendJson('DELETE', `/api/events/${id}`, undefined, fallback);
        if (r.error) setError(r.error);
        else router.refresh();
      }}>
        {label}
      </button>
      <InlineError error={error} />
    </>
  );
}
