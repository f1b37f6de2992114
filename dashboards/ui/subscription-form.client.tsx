'use client';
/**
 * A new subscription of a report or dashboard, from its page ("Abonnieren"): recipients (FIS users
 * by user name), format, when, how; the view's filters as they were. "Vorschau" shows what each
 * recipient would get with their own rights — their figures only where the owner may see them.
 */
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { RecipientPreview } from '../subscriptions/service';
import { sendJson } from './api.client';
import { FormError } from './form-error';

export interface SubscriptionFormProps {
  kind: 'report' | 'dashboard';
  target: string;
  filters: Record<string, string>;
  formats: Array<{ value: string; label: string }>;
  channels: Array<{ value: string; label: string }>;
  me: string;
  lang: 'de' | 'en';
  t: Record<'recipients' | 'recipientsHint' | 'format' | 'when' | 'whenAfterPublish' | 'whenWeekly' | 'whenCron' | 'cron' | 'channel' | 'preview' | 'previewIntro' | 'create' | 'error' | 'colRecipient' | 'colOutcome' | 'colReason' | 'colScope' | 'colFigures' | 'would_file' | 'would_link' | 'would_nothing', string>;
}

export function SubscriptionForm({ kind, target, filters, formats, channels, me, lang, t }: SubscriptionFormProps) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [when, setWhen] = useState('after-publish');
  const [preview, setPreview] = useState<RecipientPreview[] | null>(null);

  const definition = (form: HTMLFormElement) => {
    const f = new FormData(form);
    const schedule = when === 'cron' ? String(f.get('cron') ?? '').trim() : when;
    return {
      target_kind: kind,
      target,
      format: String(f.get('format') ?? ''),
      recipients: String(f.get('recipients') ?? '').split(','),
      filters,
      schedule,
      channel: String(f.get('channel') ?? 'inbox'),
      lang,
    };
  };

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const asPreview = (e.nativeEvent as SubmitEvent).submitter?.getAttribute('value') === 'preview';
    setBusy(true);
    setError('');
    const r = await sendJson<RecipientPreview[] & { id?: string }>('POST', asPreview ? '/api/subscriptions/preview' : '/api/subscriptions', definition(e.currentTarget), t.error);
    setBusy(false);
    if (r.error) return setError(r.error);
    if (asPreview) setPreview(r.body as RecipientPreview[]);
    else router.push(`/subscriptions#sub-${(r.body as { id: string }).id}`);
  };

  return (
    <form className="subscription-form" onSubmit={submit} aria-describedby={error ? `${id}-error` : undefined}>
      <div className="filters">
        <div className="filter" style={{ flex: '1 1 420px', maxWidth: 'none' }}>
          <label htmlFor={`${id}-to`}>{t.recipients}</label>
          <input id={`${id}-to`} name="recipients" defaultValue={me} required autoComplete="off" aria-describedby={`${id}-to-hint`} />
          <span className="hint" id={`${id}-to-hint`}>
            {t.recipientsHint}
          </span>
        </div>
      </div>
      <fieldset>
        <legend>{t.format}</legend>
        <div className="choices">
          {formats.map((f, i) => (
            <label key={f.value} className="inline">
              <input type="radio" name="format" value={f.value} defaultChecked={i === 0} /> {f.label}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t.when}</legend>
        <div className="choices">
          {[
            ['after-publish', t.whenAfterPublish],
            ['0 7 * * 1', t.whenWeekly],
            ['cron', t.whenCron],
          ].map(([v, label]) => (
            <label key={v} className="inline">
              <input type="radio" name="when" value={v} checked={when === v} onChange={() => setWhen(v!)} /> {label}
            </label>
          ))}
        </div>
        {when === 'cron' ? (
          <div className="filter">
            <label htmlFor={`${id}-cron`}>{t.cron}</label>
            <input id={`${id}-cron`} name="cron" required defaultValue="0 7 * * 1-5" autoComplete="off" />
          </div>
        ) : null}
      </fieldset>
      <div className="filters">
        <div className="filter" style={{ flex: '1 1 320px', maxWidth: 'none' }}>
          <label htmlFor={`${id}-channel`}>{t.channel}</label>
          <select id={`${id}-channel`} name="channel" defaultValue="inbox">
            {channels.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="filter-actions">
        <button type="submit" name="action" value="preview" className="button-secondary" disabled={busy} data-testid="preview">
          {t.preview}
        </button>
        <button type="submit" name="action" value="create" className="button-primary" disabled={busy} data-testid="create">
          {t.create}
        </button>
      </div>
      <FormError id={id} error={error} />
      {preview ? (
        <section className="panel" aria-labelledby={`${id}-preview`} style={{ marginTop: 'var(--gap)' }}>
          <h2 id={`${id}-preview`}>{t.preview}</h2>
          <p className="hint">{t.previewIntro}</p>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t.preview}>
            <table className="data" data-testid="preview-table">
              <thead>
                <tr>
                  <th scope="col">{t.colRecipient}</th>
                  <th scope="col">{t.colOutcome}</th>
                  <th scope="col">{t.colReason}</th>
                  <th scope="col">{t.colScope}</th>
                  <th scope="col">{t.colFigures}</th>
                </tr>
              </thead>
              <tbody>
                {preview.map((p) => (
                  <tr key={p.recipient} data-would={p.would}>
                    <th scope="row">
                      {p.name} ({p.recipient})
                    </th>
                    <td>{t[`would_${p.would}`]}</td>
                    <td>{p.reason}</td>
                    <td>{p.scope}</td>
                    <td>{p.figures}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </form>
  );
}
