'use client';
/** "An Mein FIS anheften" under a dashboard's panel (or beside a KPI tile): the panel with the filters of the URL as they are now. */
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { viewPath } from './my-views.client';
import { sendJson } from './api.client';
import { InlineError } from './form-error';

export interface PinTarget {
  slug: string;
  panel: string;
  tile?: string;
  dataAsOf: string | null;
  labels: { pin: string; pinned: string; saveFailed: string };
  /** the accessible name when several pin buttons share a panel (a tile's) */
  name?: string;
}

export function PinButton({ slug, panel, tile, dataAsOf, labels, name }: PinTarget) {
  const params = useSearchParams();
  const [done, setDone] = useState(false);
  const [error, setError] = useState('');
  const pin = async () => {
    const path = viewPath(`/dashboards/${slug}`, new URLSearchParams(params.toString()), dataAsOf);
    const r = await sendJson('POST', '/api/me/start', { slug, panel, ...(tile ? { tile } : {}), query: path.split('?')[1] ?? '' }, labels.saveFailed);
    if (r.error) setError(r.error);
    else setDone(true);
  };
  return (
    <span className="pin">
      <button type="button" className="link-button" aria-label={name} data-testid={`pin-${panel}${tile ? `-${tile}` : ''}`} onClick={() => void pin()}>
        <span aria-hidden="true">📌 </span>
        {labels.pin}
      </button>
      <span role="status" className="hint">
        {done ? ` ${labels.pinned}` : ''}
      </span>
      <InlineError error={error} />
    </span>
  );
}
