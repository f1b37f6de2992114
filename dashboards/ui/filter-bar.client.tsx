'use client';
/**
 * The global filters of a dashboard: period (quick picks, a year, from/to), state, office,
 * nationality and the dashboard's own. Native, labelled form controls (keyboard and screen readers
 * work as usual); every change goes into the URL. Compact: on a tablet the bar takes two rows.
 */
import { useId } from 'react';
import { t, type Lang } from '../i18n';
import { last12Months, thisYear, wholeYear, type Period } from '../periods';
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
  const is = (p: Period) => p.from === from && p.to === to;
  const quick = [
    { label: t(lang, 'thisYear'), period: thisYear(dataAsOf) },
    { label: t(lang, 'last12'), period: last12Months(dataAsOf) },
  ];
  const pastYears = [...years].reverse().filter((y) => String(y) !== end.slice(0, 4));
  const year = pastYears.find((y) => is(wholeYear(y)));
  return (
    <form className="filters" aria-label={t(lang, 'filters')} aria-busy={pending} onSubmit={(e) => e.preventDefault()}>
      <fieldset className="filter-period">
        <legend>{t(lang, 'period')}</legend>
        <div className="quick">
          {quick.map((q) => (
            <button key={q.label} type="button" className="chip" aria-pressed={is(q.period)} onClick={() => navigate(q.period)}>
              {q.label}
            </button>
          ))}
          {pastYears.length ? (
            <>
              <label htmlFor={`${id}-year`} className="visually-hidden">
                {t(lang, 'year')}
              </label>
              <select id={`${id}-year`} className={year ? 'chip-select chip-select-on' : 'chip-select'} value={year ?? ''} onChange={(e) => e.target.value && navigate(wholeYear(Number(e.target.value)))}>
                <option value="">{t(lang, 'chooseYear')}</option>
                {pastYears.map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            </>
          ) : null}
        </div>
        <span className="dates">
          <label htmlFor={`${id}-from`}>{t(lang, 'from')}</label>
          <input id={`${id}-from`} type="date" defaultValue={from} max={to} key={`f${from}`} onChange={(e) => e.target.value && navigate({ from: e.target.value })} />
          <label htmlFor={`${id}-to`}>{t(lang, 'to')}</label>
          <input id={`${id}-to`} type="date" defaultValue={to} min={from} max={end} key={`t${to}`} onChange={(e) => e.target.value && navigate({ to: e.target.value })} />
        </span>
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
