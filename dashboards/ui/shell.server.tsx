/** The frame of every page after login: skip link, header with navigation and user menu, Datenstand, footer. */
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Principal } from '../../roles/access';
import { DASHBOARDS, REPORTS } from '../catalog';
import { formatDate, t, type Lang } from '../i18n';
import { canViewDashboard, canViewReport, describeRights } from '../rights';
import { requestSnapshot } from '../server/snapshot';
import { NavLink } from './nav-link.client';
import { UserMenu } from './user-menu.client';

export async function Shell({ principal, lang, children }: { principal: Principal; lang: Lang; children: ReactNode }) {
  // the snapshot this page's figures come from (none yet: the pointer tells nothing to show)
  const info = await requestSnapshot().then((s) => s.info(), () => undefined);
  const rights = describeRights(principal);
  const dashboards = DASHBOARDS.filter((d) => canViewDashboard(principal, d.id));
  const reports = REPORTS.filter((r) => canViewReport(principal, r.id));
  const admin = rights.admin.roles || rights.admin.users || rights.admin.pipeline || rights.admin.audit;
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
        <UserMenu lang={lang} displayName={principal.user.display_name} />
      </header>
      <nav className="site-nav" aria-label={t(lang, 'mainNav')}>
        {dashboards.length ? (
          <div>
            <span className="nav-group" id="nav-dashboards">
              {t(lang, 'dashboards')}
            </span>
            <ul aria-labelledby="nav-dashboards">
              {dashboards.map((d) => (
                <li key={d.id}>
                  <NavLink href={`/dashboards/${d.id}`}>{d.title[lang]}</NavLink>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {reports.length ? (
          <div>
            <span className="nav-group" id="nav-reports">
              {t(lang, 'reports')}
            </span>
            <ul aria-labelledby="nav-reports">
              {reports.map((r) => (
                <li key={r.id}>
                  <NavLink href={`/reports/${r.id}`}>{r.title[lang]}</NavLink>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {admin ? (
          <div>
            <span className="nav-group" id="nav-admin">
              {t(lang, 'administration')}
            </span>
            <ul aria-labelledby="nav-admin">
              <li>
                <NavLink href="/admin">{t(lang, 'administration')}</NavLink>
              </li>
            </ul>
          </div>
        ) : null}
      </nav>
      <p className="data-as-of">
        {t(lang, 'dataAsOf')}: <time dateTime={info?.dataAsOf ?? ''}>{formatDate(info?.dataAsOf, lang)}</time>
        {info ? <span className="muted"> · {t(lang, 'snapshot')} {info.id}</span> : null}
      </p>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t(lang, 'fictitious')}</p>
      </footer>
    </>
  );
}
