'use client';
/**
 * The global filters of a dashboard: period (with quick picks), state, office, nationality and the
 * dashboard's own. Native, labelled form controls (keyboard and screen readers work as usual);
 * every change goes into the URL.
 */
import { useId } from 'react';
import { t, type Lang } from '../i18n';
import type { Category } from '../specs';
import { useFilterNavigation } from './navigation.client';

export interface FilterOption {
  key: string;
  label: string;
  allLabel: string;
  options: Category[];
  value?: string;
}

export function FilterBar(props: { lang: Lang; from: string; to: string; dataAsOf: string; years: number[]; filters: FilterOption[]; drillPath: Array<{ key: string; label: string }> }) {
  const { lang, from, to, dataAsOf, years, filters, drillPath } = props;
  const { navigate, reset, pending } = useFilterNavigation();
  const id = useId();
  const end = dataAsOf.slice(0, 10);
  const thisYear = end.slice(0, 4);
  const twelve = (() => {
    const d = new Date(`${end.slice(0, 7)}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - 11);
    return d.toISOString().slice(0, 10);
  })();
  const quick = [
    { label: t(lang, 'thisYear'), from: `${thisYear}-01-01`, to: end },
    { label: t(lang, 'last12'), from: twelve, to: end },
    ...years.slice(-6).reverse().filter((y) => String(y) !== thisYear).map((y) => ({ label: String(y), from: `${y}-01-01`, to: `${y}-12-31` })),
  ];
  return (
    <form className="filters" aria-label={t(lang, 'filters')} aria-busy={pending} onSubmit={(e) => e.preventDefault()}>
      <fieldset className="filter-period">
        <legend>{t(lang, 'period')}</legend>
        <div className="quick">
          {quick.map((q) => (
            <button key={q.label} type="button" className={q.from === from && q.to === to ? 'chip chip-on' : 'chip'} aria-pressed={q.from === from && q.to === to} onClick={() => navigate({ from: q.from, to: q.to })}>
              {q.label}
            </button>
          ))}
        </div>
        <label htmlFor={`${id}-from`}>{t(lang, 'from')}</label>
        <input id={`${id}-from`} type="date" defaultValue={from} max={to} key={`f${from}`} onChange={(e) => e.target.value && navigate({ from: e.target.value })} />
        <label htmlFor={`${id}-to`}>{t(lang, 'to')}</label>
        <input id={`${id}-to`} type="date" defaultValue={to} min={from} max={end} key={`t${to}`} onChange={(e) => e.target.value && navigate({ to: e.target.value })} />
      </fieldset>
      {filters.map((f) => (
        <div className="filter" key={f.key}>
          <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
          <select id={`${id}-${f.key}`} name={f.key} value={f.value ?? ''} onChange={(e) => navigate({ [f.key]: e.target.value || undefined })}>
            <option value="">{f.allLabel}</option>
            {f.options.map((o) => (
              <option key={o.code} value={o.code}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="filter-actions">
        <button type="button" className="button-secondary" onClick={reset}>
          {t(lang, 'reset')}
        </button>
      </div>
      <nav className="drill" aria-label={lang === 'de' ? 'Gliederungsebene' : 'Drill level'}>
        <ol>
          <li>
            <button type="button" className="link-button" onClick={() => navigate({ state: undefined, office: undefined })} aria-current={drillPath.length === 0 ? 'location' : undefined}>
              {t(lang, 'federal')}
            </button>
          </li>
          {drillPath.map((d, i) => (
            <li key={d.key}>
              <button type="button" className="link-button" aria-current={i === drillPath.length - 1 ? 'location' : undefined} onClick={() => (d.key === 'state' ? navigate({ office: undefined }) : undefined)}>
                {d.label}
              </button>
            </li>
          ))}
        </ol>
        <span className="hint">{t(lang, 'drillHint')}</span>
      </nav>
      {pending ? <span className="loading-flag" role="status">{t(lang, 'loading')}</span> : null}
    </form>
  );
}
