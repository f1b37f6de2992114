'use client';
/**
 * Above a report or dashboard: "Abonnieren" (the subscription form, with the view's filters) and,
 * on a dashboard, the whole dashboard as one file ("Dashboard als PDF / Excel"). Both carry the
 * filters of the URL as they are now — they follow the filter bar, also when it changes the URL in
 * the browser only.
 */
import { useSearchParams } from 'next/navigation';

export interface ViewActionsProps {
  kind: 'report' | 'dashboard';
  id: string;
  labels: { group: string; subscribe: string; pdf: string; xlsx: string };
  /** the whole-dashboard formats the user may export */
  formats: Array<'pdf' | 'xlsx'>;
  canSubscribe: boolean;
}

export function ViewActions({ kind, id, labels, formats, canSubscribe }: ViewActionsProps) {
  const params = useSearchParams();
  const filters = new URLSearchParams([...params.entries()].filter(([k]) => k !== kind && k !== 'format' && k !== 'dropped'));
  const subscribe = new URLSearchParams([[kind, id], ...filters.entries()]);
  const file = (f: string) => `/api/dashboards/${id}/export?${new URLSearchParams([...filters.entries(), ['format', f]]).toString()}`;
  if (!canSubscribe && !formats.length) return null;
  return (
    <nav className="view-actions" aria-label={labels.group}>
      {canSubscribe ? (
        <a className="button-secondary" href={`/subscriptions/new?${subscribe.toString()}`} data-testid="subscribe">
          {labels.subscribe}
        </a>
      ) : null}
      {kind === 'dashboard'
        ? formats.map((f) => (
            <a key={f} className="button-secondary" href={file(f)} download data-format={f} data-testid={`dashboard-${f}`}>
              {labels[f]}
            </a>
          ))
        : null}
    </nav>
  );
}
