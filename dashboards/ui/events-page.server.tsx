/** The events on the time axes the user sees, and — with the `annotate` right — the form to add one and the buttons to remove them. */
import type { Principal } from '../../roles/access';
import { listRoles } from '../../roles/store';
import { eventContext } from '../events/context';
import { formatDate, type Lang } from '../i18n';
import { pick, tm } from '../i18n-my';
import { appDb } from '../server/services';
import { requestSnapshot } from '../server/snapshot';
import { EventForm, RemoveEvent } from './events.client';

export async function EventsPage({ principal, lang, canWrite }: { principal: Principal; lang: Lang; canWrite: boolean }) {
  const db = await appDb();
  const { events } = await eventContext(await requestSnapshot(), principal, db, { from: '1900-01-01' });
  const roles = canWrite ? (await listRoles(db)).map((r) => ({ name: r.name, label: lang === 'de' ? r.label_de : r.label_en })) : [];
  const labels = pick(lang, ['addEvent', 'eventDate', 'eventTitle', 'eventText', 'eventStates', 'eventOffices', 'eventRoles', 'eventAdded', 'eventRemove', 'saveFailed']);
  return (
    <>
      <h1>{tm(lang, 'events')}</h1>
      <p className="intro">{tm(lang, 'eventsIntro')}</p>
      {canWrite ? <EventForm roles={roles} mine={principal.user.roles} labels={labels} /> : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={tm(lang, 'events')}>
        <table className="data" data-testid="events">
          <caption className="visually-hidden">{tm(lang, 'events')}</caption>
          <thead>
            <tr>
              <th scope="col">{tm(lang, 'eventDate')}</th>
              <th scope="col">{tm(lang, 'eventTitle')}</th>
              <th scope="col">{tm(lang, 'eventText')}</th>
              <th scope="col">{lang === 'de' ? 'Gebiet' : 'Area'}</th>
              <th scope="col">{tm(lang, 'eventRoles')}</th>
              {canWrite ? <th scope="col"><span className="visually-hidden">{tm(lang, 'eventRemove')}</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-event={e.id}>
                <th scope="row">
                  <time dateTime={e.date}>{formatDate(e.date, lang)}</time>
                </th>
                <td>{e.title}</td>
                <td>{e.text}</td>
                <td>{[...e.scope.states, ...e.scope.offices].join(', ') || (lang === 'de' ? 'alle' : 'all')}</td>
                <td>{e.roles.join(', ')}</td>
                {canWrite ? (
                  <td>
                    <RemoveEvent id={e.id} title={e.title} label={labels.eventRemove} error={labels.saveFailed} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
