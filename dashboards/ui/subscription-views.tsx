/**
 * The subscriptions page and the inbox: what is subscribed, to whom, when and how; each recipient's
 * latest outcome and why; the delivery history (who, what, snapshot, format, size, channel,
 * outcome) — never figures. The inbox: files to download, links to views, alerts, notices.
 */
import { formatDate, type Lang } from '../i18n';
import { ts } from '../i18n-subscriptions';
import type { InboxEntry, SubscriptionView } from '../server/subscriptions';
import { SubscriptionActions } from './subscription-actions.client';

const size = (bytes: number | null, lang: Lang) => (bytes === null ? '–' : `${(bytes / 1024).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 0 })} KB`);

export function SubscriptionList({ lang, subs, admin, testId }: { lang: Lang; subs: SubscriptionView[]; admin: boolean; testId: string }) {
  const labels = { runNow: ts(lang, 'runNow'), activate: ts(lang, 'activate'), deactivate: ts(lang, 'deactivate'), error: ts(lang, 'errorTitle') };
  if (!subs.length) return <p className="hint">{ts(lang, 'noSubscriptions')}</p>;
  return (
    <ul className="subscriptions" data-testid={testId}>
      {subs.map((s) => (
        <li key={s.id} id={`sub-${s.id}`} className="panel subscription" data-active={s.active}>
          <h3>
            {ts(lang, 'colId')} {s.id}: <a href={s.link}>{s.what}</a>
            {s.active ? null : <span className="muted"> ({ts(lang, 'deactivate').toLowerCase()})</span>}
          </h3>
          <dl className="facts">
            {admin ? (
              <>
                <dt>{ts(lang, 'colOwner')}</dt>
                <dd>{s.owner}</dd>
              </>
            ) : null}
            <dt>{ts(lang, 'colRecipients')}</dt>
            <dd>{s.recipients.join(', ')}</dd>
            <dt>{ts(lang, 'colWhen')}</dt>
            <dd>{s.when}</dd>
            <dt>{ts(lang, 'colChannel')}</dt>
            <dd>{s.channel}</dd>
          </dl>
          <SubscriptionActions id={s.id} active={s.active} version={s.version} admin={admin} labels={labels} />
          {s.latest.length ? (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={`${ts(lang, 'history')} ${s.id}`}>
              <table className="data" data-testid={`latest-${s.id}`}>
                <thead>
                  <tr>
                    <th scope="col">{ts(lang, 'colRecipient')}</th>
                    <th scope="col">{ts(lang, 'colOutcome')}</th>
                    <th scope="col">{ts(lang, 'colReason')}</th>
                    <th scope="col">{ts(lang, 'colAt')}</th>
                    <th scope="col">{ts(lang, 'colSize')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.latest.map((d) => (
                    <tr key={d.recipient} data-outcome={d.outcome}>
                      <th scope="row">{d.recipient}</th>
                      <td>{d.outcomeText}</td>
                      <td>{d.reason}</td>
                      <td>{formatDate(d.at, lang)}</td>
                      <td className="num">{size(d.bytes, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="hint">{ts(lang, 'noHistory')}</p>
          )}
          {s.history.length ? (
            <details className="history-details">
              <summary>{ts(lang, 'history')}</summary>
              <div className="table-wrap" tabIndex={0} role="region" aria-label={`${ts(lang, 'history')} ${s.id}`}>
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{ts(lang, 'colAt')}</th>
                      <th scope="col">{ts(lang, 'colRecipient')}</th>
                      <th scope="col">{ts(lang, 'colSnapshot')}</th>
                      <th scope="col">{ts(lang, 'format')}</th>
                      <th scope="col">{ts(lang, 'colSize')}</th>
                      <th scope="col">{ts(lang, 'colChannel')}</th>
                      <th scope="col">{ts(lang, 'colOutcome')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.history.map((d) => (
                      <tr key={d.id}>
                        <th scope="row">{formatDate(d.at, lang)}</th>
                        <td>{d.recipient}</td>
                        <td>{formatDate(d.snapshot, lang)}</td>
                        <td>{d.format || '–'}</td>
                        <td className="num">{size(d.bytes, lang)}</td>
                        <td>{d.channel}</td>
                        <td>
                          {d.outcomeText}
                          {d.attempts > 1 ? ` (${d.attempts}×)` : ''}
                          {d.reason ? ` – ${d.reason}` : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function InboxList({ lang, items }: { lang: Lang; items: InboxEntry[] }) {
  if (!items.length) return <p className="hint">{ts(lang, 'inboxEmpty')}</p>;
  return (
    <ul className="inbox" data-testid="inbox">
      {items.map((i) => (
        <li key={i.id} id={`item-${i.id}`} className={i.read_at ? 'panel inbox-item' : 'panel inbox-item unread'} data-kind={i.kind}>
          <h2>
            {i.title}
            {i.read_at ? null : <span className="badge-new"> {ts(lang, 'unread')}</span>}
          </h2>
          <p className="hint">
            {ts(lang, 'colReceived')}: {formatDate(i.created_at, lang)}
            {i.data_as_of ? ` · ${ts(lang, 'dataAsOf')}: ${formatDate(i.data_as_of, lang)}` : ''}
          </p>
          {i.text ? <p>{i.text}</p> : null}
          {i.kind === 'file' || i.link ? (
          <p className="filter-actions">
            {i.kind === 'file' ? (
              <a className="button-primary" href={`/api/inbox/${i.id}`} download data-testid={`download-${i.id}`}>
                {ts(lang, 'download')} ({i.filename}, {size(i.bytes, lang)})
              </a>
            ) : null}
            {i.link ? (
              <a className="button-secondary" href={i.link}>
                {ts(lang, 'openView')}
              </a>
            ) : null}
          </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
