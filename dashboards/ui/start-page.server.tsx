/**
 * "Mein FIS" (the start page at /): the user's pinned panels and tiles, each with its own filters
 * and the numbers of its dashboard, asked with the viewer's rights; a pin they may no longer see is
 * left out with a note.
 */
import Link from 'next/link';
import type { Principal } from '../../roles/access';
import type { Lang } from '../i18n';
import { pick, tm } from '../i18n-my';
import { hiddenNote, startPageView } from '../server/my';
import { PanelFrame } from './panels';
import { StartBoard } from './start-board.client';

export async function StartPage({ principal, lang }: { principal: Principal; lang: Lang }) {
  const { pins, hidden, source } = await startPageView(principal, lang);
  const note = hiddenNote(lang, hidden);
  const panels = Object.fromEntries(
    pins.map((x) => [
      x.pin.id,
      <div key={x.pin.id} className="start-panel">
        <p className="start-from">
          <Link href={x.href}>{tm(lang, 'pinnedFrom', { dashboard: x.dashboard })}</Link>
        </p>
        {x.notice ? (
          <p className="scope-notice" role="status">
            {x.notice}
          </p>
        ) : null}
        {/* no pin button and no click-to-filter here: the start page is not the dashboard */}
        <PanelFrame {...x.view} pin={undefined} data={x.view.data.status === 'ok' && x.view.data.kind === 'chart' ? { ...x.view.data, chart: { ...x.view.data.chart, clickDim: undefined } } : x.view.data} />
      </div>,
    ]),
  );
  return (
    <>
      <h1>{tm(lang, 'myFis')}</h1>
      <p className="intro">{tm(lang, 'myFisIntro')}</p>
      {source === 'role' ? <p className="hint">{tm(lang, 'fromRoleTemplate')}</p> : null}
      {note ? (
        <p className="scope-notice" role="status" data-testid="hidden-pins">
          {note}
        </p>
      ) : null}
      {pins.length ? (
        <StartBoard items={pins.map((x) => ({ id: x.pin.id, title: x.view.title, span: x.view.span }))} panels={panels} labels={pick(lang, ['moveUp', 'moveDown', 'unpin', 'moved', 'removed', 'pinActions', 'dragHint', 'saveFailed'])} />
      ) : (
        <p>{tm(lang, 'myFisEmpty')}</p>
      )}
    </>
  );
}
