/** The view's actions for the signed-in user: what they may subscribe to and download (see view-actions.client). */
import type { Principal } from '../../roles/access';
import { DASHBOARD_FORMATS } from '../exports/dashboard';
import type { Lang } from '../i18n';
import { ts } from '../i18n-subscriptions';
import { canExportPanel } from '../rights';
import { maySubscribe } from '../server/subscriptions';
import { ViewActions } from './view-actions.client';

export function SubscribeAndDownload({ kind, id, principal, lang }: { kind: 'report' | 'dashboard'; id: string; principal: Principal; lang: Lang }) {
  return (
    <ViewActions
      kind={kind}
      id={id}
      canSubscribe={maySubscribe(principal)}
      formats={kind === 'dashboard' ? DASHBOARD_FORMATS.filter((f) => canExportPanel(principal, id, f)) : []}
      labels={{ group: ts(lang, 'viewActions'), subscribe: ts(lang, 'subscribe'), pdf: ts(lang, 'dashboardPdf'), xlsx: ts(lang, 'dashboardXlsx') }}
    />
  );
}
