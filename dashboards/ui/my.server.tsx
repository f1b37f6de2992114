/** The "Mein FIS" parts of a dashboard or report page: the user's views of it, and the sentence on filter values outside their rights. */
import type { Principal } from '../../roles/access';
import type { Lang } from '../i18n';
import { pick } from '../i18n-my';
import { listViews } from '../my/views';
import { appDb } from '../server/services';
import { requestSnapshot } from '../server/snapshot';
import { MyViews } from './my-views.client';
import { SubscribeAndDownload } from './view-actions.server';

const VIEW_LABELS = ['myViews', 'noViews', 'saveView', 'viewName', 'viewNameHint', 'asDefault', 'isDefault', 'makeDefault', 'unsetDefault', 'rename', 'newName', 'delete', 'copyLink', 'linkCopied', 'viewSaved', 'viewDeleted', 'saveFailed'] as const;

export async function MyViewsFor({ target, principal, lang, dataAsOf }: { target: string; principal: Principal; lang: Lang; dataAsOf: string | null }) {
  const views = await listViews(await appDb(), principal.user.username, target);
  return <MyViews target={target} initial={views.map((v) => ({ id: v.id, name: v.name, path: v.path, isDefault: v.isDefault }))} dataAsOf={dataAsOf} labels={pick(lang, VIEW_LABELS)} />;
}

export function ScopeNotice({ notice }: { notice?: string }) {
  if (!notice) return null;
  return (
    <p className="scope-notice" role="status" data-testid="scope-notice">
      {notice}
    </p>
  );
}

/** Above a dashboard or report: subscribe and download, the user's views of it, and the sentence on dropped filter values. */
export async function PageActions({ kind, id, principal, lang, notice }: { kind: 'dashboard' | 'report'; id: string; principal: Principal; lang: Lang; notice?: string }) {
  const dataAsOf = await requestSnapshot().then((s) => s.info().dataAsOf, () => null);
  return (
    <>
      <div className={`page-actions page-actions-${kind}`}>
        <SubscribeAndDownload kind={kind} id={id} principal={principal} lang={lang} />
        <MyViewsFor target={`/${kind}s/${id}`} principal={principal} lang={lang} dataAsOf={dataAsOf} />
      </div>
      <ScopeNotice notice={notice} />
    </>
  );
}
