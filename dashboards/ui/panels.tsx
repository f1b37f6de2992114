/**
 * Server-rendered panel frames: title, the chart or the KPI tiles, the legend for withheld cells,
 * notes on filters a panel cannot apply, and one sentence when something is wrong.
 */
import { formatValue, t, type Lang } from '../i18n';
import type { KpiTile, PanelData } from '../specs';
import { Chart, DataTable } from './chart.client';
import { ExportMenu } from './export-menu';

function Sparkline({ values, label }: { values: Array<number | null>; label: string }) {
  const nums = values.map((v) => v ?? 0);
  const max = Math.max(1, ...nums);
  const min = Math.min(0, ...nums);
  const w = 120;
  const h = 28;
  const pts = nums.map((v, i) => `${((i / Math.max(1, nums.length - 1)) * w).toFixed(1)},${(h - ((v - min) / (max - min || 1)) * h).toFixed(1)}`).join(' ');
  return (
    <svg className="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

function Tile({ tile, lang }: { tile: KpiTile; lang: Lang }) {
  const up = tile.changePct !== null && tile.changePct > 0;
  const change = tile.changePct === null ? '–' : `${up ? '+' : ''}${formatValue(tile.changePct, 'percent', lang)}`;
  return (
    <div className="kpi" data-metric={tile.metric}>
      <div className="kpi-label">{tile.label}</div>
      {tile.allowed ? (
        <>
          <div className="kpi-value" data-value={tile.value ?? ''}>
            {formatValue(tile.value, tile.format, lang)}
          </div>
          <div className="kpi-change">
            <span className={tile.changePct === null ? '' : up ? 'delta-up' : 'delta-down'} aria-hidden="true">
              {tile.changePct === null ? '' : up ? '▲ ' : '▼ '}
            </span>
            {change} <span className="muted">{t(lang, 'changeVsPreviousYear')}</span>
          </div>
          <Sparkline values={tile.spark} label={`${tile.label}: ${lang === 'de' ? 'Verlauf der letzten 24 Monate' : 'last 24 months'}`} />
        </>
      ) : (
        <div className="kpi-value muted">{t(lang, 'notInRights')}</div>
      )}
    </div>
  );
}

function PanelBody({ data, lang, title }: { data: PanelData; lang: Lang; title: string }) {
  if (data.status !== 'ok') {
    if (data.status === 'forbidden') return <p className="panel-message">{t(lang, 'notInRights')}</p>;
    return (
      <p className="panel-message" role="alert">
        {data.message}
      </p>
    );
  }
  if (data.kind === 'kpis') {
    return (
      <div className="kpis">
        {data.tiles.map((tile) => (
          <Tile key={tile.metric} tile={tile} lang={lang} />
        ))}
      </div>
    );
  }
  if (data.empty) return <p className="panel-message">{t(lang, 'noData')}</p>;
  if (data.league) return <DataTable spec={data.chart} lang={lang} title={title} />;
  return <Chart spec={data.chart} lang={lang} title={title} />;
}

export function PanelFrame(props: {
  id: string;
  title: string;
  data: PanelData;
  lang: Lang;
  span: number;
  ignored: string[];
  note?: string;
  suppressBelow: number;
  filterKey: string;
  /** download link of the panel's data (without format) and the formats the user may export */
  exportBase?: string;
  exportFormats?: readonly string[];
}) {
  const { id, title, data, lang, span, ignored, note, suppressBelow, filterKey, exportBase, exportFormats } = props;
  return (
    <section className={`panel span-${span}`} aria-labelledby={`panel-${id}`} data-panel={id} data-status={data.status} data-filters={filterKey}>
      <h2 id={`panel-${id}`}>{title}</h2>
      {note ? <p className="panel-note">{note}</p> : null}
      <PanelBody data={data} lang={lang} title={title} />
      {data.status === 'ok' && data.suppressed > 0 ? <p className="legend">{t(lang, 'suppressedLegend', { n: suppressBelow })}</p> : null}
      {ignored.length ? (
        <p className="panel-note">
          {lang === 'de' ? 'Nicht anwendbar: ' : 'Not applicable: '}
          {ignored.join(', ')}
        </p>
      ) : null}
      {data.status === 'ok' && data.kind === 'chart' && data.chart.type === 'map' ? <p className="attribution">{t(lang, 'mapAttribution')}</p> : null}
      {data.status === 'ok' && exportBase && exportFormats?.length ? (
        <div className="panel-tools">
          <ExportMenu lang={lang} base={exportBase} formats={exportFormats} label={t(lang, 'exportPanel')} />
        </div>
      ) : null}
    </section>
  );
}

export function PanelSkeleton({ title, span }: { title: string; span: number }) {
  return (
    <section className={`panel span-${span} skeleton`} aria-busy="true">
      <h2>{title}</h2>
      <div className="skeleton-block" />
    </section>
  );
}
