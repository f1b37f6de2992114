/**
 * The frame of every page after login: skip link, one compact bar (brand, the "Dashboards" and
 * "Berichte" menus, administration, the Datenstand in words, user menu), footer. The snapshot id
 * is for administrators only, in a tooltip.
 */
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Principal } from '../../roles/access';
import { DASHBOARDS, REPORTS } from '../catalog';
import { formatDate, t, type Lang } from '../i18n';
import { canViewDashboard, canViewReport, describeRights, isAdmin } from '../rights';
import { requestSnapshot } from '../server/snapshot';
import { ts } from '../i18n-subscriptions';
import { tm } from '../i18n-my';
import { mayAnnotate } from '../server/events';
import { hasStartPage } from '../server/my';
import { mayAdminister } from '../server/admin';
import { appDb } from '../server/services';
import { unreadCount } from '../subscriptions/store';
import { MainNav, type NavGroup, type NavLink } from './main-nav.client';
import { UserMenu } from './user-menu.client';

export async function Shell({ principal, lang, children }: { principal: Principal; lang: Lang; children: ReactNode }) {
  // the snapshot this page's figures come from (none yet: the pointer tells nothing to show)
  const info = await requestSnapshot().then((s) => s.info(), () => undefined);
  const rights = describeRights(principal);
  const groups: NavGroup[] = [
    { id: 'dashboards', label: t(lang, 'dashboards'), links: DASHBOARDS.filter((d) => canViewDashboard(principal, d.id)).map((d) => ({ href: `/dashboards/${d.id}`, label: d.title[lang] })) },
    { id: 'reports', label: t(lang, 'reports'), links: REPORTS.filter((r) => canViewReport(principal, r.id)).map((r) => ({ href: `/reports/${r.id}`, label: r.title[lang] })) },
  ].filter((g) => g.links.length);
  const admin = rights.admin.roles || rights.admin.users || rights.admin.pipeline || rights.admin.audit;
  // subscriptions and the inbox with its unread count, for those who see something to subscribe to
  const subscriber = groups.length > 0;
  const unread = subscriber ? await unreadCount(await appDb(), principal.user.username).catch(() => 0) : 0;
  // "Mein FIS" once the user has a start page; events for those who write them
  const mine = subscriber && (await hasStartPage(principal).catch(() => false));
  const links: NavLink[] = [
    ...(mine ? [{ href: '/', label: tm(lang, 'myFis'), icon: '★', iconOnly: true }] : []),
    ...(subscriber && mayAnnotate(principal) ? [{ href: '/events', label: tm(lang, 'events'), icon: '⚑', iconOnly: true }] : []),
    ...(subscriber ? [{ href: '/inbox', label: ts(lang, 'inbox'), badge: unread, title: ts(lang, 'unreadItems'), icon: '✉' }] : []),
    ...(subscriber || mayAdminister(principal, 'subscriptions') ? [{ href: '/subscriptions', label: ts(lang, 'subscriptions'), icon: '↻' }] : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        {t(lang, 'skipToContent')}
      </a>
      <header className="site-header">
        <div className="brand">
          <Link href="/">{t(lang, 'appShort')}</Link>
          <span className="brand-long">{t(lang, 'appName')}</span>
        </div>
        <MainNav label={t(lang, 'mainNav')} groups={groups} links={links} admin={admin ? { href: '/admin', label: t(lang, 'administration') } : undefined} currentLabel={t(lang, 'currentPage')} />
        <p className="data-as-of" data-testid="data-as-of">
          <span className="data-as-of-label">{t(lang, 'dataAsOf')}:</span>{' '}
          <time dateTime={info?.dataAsOf ?? ''} title={info && isAdmin(principal) ? `${t(lang, 'snapshot')} ${info.id}` : undefined}>
            {formatDate(info?.dataAsOf, lang)}
          </time>
        </p>
        <UserMenu lang={lang} displayName={principal.user.display_name} />
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t(lang, 'fictitious')}</p>
      </footer>
    </>
  );
}
