'use client';
/**
 * The main navigation: one compact bar with a "Dashboards" and a "Berichte" menu (the disclosure
 * pattern: a button with aria-expanded that shows or hides its list of links) and the
 * administration link. Enter, Space or ↓ opens a menu (↓ moves into it), ↑/↓/Home/End move between
 * its links, Escape closes it and returns to its button; a click elsewhere, leaving it with Tab or
 * following a link closes it too. The current page is marked with aria-current, and its menu's
 * button shows that it holds it.
 */
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface NavGroup {
  id: string;
  label: string;
  links: Array<{ href: string; label: string }>;
}

/** A link of the bar; `badge`: a count shown beside it (the inbox's unread items), `title` what it counts, for screen readers. */
export interface NavLink {
  href: string;
  label: string;
  badge?: number;
  title?: string;
  /** on narrower screens a symbol instead of the words (which stay for screen readers) */
  icon?: string;
  /** the symbol on every screen (the words in its tooltip and for screen readers): the bar stays one line */
  iconOnly?: boolean;
}

export function MainNav({ label, groups, links: barLinks = [], admin, currentLabel }: { label: string; groups: NavGroup[]; links?: NavLink[]; admin?: { href: string; label: string }; currentLabel: string }) {
  const pathname = usePathname();
  const [open, setOpen] = useState<string | null>(null);
  const nav = useRef<HTMLElement>(null);

  // a followed link closes its menu
  useEffect(() => setOpen(null), [pathname]);
  // a click elsewhere closes it
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!nav.current?.contains(e.target as Node)) setOpen(null);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  const links = (id: string) => [...(nav.current?.querySelectorAll<HTMLAnchorElement>(`#nav-menu-${id} a`) ?? [])];
  const button = (id: string) => nav.current?.querySelector<HTMLButtonElement>(`#nav-button-${id}`);
  const focusLink = (id: string, which: number | 'first' | 'last') => {
    const all = links(id);
    const i = which === 'first' ? 0 : which === 'last' ? all.length - 1 : (which + all.length) % all.length;
    all[i]?.focus();
  };

  const onKeyDown = (id: string) => (e: KeyboardEvent<HTMLLIElement>) => {
    const inMenu = (e.target as HTMLElement).tagName === 'A';
    if (e.key === 'Escape' && open === id) {
      e.preventDefault();
      setOpen(null);
      button(id)?.focus();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !inMenu) {
      e.preventDefault();
      setOpen(id);
      // the list is shown on the next render
      requestAnimationFrame(() => focusLink(id, e.key === 'ArrowDown' ? 'first' : 'last'));
    } else if (inMenu && ['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      const i = links(id).indexOf(e.target as HTMLAnchorElement);
      focusLink(id, e.key === 'Home' ? 'first' : e.key === 'End' ? 'last' : i + (e.key === 'ArrowDown' ? 1 : -1));
    }
  };

  return (
    <nav className="site-nav" aria-label={label} ref={nav}>
      <ul className="nav-bar">
        {groups.map((g) => {
          const holdsCurrent = g.links.some((l) => l.href === pathname);
          return (
            <li
              key={g.id}
              className="nav-item"
              onKeyDown={onKeyDown(g.id)}
              onBlur={(e) => {
                // leaving the menu with Tab closes it
                if (open === g.id && !e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(null);
              }}
            >
              <button
                type="button"
                id={`nav-button-${g.id}`}
                className={holdsCurrent ? 'nav-button nav-button-current' : 'nav-button'}
                aria-expanded={open === g.id}
                aria-controls={`nav-menu-${g.id}`}
                onClick={() => setOpen((o) => (o === g.id ? null : g.id))}
              >
                {g.label}
                {holdsCurrent ? <span className="visually-hidden"> ({currentLabel})</span> : null}
                <span className="nav-caret" aria-hidden="true" />
              </button>
              <ul id={`nav-menu-${g.id}`} className="nav-menu" hidden={open !== g.id}>
                {g.links.map((l) => (
                  <li key={l.href}>
                    <Link href={l.href} aria-current={l.href === pathname ? 'page' : undefined} prefetch={false} onClick={() => setOpen(null)}>
                      {l.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
        {barLinks.map((l) => (
          <li className="nav-item" key={l.href}>
            <Link className="nav-link" href={l.href} aria-current={pathname === l.href ? 'page' : undefined} prefetch={false} title={l.icon ? l.label : undefined} data-testid={`nav-${l.href.slice(1)}`}>
              {l.icon ? (
                <span className={l.iconOnly ? 'nav-icon nav-icon-always' : 'nav-icon'} aria-hidden="true">
                  {l.icon}
                </span>
              ) : null}
              <span className={l.icon ? (l.iconOnly ? 'nav-label visually-hidden' : 'nav-label') : undefined}>{l.label}</span>
              {l.badge ? (
                <span className="nav-badge" data-testid="inbox-badge">
                  {l.badge}
                  {l.title ? <span className="visually-hidden"> {l.title}</span> : null}
                </span>
              ) : null}
            </Link>
          </li>
        ))}
        {admin ? (
          <li className="nav-item">
            <Link className="nav-link" href={admin.href} aria-current={pathname === admin.href ? 'page' : undefined} prefetch={false}>
              {admin.label}
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
